/** Bounded, precise input errors: every case names the file and the place in it, exit 2. */
import { afterEach, describe, expect, it } from 'vitest';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadInventory } from './load.js';
import { MAX_REPORTED, StacksError, StacksErrors } from '../lib/errors.js';
import { setMaxInputBytes, DEFAULT_MAX_INPUT_BYTES } from '../lib/files.js';
import { copyInventory, type InventoryCopy } from '../test/support/inventory.js';

let copy: InventoryCopy | undefined;
afterEach(async () => {
  setMaxInputBytes(DEFAULT_MAX_INPUT_BYTES);
  await copy?.cleanup();
  copy = undefined;
});

async function failure(dir: string): Promise<StacksError> {
  const err = await loadInventory(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StacksError);
  return err as StacksError;
}

describe('inventory input errors', () => {
  it('lists at most 50 problems and counts the rest', async () => {
    copy = await copyInventory();
    await copy.edit('legacy.yaml', (d) => {
      for (let i = 0; i < 5000; i++) d.sites[`nowhere.c${i}`] = ['guowang'];
    });
    const err = await failure(copy.dir);
    expect(err).toBeInstanceOf(StacksErrors);
    const text = err.describe().split('\n');
    expect(text).toHaveLength(MAX_REPORTED + 1);
    expect(text.at(-1)).toMatch(/and 4950 more problems \(5000 in all/);
    expect((err.toJSON() as { count: number; errors: unknown[] }).errors).toHaveLength(MAX_REPORTED);
  });

  it('refuses a file over the input size limit, naming it', async () => {
    copy = await copyInventory();
    setMaxInputBytes(100_000);
    const err = await failure(copy.dir);
    expect(err.code).toBe('E_INPUT_TOO_LARGE');
    expect(err.file).toMatch(/ipam-ledger\.json$/);
  });

  it('rejects invalid UTF-8 with its line', async () => {
    copy = await copyInventory();
    const file = join(copy.dir, 'departments.yaml');
    const text = await readFile(file);
    const at = text.indexOf('name:');
    await writeFile(file, Buffer.concat([text.subarray(0, at + 6), Buffer.from([0xff, 0xfe]), text.subarray(at + 6)]));
    const err = await failure(copy.dir);
    expect(err.code).toBe('E_ENCODING');
    expect(err.file).toBe(file);
    expect(err.path).toMatch(/^line \d+$/);
  });

  it.each([['\v'], ['\f'], ['\u0000'], ['\u0085'], ['\u2028'], ['\u2029'], ['\u001b']])(
    'rejects control character %j in a name with file and path',
    async (ch) => {
      copy = await copyInventory();
      await copy.edit('divisions.json', (d) => (d.cities[0].counties[0].name = `新城区${ch}interface x`));
      const err = await failure(copy.dir);
      const all = err instanceof StacksErrors ? err.errors : [err];
      expect(all[0]!.file).toMatch(/divisions\.json$/);
      expect(all[0]!.path).toBe('cities[0].counties[0].name');
      expect(all[0]!.message).toMatch(/control character U\+/);
    },
  );

  it('a tab in a name is fine', async () => {
    copy = await copyInventory();
    await copy.edit('divisions.json', (d) => (d.cities[0].counties[0].name = '新城区\tA'));
    await expect(loadInventory(copy.dir)).resolves.toBeDefined();
  });

  it('JSON syntax errors give line and column; an empty file says it is empty', async () => {
    copy = await copyInventory();
    await writeFile(join(copy.dir, 'divisions.json'), '{\n  "province": "x",\n  oops\n}\n');
    const err = await failure(copy.dir);
    expect(err.code).toBe('E_PARSE');
    expect(err.path).toBe('line 3, column 3');
    await writeFile(join(copy.dir, 'divisions.json'), '');
    const empty = await failure(copy.dir);
    expect(empty.code).toBe('E_EMPTY_FILE');
    expect(empty.describe()).toMatch(/divisions\.json: .*is empty/);
  });

  it('refuses a file named outside the inventory (synth would rewrite it)', async () => {
    copy = await copyInventory();
    await copy.edit('province.yaml', (d) => (d.files.ledger = '../../elsewhere/x.json'));
    const err = await failure(copy.dir);
    expect(err.code).toBe('E_FILE_OUTSIDE');
    expect(err.path).toBe('files.ledger');
  });

  it('routers.yaml is read only when province.yaml names it; named, it must exist, hold something and have its shape', async () => {
    copy = await copyInventory();
    // an unnamed routers.yaml is not read at all (the ssh target then says province.yaml names none)
    await writeFile(join(copy.dir, 'routers.yaml'), 'routers: oops\n');
    expect((await loadInventory(copy.dir)).routers).toBeUndefined();
    await copy.edit('province.yaml', (d) => (d.files.routers = 'routers.yaml'));
    const bad = await failure(copy.dir);
    expect(bad.describe()).toMatch(/routers\.yaml: routers: /);
    await writeFile(join(copy.dir, 'routers.yaml'), 'routers:\n  - { device: xian-r1, address: 10.255.0.300, platform: frr }\n');
    expect((await failure(copy.dir)).describe()).toMatch(/routers\.yaml: routers\[0\]\.address: must be an IPv4 or IPv6 address/);
    await writeFile(join(copy.dir, 'routers.yaml'), '');
    const empty = await failure(copy.dir);
    expect(empty.code).toBe('E_EMPTY_FILE');
    expect(empty.describe()).toMatch(/routers\.yaml: .*is empty \(named by province\.yaml files\.routers\)/);
    await rm(join(copy.dir, 'routers.yaml'));
    const missing = await failure(copy.dir);
    expect(missing.code).toBe('E_FILE_MISSING');
    expect(missing.path).toBe('files.routers');
    await writeFile(join(copy.dir, 'routers.yaml'), 'routers:\n  - { device: xian-r1, address: 10.255.0.11, platform: frr }\n');
    expect((await loadInventory(copy.dir)).routers?.routers[0]).toMatchObject({ device: 'xian-r1', port: 22, user: 'root' });
  });
});
