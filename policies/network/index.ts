/**
 * The network rule pack (NET-xxx): rules over the inventory and the topology built from it, and
 * the provider that builds that topology when a run needs it.
 */
import { buildTopology } from '../../network/topology.js';
import type { PolicyRegistry } from '../registry.js';
import { dualLinksDistinctParents } from './dual-homing.js';
import { dualStackEverywhere } from './dual-stack.js';
import { internetOnlyAtUnifiedExit } from './internet-exit.js';
import { noPrefixOverlap } from './prefix-overlap.js';
import { classifiedNeverOnExtranet, privateNetworkTargetFollowsRule } from './private-networks.js';
import { linkBandwidthPerTier, tierTableMeetsPlan } from './tier-bandwidth.js';
import { locatedInInventory } from './locations.js';
import { vrrpOnDualRouterLans } from './vrrp-lans.js';
import { qosOnEveryUplink } from './qos-uplinks.js';
import { ospfAuthenticationEverywhere } from './ospf-authentication.js';
import { bfdOnEveryAdjacency } from './bfd.js';
import { managementNtp } from './management-ntp.js';
import { managementSyslog } from './management-syslog.js';
import { managementSnmpV3Only } from './management-snmpv3-only.js';
import { managementAaa } from './management-aaa.js';
import { managementAcl } from './management-acl.js';
import { managementSecretReferences } from './management-secret-references.js';
import { natOnlyAtExits } from './exit-nat.js';
import { exitInboundDefaultDeny } from './exit-inbound.js';
import { urpfOnUpstream } from './exit-urpf.js';
import { portAdminState } from './port-admin-state.js';

// Rules over the topology get their findings located at the inventory entry of the site concerned.
const NETWORK_POLICIES = [
  locatedInInventory(dualStackEverywhere),
  locatedInInventory(dualLinksDistinctParents),
  locatedInInventory(linkBandwidthPerTier),
  tierTableMeetsPlan,
  classifiedNeverOnExtranet,
  privateNetworkTargetFollowsRule,
  locatedInInventory(noPrefixOverlap),
  locatedInInventory(internetOnlyAtUnifiedExit),
  locatedInInventory(vrrpOnDualRouterLans),
  locatedInInventory(qosOnEveryUplink),
  ospfAuthenticationEverywhere,
  bfdOnEveryAdjacency,
  managementNtp,
  managementSyslog,
  managementSnmpV3Only,
  managementAaa,
  managementAcl,
  managementSecretReferences,
  natOnlyAtExits,
  exitInboundDefaultDeny,
  urpfOnUpstream,
  portAdminState,
] as const;

export function registerNetworkPolicies(registry: PolicyRegistry): void {
  for (const rule of NETWORK_POLICIES) registry.register(rule);
  registry.provide('topology', (inv) => buildTopology(inv));
}
