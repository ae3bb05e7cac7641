import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DEFAULT_INVENTORY_DIR, loadInventory } from '../inventory/load.js';
import { buildModel } from './synth.js';
import { LeanStack } from './lean-stack.js';
import { synthTerraform } from './terraform-synth.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(relative(root, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name), 'utf8'));
  }
  return out;
}

async function synthInto(skipDiscovery: boolean): Promise<Map<string, string>> {
  const outdir = mkdtempSync(join(tmpdir(), 'stacks-lean-'));
  dirs.push(outdir);
  LeanStack.skipDiscovery = skipDiscovery;
  try {
    await synthTerraform({ model: buildModel(await loadInventory(DEFAULT_INVENTORY_DIR)), outdir });
  } finally {
    LeanStack.skipDiscovery = true;
  }
  return tree(outdir);
}

describe('LeanStack', () => {
  it('writes the same Terraform JSON as cdktf with its cross-stack discovery pass, for every stack of the default province', { timeout: 120_000 }, async () => {
    const lean = await synthInto(true);
    const full = await synthInto(false);
    expect([...lean.keys()].filter((f) => f.endsWith('cdk.tf.json')).length).toBeGreaterThan(40);
    expect([...lean.keys()].sort()).toEqual([...full.keys()].sort());
    for (const [file, text] of full) expect(lean.get(file), file).toBe(text);
  });
});
