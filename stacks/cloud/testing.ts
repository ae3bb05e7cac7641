/**
 * Test helpers: the default inventory's model built once per test file (the topology takes a few
 * seconds), and synthesis of contributions into Terraform JSON documents in memory.
 */
import { Testing, type App } from 'cdktf';
import { loadInventory, type Inventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import type { Topology } from '../../network/types.js';
import type { StackContribution } from '../contribution.js';

let cached: Promise<{ inventory: Inventory; topology: Topology }> | undefined;
export function defaultContext(): Promise<{ inventory: Inventory; topology: Topology }> {
  cached ??= loadInventory().then((inventory) => ({ inventory, topology: buildTopology(inventory) }));
  return cached;
}

/** Build every contribution's stack in one app and return each stack's Terraform JSON, by name. */
export function synthToJson(contributions: StackContribution[], ctx: { inventory: Inventory; topology: Topology }): Map<string, Record<string, unknown>> {
  const app: App = Testing.app();
  const out = new Map<string, Record<string, unknown>>();
  for (const c of contributions) {
    if (!c.build) continue;
    c.build(app, ctx);
  }
  for (const child of app.node.children) {
    const stack = child as Parameters<typeof Testing.synth>[0];
    out.set(child.node.id, JSON.parse(Testing.synth(stack)) as Record<string, unknown>);
  }
  return out;
}
