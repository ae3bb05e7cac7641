/**
 * Test helpers: the default inventory's model built once per test file (the topology takes a few
 * seconds), and synthesis of contributions into Terraform JSON documents in memory.
 */
import { App } from 'cdktn';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory, type Inventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import type { Topology } from '../../network/types.js';
import type { StackContribution } from '../contribution.js';
import { loadTerraformBuilders } from '../terraform-builders.js';

let cached: Promise<{ inventory: Inventory; topology: Topology }> | undefined;
export function defaultContext(): Promise<{ inventory: Inventory; topology: Topology }> {
  cached ??= loadInventory().then((inventory) => ({ inventory, topology: buildTopology(inventory) }));
  return cached;
}

/**
 * Build every contribution's stack in one app, synthesize it to disk exactly as `stacks synth`
 * does (App.synth, metadata included), and return each stack's cdk.tf.json, by name.
 */
export async function synthToJson(
  contributions: StackContribution[],
  ctx: { inventory: Inventory; topology: Topology },
): Promise<Map<string, Record<string, unknown>>> {
  await loadTerraformBuilders();
  const outdir = mkdtempSync(join(tmpdir(), 'stacks-cloud-test-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    for (const c of contributions) c.build?.(app, ctx);
    app.synth();
    const out = new Map<string, Record<string, unknown>>();
    for (const name of readdirSync(join(outdir, 'stacks')).sort()) {
      out.set(name, JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as Record<string, unknown>);
    }
    return out;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
