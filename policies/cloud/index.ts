/**
 * The cloud rule pack (CLD-001…006) and the provider of its input: the cloud model built from the
 * inventory (placement failures are reported by the rules, not thrown).
 */
import type { Inventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import { buildCloudModel, type CloudModel } from '../../stacks/cloud/model.js';
import type { PolicyRegistry } from '../registry.js';
import { CLOUD_POLICIES } from './rules.js';

export function registerCloudPolicies(registry: PolicyRegistry): void {
  for (const rule of CLOUD_POLICIES) registry.register(rule);
  // An inventory without clouds gives no model: the runner then skips these rules (input missing).
  registry.provide('cloud', (inv: Inventory) => buildCloudModel(inv, buildTopology(inv), { allowUnplaced: true }) as CloudModel);
  // CLD-007 compares the clouds' pools with the sites (the network pack provides the same)
  registry.provide('topology', (inv: Inventory) => buildTopology(inv));
}
