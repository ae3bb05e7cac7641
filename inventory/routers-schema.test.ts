import { afterEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadInventory } from './load.js';
import { StacksError } from '../lib/errors.js';
import { copyInventory, type InventoryCopy } from '../test/support/inventory.js';

let copy: InventoryCopy | undefined;
afterEach(async () => {
  await copy?.cleanup();
  copy = undefined;
});

/** A copy whose province.yaml names a routers.yaml holding `text`. */
async function withRouters(text: string): Promise<InventoryCopy> {
  const c = await copyInventory();
  await writeFile(join(c.dir, 'routers.yaml'), text);
  await c.edit('province.yaml', (d) => (d.files.routers = 'routers.yaml'));
  return c;
}

describe('routers.yaml', () => {
  it('reads a well-formed file', async () => {
    copy = await withRouters('routers:\n  - { device: xian-r1, address: 10.255.0.11, platform: frr }\n');
    const inv = await loadInventory(copy.dir);
    expect(inv.routers?.routers).toEqual([{ device: 'xian-r1', address: '10.255.0.11', platform: 'frr', port: 22, user: 'root' }]);
  });

  it('an unknown or misspelt top-level key is an error naming the file, the path and the key', async () => {
    copy = await withRouters(
      'routers:\n  - { device: xian-r1, address: 10.255.0.11, platform: frr }\nrouter:\n  - { device: xian-r2, address: 10.255.0.12, platform: frr }\n',
    );
    const err = await loadInventory(copy.dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StacksError);
    const e = err as StacksError;
    expect(e.exitCode).toBe(2);
    expect(e.file).toBe(join(copy.dir, 'routers.yaml'));
    expect(e.describe()).toMatch(/routers\.yaml: \(root\): .*"router"/);
  });
});
