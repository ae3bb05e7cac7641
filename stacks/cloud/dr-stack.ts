/**
 * One DR stack per replication pair (primary site → replica centre): a replication network on
 * both sides (dual-stack), routers onto the extranet, VPNaaS between them (IKE and IPsec policies,
 * a VPN service per side, endpoint groups per family, site connections in both directions per
 * family), and at a remote centre object-storage backup containers per department. The pre-shared
 * key is a sensitive Terraform variable (TF_VAR_replication_psk), never written out.
 */
import { TerraformOutput, TerraformVariable, type App, type TerraformStack } from 'cdktn';
import { LeanStack } from '../lean-stack.js';
import type { Cloud, CloudRegistry } from '../../cloud/types.js';
import type { ReplicationPair } from '../../cloud/dr.js';
import {
  NetworkingNetworkV2,
  NetworkingRouterInterfaceV2,
  NetworkingRouterV2,
  NetworkingSubnetV2,
  ObjectstorageContainerV1,
  VpnaasEndpointGroupV2,
  VpnaasIkePolicyV2,
  VpnaasIpsecPolicyV2,
  VpnaasServiceV2,
  VpnaasSiteConnectionV2,
  type OpenstackProvider,
} from '../gen/openstack/index.js';
import { configureBackend, openstackProvider, type BackendChoice } from './provider.js';
import { tfName } from './naming.js';

interface Side {
  cloud: Cloud;
  provider: OpenstackProvider;
  subnets: { ipv4: NetworkingSubnetV2; ipv6: NetworkingSubnetV2 };
  cidrs: { ipv4: string; ipv6: string };
  router: NetworkingRouterV2;
  vpn: VpnaasServiceV2;
  ike: VpnaasIkePolicyV2;
  ipsec: VpnaasIpsecPolicyV2;
}

export function buildDrStack(
  app: App,
  reg: CloudRegistry,
  pair: ReplicationPair,
  slots: Map<string, { ipv4: string; ipv6: string }>,
  backend: BackendChoice,
): TerraformStack {
  const stack = new LeanStack(app, pair.id);
  configureBackend(stack, pair.id, backend);
  const clouds = new Map(reg.clouds.map((c) => [c.id, c]));
  const psk = new TerraformVariable(stack, 'replication_psk', {
    type: 'string',
    sensitive: true,
    description: `IPsec pre-shared key of ${pair.id} (set TF_VAR_replication_psk)`,
  });

  const side = (cloud: Cloud, label: string): Side => {
    const provider = openstackProvider(stack, cloud);
    const cidrs = slots.get(`${pair.id}/${cloud.id}`)!;
    const l = tfName(label);
    const net = new NetworkingNetworkV2(stack, `repl_net_${l}`, {
      provider,
      name: `${pair.id}-${cloud.id}`,
      description: `replication network of ${pair.id} on ${cloud.id}`,
      adminStateUp: true,
    });
    const s4 = new NetworkingSubnetV2(stack, `repl_v4_${l}`, {
      provider,
      networkId: net.id,
      name: `${pair.id}-${cloud.id}-v4`,
      ipVersion: 4,
      cidr: cidrs.ipv4,
      enableDhcp: true,
    });
    const s6 = new NetworkingSubnetV2(stack, `repl_v6_${l}`, {
      provider,
      networkId: net.id,
      name: `${pair.id}-${cloud.id}-v6`,
      ipVersion: 6,
      cidr: cidrs.ipv6,
      ipv6AddressMode: 'dhcpv6-stateful',
      ipv6RaMode: 'dhcpv6-stateful',
      enableDhcp: true,
    });
    // The extranet network belongs to the cloud's own stack (its `extranet_network_id` output); the
    // DR stack takes it as a variable rather than a remote-state coupling between the two stacks.
    const extranetId = new TerraformVariable(stack, `extranet_network_id_${l}`, {
      type: 'string',
      description: `id of ${cloud.id}-extranet (output extranet_network_id of stack cloud-${cloud.id})`,
    });
    const router = new NetworkingRouterV2(stack, `repl_router_${l}`, {
      provider,
      name: `${pair.id}-${cloud.id}-router`,
      externalNetworkId: extranetId.stringValue,
      enableSnat: false,
    });
    new NetworkingRouterInterfaceV2(stack, `repl_if_v4_${l}`, { provider, routerId: router.id, subnetId: s4.id });
    new NetworkingRouterInterfaceV2(stack, `repl_if_v6_${l}`, { provider, routerId: router.id, subnetId: s6.id });
    const vpn = new VpnaasServiceV2(stack, `vpn_${l}`, { provider, name: `${pair.id}-${cloud.id}-vpn`, routerId: router.id, adminStateUp: true });
    const ike = new VpnaasIkePolicyV2(stack, `ike_${l}`, {
      provider,
      name: `${pair.id}-${cloud.id}-ike`,
      authAlgorithm: 'sha256',
      encryptionAlgorithm: 'aes-256',
      ikeVersion: 'v2',
      pfs: 'group14',
      phase1NegotiationMode: 'main',
      lifetime: [{ units: 'seconds', value: 28800 }],
    });
    const ipsec = new VpnaasIpsecPolicyV2(stack, `ipsec_${l}`, {
      provider,
      name: `${pair.id}-${cloud.id}-ipsec`,
      authAlgorithm: 'sha256',
      encryptionAlgorithm: 'aes-256',
      pfs: 'group14',
      transformProtocol: 'esp',
      encapsulationMode: 'tunnel',
      lifetime: [{ units: 'seconds', value: 3600 }],
    });
    return { cloud, provider, subnets: { ipv4: s4, ipv6: s6 }, cidrs, router, vpn, ike, ipsec };
  };

  const target = side(clouds.get(pair.toCloud)!, `to_${pair.toCloud}`);
  for (const fromId of pair.fromClouds) {
    const source = side(clouds.get(fromId)!, `from_${fromId}`);
    connect(stack, pair, source, target, psk);
    connect(stack, pair, target, source, psk);
  }
  if (pair.role === 'remote-dr' || pair.role === 'remote-dr-alternative') {
    for (const fromId of pair.fromClouds) {
      for (const dept of pair.departments[fromId] ?? []) {
        new ObjectstorageContainerV1(stack, `backup_${tfName(fromId)}_${tfName(dept)}`, {
          provider: target.provider,
          name: `backup-${fromId}-${dept}`,
          versioning: true,
          metadata: { source_cloud: fromId, department: dept, pair: pair.id },
        });
      }
    }
  }
  new TerraformOutput(stack, 'replication', {
    value: {
      pair: pair.id,
      from_site: pair.fromSite,
      to_centre: pair.toCentre,
      role: pair.role,
      systems: pair.systems,
      required_mbps: Math.round(pair.requiredMbps * 10) / 10,
      path: pair.path?.sites ?? [],
      bottleneck_mbps: pair.path?.bottleneckMbps ?? 0,
    },
  });
  return stack;
}

/** Site connections from `a` to `b`, one per family, each with its own endpoint groups. */
function connect(stack: TerraformStack, pair: ReplicationPair, a: Side, b: Side, psk: TerraformVariable): void {
  for (const family of ['ipv4', 'ipv6'] as const) {
    const l = `${tfName(a.cloud.id)}_to_${tfName(b.cloud.id)}_${family}`;
    const local = new VpnaasEndpointGroupV2(stack, `epg_local_${l}`, {
      provider: a.provider,
      name: `${pair.id}-${l}-local`,
      type: 'subnet',
      endpoints: [a.subnets[family].id],
    });
    const peer = new VpnaasEndpointGroupV2(stack, `epg_peer_${l}`, {
      provider: a.provider,
      name: `${pair.id}-${l}-peer`,
      type: 'cidr',
      endpoints: [b.cidrs[family]],
    });
    const peerAddress = family === 'ipv4' ? b.vpn.getStringAttribute('external_v4_ip') : b.vpn.getStringAttribute('external_v6_ip');
    new VpnaasSiteConnectionV2(stack, `conn_${l}`, {
      provider: a.provider,
      name: `${pair.id}-${l}`,
      ikepolicyId: a.ike.id,
      ipsecpolicyId: a.ipsec.id,
      vpnserviceId: a.vpn.id,
      localEpGroupId: local.id,
      peerEpGroupId: peer.id,
      peerAddress,
      peerId: peerAddress,
      psk: psk.stringValue,
      initiator: 'bi-directional',
      adminStateUp: true,
      dpd: [{ action: 'restart', interval: 30, timeout: 120 }],
    });
  }
}
