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

export const NETWORK_POLICIES = [
  dualStackEverywhere,
  dualLinksDistinctParents,
  linkBandwidthPerTier,
  tierTableMeetsPlan,
  classifiedNeverOnExtranet,
  privateNetworkTargetFollowsRule,
  noPrefixOverlap,
  internetOnlyAtUnifiedExit,
] as const;

export function registerNetworkPolicies(registry: PolicyRegistry): void {
  for (const rule of NETWORK_POLICIES) registry.register(rule);
  registry.provide('topology', (inv) => buildTopology(inv));
}
