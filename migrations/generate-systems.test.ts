import { describe, expect, it } from 'vitest';
import { loadInventory } from '../inventory/load.js';
import { loadClouds } from '../cloud/load.js';
import { contextFromInventory, generateSystems, renderSystemsYaml, DEFAULT_SEED } from './generate-systems.js';
import { loadSystemsFile } from './load.js';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('generateSystems', () => {
  it('is deterministic, province-wide and loads back through the validator', async () => {
    const inv = await loadInventory();
    const ctx = contextFromInventory(inv, loadClouds(inv));
    const a = generateSystems(ctx);
    const b = generateSystems(ctx);
    expect(a).toEqual(b);
    expect(a).toHaveLength(1200);
    expect(new Set(a.map((s) => s.id)).size).toBe(1200);
    const classified = a.filter((s) => s.classification === 'classified').length;
    expect(classified).toBeGreaterThan(10);
    expect(classified).toBeLessThan(200);
    expect(new Set(a.filter((s) => s.city).map((s) => s.city)).size).toBeGreaterThanOrEqual(8);
    expect(a.some((s) => s.industry)).toBe(true);
    // no non-classified system calls a classified one
    const byId = new Map(a.map((s) => [s.id, s]));
    for (const s of a) if (s.classification !== 'classified') for (const d of s.dependsOn) expect(byId.get(d)!.classification).not.toBe('classified');
    const yaml = renderSystemsYaml(a, DEFAULT_SEED);
    const dir = await mkdtemp(join(tmpdir(), 'stacks-gen-'));
    await writeFile(join(dir, 'systems.yaml'), yaml);
    const back = await loadSystemsFile(join(dir, 'systems.yaml'));
    expect(back.systems).toEqual(a);
    console.log(
      'yaml bytes',
      yaml.length,
      'deps',
      a.reduce((n, s) => n + s.dependsOn.length, 0),
    );
  });
});
