import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../inventory/load.js';
import { generateProvince, generatedInventoryFiles } from './generate-province.js';
import { buildTopology } from './topology.js';
import { verifyTopology } from './verify/index.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('generateProvince', () => {
  it('is deterministic for a seed and varies with it', () => {
    expect(JSON.stringify(generateProvince({ scale: 1, seed: 3 }))).toBe(JSON.stringify(generateProvince({ scale: 1, seed: 3 })));
    expect(JSON.stringify(generateProvince({ scale: 1, seed: 3 }).divisions)).not.toBe(JSON.stringify(generateProvince({ scale: 1, seed: 4 }).divisions));
  });

  it('scales the site counts', () => {
    const inv = generateProvince({ scale: 4, seed: 7 });
    const counties = inv.divisions.cities.reduce((n, c) => n + c.counties.length, 0);
    const townships = inv.divisions.cities.reduce((n, c) => n + c.counties.reduce((m, k) => m + k.townships, 0), 0);
    expect([inv.divisions.cities.length, counties, townships, inv.departments.departments.length]).toEqual([44, 428, 7072, 160]);
  });

  it('writes an inventory folder the loader accepts, whose topology verifies', async () => {
    const inv = generateProvince({ scale: 2, seed: 11 });
    const dir = await mkdtemp(join(tmpdir(), 'stacks-gen-'));
    dirs.push(dir);
    for (const [name, text] of generatedInventoryFiles(inv)) await writeFile(join(dir, name), text);
    const loaded = await loadInventory(dir);
    expect(loaded.divisions).toEqual(inv.divisions);
    const topo = buildTopology(loaded);
    expect(topo.sites.filter((s) => s.level === 'township').length).toBe(1768 * 2);
    const report = verifyTopology(topo);
    expect(report.checks.filter((c) => !c.passed).map((c) => c.id)).toEqual([]);
  });
});
