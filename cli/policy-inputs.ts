/**
 * The I/O the 等保 pack needs, kept out of the pure rules: rendered configs and Terraform JSON read
 * from a synth output tree (`--synth-dir`), or Terraform synthesized into a temporary folder.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Inventory } from '../inventory/load.js';
import type { Topology } from '../network/types.js';
import { DIALECTS, DIALECT_IDS } from '../network/render/index.js';
import type { RenderedConfigFile } from '../policies/mlps/facts.js';
import { withHostFiles } from '../policies/mlps/index.js';
import type { TerraformStackDoc } from '../policies/mlps/terraform.js';
import { inputError } from '../lib/errors.js';

export function readTerraformDocs(synthDir: string): TerraformStackDoc[] {
  const stacks = join(synthDir, 'stacks');
  if (!existsSync(stacks)) throw inputError('E_SYNTH_DIR', synthDir, 'stacks/', 'is not a synth output (no stacks/ folder)', 'run `stacks synth -o DIR` first');
  const out: TerraformStackDoc[] = [];
  for (const stack of readdirSync(stacks).sort()) {
    const path = join(stacks, stack, 'cdk.tf.json');
    if (!existsSync(path)) continue;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      throw inputError('E_SYNTH_DIR', path, '(root)', 'is not valid JSON');
    }
    out.push({ stack, path: `stacks/${stack}/cdk.tf.json`, json });
  }
  return out;
}

/** The configs as synth wrote them (FRR with its host files, which synth does not write); a device missing from the tree is an error (stale output). */
export function readRenderedConfigs(synthDir: string, topology: Topology): RenderedConfigFile[] {
  const out: RenderedConfigFile[] = [];
  for (const dialect of DIALECT_IDS) {
    for (const device of topology.devices) {
      const path = `stacks/backbone/configs/${dialect}/${device.hostname}.${DIALECTS[dialect].fileExtension}`;
      const abs = join(synthDir, path);
      if (!existsSync(abs))
        throw inputError(
          'E_SYNTH_DIR',
          abs,
          '(file)',
          `is missing: the synth output does not match the inventory (device ${device.id})`,
          'synth again, or drop --synth-dir',
        );
      out.push(withHostFiles(topology, { device: device.id, dialect, path, text: readFileSync(abs, 'utf8') }));
    }
  }
  return out;
}

/** Synthesize the Terraform stacks into a temporary folder and read them (cdktf, a few seconds). */
export async function synthTerraformDocs(inventory: Inventory): Promise<TerraformStackDoc[]> {
  const [{ synthTerraform }, { buildModel, cloudModelOf }] = await Promise.all([import('../stacks/terraform-synth.js'), import('../stacks/synth.js')]);
  const outdir = mkdtempSync(join(tmpdir(), 'stacks-mlps-tf-'));
  try {
    const model = buildModel(inventory);
    cloudModelOf(model);
    await synthTerraform({ model, outdir });
    return existsSync(join(outdir, 'stacks')) ? readTerraformDocs(outdir) : [];
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
