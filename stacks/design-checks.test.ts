/**
 * synth's design checks read the device configs it rendered (issue 10): a renderer bug that the
 * model cannot see — here every township uplink put in the wrong OSPF area, or a VRP wildcard
 * written as a mask — fails the checks by config-level finding, so synth refuses to write.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { buildModel, collectFiles, type SynthModel } from './synth.js';
import { allContributions } from './registry.js';
import { BACKBONE_STACK } from './backbone.js';
import { runDesignChecks } from './design-checks.js';

let model: SynthModel;
let rendered: Map<string, string>;

beforeAll(async () => {
  model = buildModel(await loadInventory(DEFAULT_INVENTORY_DIR));
  const backbone = allContributions(model).filter((c) => c.name === BACKBONE_STACK);
  rendered = collectFiles(backbone, { inventory: model.inventory, topology: model.topology }).get(BACKBONE_STACK)!;
}, 120_000);

const failedConfigChecks = (checks: Awaited<ReturnType<typeof runDesignChecks>>) =>
  checks.verification.checks.filter((c) => !c.passed && c.id.startsWith('config.')).map((c) => c.id);

describe('runDesignChecks', () => {
  it('verifies the rendered configs of both dialects beside the model, and the default province passes', async () => {
    const checks = await runDesignChecks(model, rendered);
    const ids = new Set(checks.verification.checks.map((c) => c.id));
    expect([...ids].some((id) => id.startsWith('config.frr.'))).toBe(true);
    expect([...ids].some((id) => id.startsWith('config.vrp.'))).toBe(true);
    expect(failedConfigChecks(checks)).toEqual([]);
    expect(checks.verification.summary.passed).toBe(true);
  }, 120_000);

  it('fails on a renderer bug the model cannot see: township uplinks in a wrong area (FRR), masks for wildcards (VRP)', async () => {
    const broken = new Map(rendered);
    for (const [path, text] of rendered) {
      if (path.startsWith('configs/frr/') && /-t\d+-r\d\.conf$/.test(path)) broken.set(path, text.replace(/^( ip ospf area )\S+$/gm, '$1 10.255.0.0'));
      if (path.startsWith('configs/vrp/'))
        broken.set(
          path,
          text.replace(/^(\s+network \S+ )0\.0\.0\.(\d+)$/gm, (_, head: string, n: string) => `${head}255.255.255.${255 - Number(n)}`),
        );
    }
    const checks = await runDesignChecks(model, broken);
    expect(checks.passed).toBe(false);
    const failed = failedConfigChecks(checks);
    expect(failed.some((id) => id.startsWith('config.frr.'))).toBe(true);
    expect(failed.some((id) => id.startsWith('config.vrp.'))).toBe(true);
    // the model's own checks still pass: only the config level sees these bugs
    expect(checks.verification.checks.filter((c) => !c.passed && !c.id.startsWith('config.'))).toEqual([]);
  }, 120_000);
});
