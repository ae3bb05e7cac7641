/**
 * One cloud as Terraform (cdktf, typed L1 bindings): the extranet attachment (a dual-stack provider
 * network on the site LAN), and per department tenant an identity project, compute/network/
 * block-storage quotas, a dual-stack tenant network (an IPv4 and an IPv6 subnet), a router onto the
 * extranet, a default-deny security group with the declared rules, a DNS zone, and an anti-affinity
 * server group per system placed in it.
 */
import { TerraformOutput, type App, type TerraformStack } from 'cdktf';
import { LeanStack } from '../lean-stack.js';
import type { Cloud, PlacedSystem, SecurityRule } from '../../cloud/types.js';
import {
  BlockstorageQuotasetV3,
  ComputeQuotasetV2,
  ComputeServergroupV2,
  DnsZoneV2,
  IdentityProjectV3,
  NetworkingNetworkV2,
  NetworkingQuotaV2,
  NetworkingRouterInterfaceV2,
  NetworkingRouterV2,
  NetworkingSecgroupRuleV2,
  NetworkingSecgroupV2,
  NetworkingSubnetV2,
  type OpenstackProvider,
} from '../gen/openstack/index.js';
import { configureBackend, openstackProvider, type BackendChoice } from './provider.js';
import { cloudStackName, tfName } from './naming.js';


export function buildCloudStack(app: App, cloud: Cloud, placed: readonly PlacedSystem[], backend: BackendChoice, dnsEmail: string): TerraformStack {
  const name = cloudStackName(cloud);
  const stack = new LeanStack(app, name);
  configureBackend(stack, name, backend);
  const provider = openstackProvider(stack, cloud);
  const extranet = new NetworkingNetworkV2(stack, 'extranet', {
    provider,
    name: `${cloud.id}-extranet`,
    description: `e-government extranet attachment of ${cloud.name} at ${cloud.location.site}`,
    external: true,
    shared: false,
    adminStateUp: true,
    segments: [{ networkType: cloud.extranet.networkType, physicalNetwork: cloud.extranet.physicalNetwork, segmentationId: cloud.extranet.segmentationId }],
  });
  // Each `.id` read makes a new cdktf token that captures a stack trace: read each once.
  const extranetId = extranet.id;
  const ext4 = new NetworkingSubnetV2(stack, 'extranet_v4', { provider, networkId: extranetId, name: `${cloud.id}-extranet-v4`, ipVersion: 4, cidr: cloud.extranet.subnets.ipv4, enableDhcp: false });
  const ext6 = new NetworkingSubnetV2(stack, 'extranet_v6', { provider, networkId: extranetId, name: `${cloud.id}-extranet-v6`, ipVersion: 6, cidr: cloud.extranet.subnets.ipv6, enableDhcp: false });

  const byTenant = new Map<string, PlacedSystem[]>();
  for (const p of placed) {
    const list = byTenant.get(p.tenant);
    if (list) list.push(p);
    else byTenant.set(p.tenant, [p]);
  }
  for (const tenant of cloud.tenants) {
    const t = tfName(tenant.department);
    const project = new IdentityProjectV3(stack, `project_${t}`, { provider, name: tenant.project, description: `${tenant.department} on ${cloud.name}`, enabled: true, tags: [`department:${tenant.department}`, `cloud:${cloud.id}`] });
    const projectId = project.id;
    new ComputeQuotasetV2(stack, `compute_quota_${t}`, {
      provider,
      projectId,
      cores: Math.floor(tenant.quota.vcpu),
      ram: Math.floor(tenant.quota.ramGiB * 1024),
      instances: Math.max(10, Math.floor(tenant.quota.vcpu / 2)),
      serverGroups: Math.max(10, Math.floor(tenant.quota.vcpu / 2)),
      serverGroupMembers: 16,
    });
    new BlockstorageQuotasetV3(stack, `volume_quota_${t}`, { provider, projectId, gigabytes: Math.floor(tenant.quota.storageTiB * 1024), volumes: Math.max(20, Math.floor(tenant.quota.vcpu)), snapshots: Math.max(20, Math.floor(tenant.quota.vcpu)) });
    new NetworkingQuotaV2(stack, `network_quota_${t}`, { provider, projectId, network: 10, subnet: 20, router: 2, port: Math.max(100, Math.floor(tenant.quota.vcpu * 2)), securityGroup: 20, securityGroupRule: 200, floatingip: 0 });

    const net = new NetworkingNetworkV2(stack, `net_${t}`, { provider, name: `${tenant.project}-net`, tenantId: projectId, adminStateUp: true });
    const netId = net.id;
    const sub4 = new NetworkingSubnetV2(stack, `subnet_v4_${t}`, { provider, networkId: netId, tenantId: projectId, name: `${tenant.project}-v4`, ipVersion: 4, cidr: tenant.subnets.ipv4, enableDhcp: true });
    const sub6 = new NetworkingSubnetV2(stack, `subnet_v6_${t}`, {
      provider,
      networkId: netId,
      tenantId: projectId,
      name: `${tenant.project}-v6`,
      ipVersion: 6,
      cidr: tenant.subnets.ipv6,
      ipv6AddressMode: 'dhcpv6-stateful',
      ipv6RaMode: 'dhcpv6-stateful',
      enableDhcp: true,
    });
    const router = new NetworkingRouterV2(stack, `router_${t}`, {
      provider,
      name: `${tenant.project}-router`,
      tenantId: projectId,
      externalNetworkId: extranetId,
      // tenant IPv4 is private and leaves by SNAT; IPv6 is routed as is
      enableSnat: true,
      dependsOn: [ext4, ext6],
    });
    const routerId = router.id;
    new NetworkingRouterInterfaceV2(stack, `router_if_v4_${t}`, { provider, routerId, subnetId: sub4.id });
    new NetworkingRouterInterfaceV2(stack, `router_if_v6_${t}`, { provider, routerId, subnetId: sub6.id });

    const sg = new NetworkingSecgroupV2(stack, `sg_${t}`, { provider, name: `${tenant.project}-default-deny`, description: 'default deny: only the declared rules below are open', deleteDefaultRules: true, tenantId: projectId });
    const sgId = sg.id;
    tenant.securityRules.forEach((rule) => ruleResources(stack, provider, sgId, rule, t, projectId));
    new DnsZoneV2(stack, `dns_${t}`, { provider, name: tenant.dnsZone, email: dnsEmail, ttl: 3600, type: 'PRIMARY', projectId, description: `zone of ${tenant.project}` });
    for (const p of byTenant.get(tenant.project) ?? []) {
      new ComputeServergroupV2(stack, `sg_aa_${tfName(p.system)}`, { provider, name: `${p.system}-anti-affinity`, policies: ['anti-affinity'] });
    }
  }
  new TerraformOutput(stack, 'extranet_network_id', { value: extranetId, description: 'input of the DR stacks of this cloud' });
  new TerraformOutput(stack, 'cloud', {
    value: { id: cloud.id, kind: cloud.kind, region: cloud.region, site: cloud.location.site, tenants: cloud.tenants.length, systems: placed.length, capacity: cloud.capacity },
  });
  return stack;
}

function ruleResources(stack: TerraformStack, provider: OpenstackProvider, securityGroupId: string, rule: SecurityRule, t: string, projectId: string): void {
  rule.remotePrefixes.forEach((prefix, i) => {
    const v6 = prefix.includes(':');
    new NetworkingSecgroupRuleV2(stack, `sgr_${t}_${tfName(rule.name)}_${i}`, {
      provider,
      securityGroupId,
      tenantId: projectId,
      description: rule.name,
      direction: rule.direction,
      ethertype: v6 ? 'IPv6' : 'IPv4',
      // `any` is Neutron's "no protocol given"; ICMP on IPv6 is ipv6-icmp
      protocol: rule.protocol === 'any' ? undefined : rule.protocol === 'icmp' && v6 ? 'ipv6-icmp' : rule.protocol,
      portRangeMin: rule.portMin,
      portRangeMax: rule.portMax,
      remoteIpPrefix: prefix,
    });
  });
}
