/**
 * The kept topology (model-cache.ts) is the one a build gives: read back, it equals a fresh build
 * and renders the same configs; an edited inventory file or an edited module of the build is a
 * different key (built again, never the stale one); a damaged file is built again and replaced.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_INVENTORY_DIR, loadInventory } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { cachedTopology, modelKey, moduleClosureHash } from './model-cache.js';
import { loadLabModel, renderLabConfig } from './model.js';

const dir = mkdtempSync(join(tmpdir(), 'stx-model-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cachedTopology', () => {
  test('read back, the kept model equals a fresh build and renders the same configs', async () => {
    const file = join(dir, 'model.cache');
    const inv = await loadInventory(DEFAULT_INVENTORY_DIR);
    const built = buildTopology(await loadInventory(DEFAULT_INVENTORY_DIR));
    expect(isDeepStrictEqual(cachedTopology(file, inv), built)).toBe(true); // built and written
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = statSync(file).mtimeMs;
    const kept = cachedTopology(file, inv); // read back
    expect(statSync(file).mtimeMs).toBe(written);
    expect(isDeepStrictEqual(kept, built)).toBe(true);
    const scoped = await loadLabModel(DEFAULT_INVENTORY_DIR, undefined, file);
    const fresh = await loadLabModel(DEFAULT_INVENTORY_DIR, undefined);
    expect(scoped.devices.map((d) => d.id)).toEqual(fresh.devices.map((d) => d.id));
    for (const d of scoped.devices) expect(renderLabConfig(scoped.topology, d.id)).toBe(renderLabConfig(fresh.topology, d.id));
    // shared objects stay shared: the scope's devices are the topology's own
    expect(scoped.topology.devices).toContain(scoped.devices[0]);
  });

  test('an edited inventory file is another key: the model is built again from it', async () => {
    const file = join(dir, 'edited.cache');
    const inv = join(dir, 'inventory');
    cpSync(DEFAULT_INVENTORY_DIR, inv, { recursive: true });
    const before = await loadInventory(inv);
    expect(cachedTopology(file, before).province.name).toBe('陕西省');
    const yaml = join(inv, 'province.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('name: 陕西省,', 'name: 陕西,'));
    const after = await loadInventory(inv);
    expect(modelKey(after)).not.toBe(modelKey(before));
    expect(cachedTopology(file, after).province.name).toBe('陕西');
  });

  test('a damaged file is built again and replaced', async () => {
    const file = join(dir, 'damaged.cache');
    const inv = await loadInventory(DEFAULT_INVENTORY_DIR);
    cachedTopology(file, inv);
    const good = readFileSync(file);
    writeFileSync(file, good.subarray(0, good.length >> 1)); // same key, half the model
    const built = buildTopology(inv);
    expect(isDeepStrictEqual(cachedTopology(file, inv), built)).toBe(true);
    // replaced by a whole one, which the next run reads as it is
    const replaced = statSync(file).mtimeMs;
    expect(isDeepStrictEqual(cachedTopology(file, inv), built)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(replaced);
  });
});

describe('moduleClosureHash', () => {
  test('changes with any module the entry reaches, not with one it does not', () => {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'sub'), { recursive: true });
    const put = (name: string, text: string) => writeFileSync(join(src, name), text);
    const hash = () => moduleClosureHash(join(src, 'entry.js'));
    put('entry.js', "import { b } from './b.js';\nexport { c } from './sub/c.js';\n");
    put('b.js', 'export const b = 1;\n');
    put('sub/c.js', "export const c = await import('./d.js');\n");
    put('sub/d.js', 'export default 1;\n');
    put('unrelated.js', 'export const u = 1;\n');
    const h0 = hash();
    put('unrelated.js', 'export const u = 2;\n');
    expect(hash()).toBe(h0);
    put('sub/d.js', 'export default 2;\n'); // reached through a re-export, then a dynamic import
    const h1 = hash();
    expect(h1).not.toBe(h0);
    put('b.js', 'export const b = 2;\n');
    expect(hash()).not.toBe(h1);
  });

  test('a source checkout hashes the .ts files its .js specifiers name', () => {
    const src = join(dir, 'ts');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'entry.ts'), "import { b } from './b.js';\n");
    writeFileSync(join(src, 'b.ts'), 'export const b = 1;\n');
    const h0 = moduleClosureHash(join(src, 'entry.ts'));
    writeFileSync(join(src, 'b.ts'), 'export const b = 2;\n');
    expect(moduleClosureHash(join(src, 'entry.ts'))).not.toBe(h0);
  });
});
