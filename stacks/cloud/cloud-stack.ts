/**
 * One cloud as Terraform (cdktf, typed L1 bindings): the extranet attachment (a dual-stack routed
 * provider network from the province IPAM, its gateway the hosting router), each published service
 * as an Octavia load balancer per family with its VIP on that network (listener, pool, members on
 * the tenant network, health monitor), and per department tenant an identity project, compute/network/
 * block-storage quotas, a dual-stack tenant network (an IPv4 and an IPv6 subnet), a router onto the
 * extranet (no SNAT, its gateway at a fixed address per family: the next hop of the hosting
 * router's route to the tenant subnets, listed in the `tenant_routes` output), a default-deny security group with the declared rules, a DNS zone, and an anti-affinity
 * server group per system placed in it.
 */
import { TerraformOutput, type App, type TerraformStack } from 'cdktn';
import { LeanStack } from '../lean-stack.js';
import type { Cloud, CloudService, PlacedSystem, SecurityRule } from '../../cloud/types.js';
import {
  BlockstorageQuotasetV3,
  ComputeQuotasetV2,
  ComputeServergroupV2,
  DnsZoneV2,
  IdentityProjectV3,
  LbListenerV2,
  LbLoadbalancerV2,
  LbMemberV2,
  LbMonitorV2,
  LbPoolV2,
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
  // The hosting router is the gateway; Neutron hands out the lower half, the VIPs sit in the upper half.
  const ext = cloud.extranet;
  const ext4 = new NetworkingSubnetV2(stack, 'extranet_v4', {
    provider,
    networkId: extranetId,
    name: `${cloud.id}-extranet-v4`,
    ipVersion: 4,
    cidr: ext.subnets.ipv4,
    gatewayIp: ext.gateway.ipv4,
    allocationPool: [ext.allocation.ipv4],
    enableDhcp: false,
  });
  const ext6 = new NetworkingSubnetV2(stack, 'extranet_v6', {
    provider,
    networkId: extranetId,
    name: `${cloud.id}-extranet-v6`,
    ipVersion: 6,
    cidr: ext.subnets.ipv6,
    gatewayIp: ext.gateway.ipv6,
    allocationPool: [ext.allocation.ipv6],
    enableDhcp: false,
  });
  const extSubnet = { ipv4: ext4.id, ipv6: ext6.id };

  const byTenant = new Map<string, PlacedSystem[]>();
  for (const p of placed) {
    const list = byTenant.get(p.tenant);
    if (list) list.push(p);
    else byTenant.set(p.tenant, [p]);
  }
  for (const tenant of cloud.tenants) {
    const t = tfName(tenant.department);
    const project = new IdentityProjectV3(stack, `project_${t}`, {
      provider,
      name: tenant.project,
      description: `${tenant.department} on ${cloud.name}`,
      enabled: true,
      tags: [`department:${tenant.department}`, `cloud:${cloud.id}`],
    });
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
    new BlockstorageQuotasetV3(stack, `volume_quota_${t}`, {
      provider,
      projectId,
      gigabytes: Math.floor(tenant.quota.storageTiB * 1024),
      volumes: Math.max(20, Math.floor(tenant.quota.vcpu)),
      snapshots: Math.max(20, Math.floor(tenant.quota.vcpu)),
    });
    new NetworkingQuotaV2(stack, `network_quota_${t}`, {
      provider,
      projectId,
      network: 10,
      subnet: 20,
      router: 2,
      port: Math.max(100, Math.floor(tenant.quota.vcpu * 2)),
      securityGroup: 20,
      securityGroupRule: 200,
      floatingip: tenant.floatingIps,
    });

    const net = new NetworkingNetworkV2(stack, `net_${t}`, { provider, name: `${tenant.project}-net`, tenantId: projectId, adminStateUp: true });
    const netId = net.id;
    const sub4 = new NetworkingSubnetV2(stack, `subnet_v4_${t}`, {
      provider,
      networkId: netId,
      tenantId: projectId,
      name: `${tenant.project}-v4`,
      ipVersion: 4,
      cidr: tenant.subnets.ipv4,
      enableDhcp: true,
    });
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
      // tenant pools come from the province IPAM and are routed into the backbone: no SNAT, so
      // townships see (and security groups and logs name) the real addresses; the gateway's fixed
      // addresses are the next hops of the backbone's routes to this tenant's subnets
      enableSnat: false,
      externalFixedIp: [
        { subnetId: extSubnet.ipv4, ipAddress: tenant.routerGateway.ipv4 },
        { subnetId: extSubnet.ipv6, ipAddress: tenant.routerGateway.ipv6 },
      ],
      dependsOn: [ext4, ext6],
    });
    const routerId = router.id;
    const tenantSubnet = { ipv4: sub4.id, ipv6: sub6.id };
    new NetworkingRouterInterfaceV2(stack, `router_if_v4_${t}`, { provider, routerId, subnetId: tenantSubnet.ipv4 });
    new NetworkingRouterInterfaceV2(stack, `router_if_v6_${t}`, { provider, routerId, subnetId: tenantSubnet.ipv6 });
    for (const svc of cloud.services.filter((x) => x.tenant === tenant.department))
      loadBalancer(stack, provider, cloud, svc, projectId, extSubnet, tenantSubnet);

    const sg = new NetworkingSecgroupV2(stack, `sg_${t}`, {
      provider,
      name: `${tenant.project}-default-deny`,
      description: 'default deny: only the declared rules below are open',
      deleteDefaultRules: true,
      tenantId: projectId,
    });
    const sgId = sg.id;
    tenant.securityRules.forEach((rule) => ruleResources(stack, provider, sgId, rule, t, projectId));
    new DnsZoneV2(stack, `dns_${t}`, {
      provider,
      name: tenant.dnsZone,
      email: dnsEmail,
      ttl: 3600,
      type: 'PRIMARY',
      projectId,
      description: `zone of ${tenant.project}`,
    });
    for (const p of byTenant.get(tenant.project) ?? []) {
      new ComputeServergroupV2(stack, `sg_aa_${tfName(p.system)}`, { provider, name: `${p.system}-anti-affinity`, policies: ['anti-affinity'] });
    }
  }
  new TerraformOutput(stack, 'extranet_network_id', { value: extranetId, description: 'input of the DR stacks of this cloud' });
  new TerraformOutput(stack, 'cloud', {
    value: {
      id: cloud.id,
      kind: cloud.kind,
      region: cloud.region,
      site: cloud.location.site,
      tenants: cloud.tenants.length,
      systems: placed.length,
      capacity: cloud.capacity,
    },
  });
  // No SNAT and no BGP: the hosting router reaches each tenant subnet through its router's gateway.
  new TerraformOutput(stack, 'tenant_routes', {
    description: `static routes of the hosting router at ${cloud.location.site} to the tenant networks`,
    value: cloud.tenants.flatMap((t) => [
      { destination: t.subnets.ipv4, next_hop: t.routerGateway.ipv4, tenant: t.project },
      { destination: t.subnets.ipv6, next_hop: t.routerGateway.ipv6, tenant: t.project },
    ]),
  });
  // What townships use: the published services' VIPs, per family.
  new TerraformOutput(stack, 'service_vips', {
    value: Object.fromEntries(cloud.services.map((svc) => [svc.name, { ...svc.vip, port: svc.port, protocol: svc.protocol }])),
  });
  return stack;
}

const LISTENER = { HTTP: 'HTTP', HTTPS: 'HTTPS', TCP: 'TCP' } as const;
// HTTPS passes through (the members hold the certificates): the monitor checks the path over TLS.
const MONITOR = { HTTP: 'HTTP', HTTPS: 'HTTPS', TCP: 'TCP' } as const;

/** One load balancer per family: its VIP on the provider network, members on the tenant network. */
function loadBalancer(
  stack: TerraformStack,
  provider: OpenstackProvider,
  cloud: Cloud,
  svc: CloudService,
  tenantId: string,
  vipSubnet: { ipv4: string; ipv6: string },
  memberSubnet: { ipv4: string; ipv6: string },
): void {
  for (const fam of ['ipv4', 'ipv6'] as const) {
    const n = `${tfName(svc.name)}_${fam === 'ipv4' ? 'v4' : 'v6'}`;
    const name = `${cloud.id}-${svc.name}-${fam === 'ipv4' ? 'v4' : 'v6'}`;
    const lb = new LbLoadbalancerV2(stack, `lb_${n}`, {
      provider,
      name,
      description: `${svc.name} of ${svc.tenant}, published to the extranet`,
      tenantId,
      vipSubnetId: vipSubnet[fam],
      vipAddress: svc.vip[fam],
      adminStateUp: true,
      tags: [`service:${svc.name}`, `tenant:${svc.tenant}`],
    });
    const listener = new LbListenerV2(stack, `lb_listener_${n}`, {
      provider,
      name,
      tenantId,
      loadbalancerId: lb.id,
      protocol: LISTENER[svc.protocol],
      protocolPort: svc.port,
      adminStateUp: true,
    });
    const pool = new LbPoolV2(stack, `lb_pool_${n}`, {
      provider,
      name,
      tenantId,
      listenerId: listener.id,
      protocol: svc.protocol,
      lbMethod: 'ROUND_ROBIN',
      adminStateUp: true,
    });
    const poolId = pool.id;
    svc.members[fam].forEach((address, k) => {
      new LbMemberV2(stack, `lb_member_${n}_${k}`, {
        provider,
        tenantId,
        poolId,
        address,
        protocolPort: svc.memberPort,
        subnetId: memberSubnet[fam],
        adminStateUp: true,
      });
    });
    const http = svc.protocol !== 'TCP';
    new LbMonitorV2(stack, `lb_monitor_${n}`, {
      provider,
      name,
      tenantId,
      poolId,
      type: MONITOR[svc.protocol],
      delay: 5,
      timeout: 3,
      maxRetries: 3,
      maxRetriesDown: 3,
      ...(http ? { httpMethod: 'GET', urlPath: svc.healthPath, expectedCodes: '200' } : {}),
      adminStateUp: true,
    });
  }
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
