import { afterEach, describe, expect, it } from 'vitest';
import { loadInventory } from './load.js';
import { StacksError, StacksErrors } from '../lib/errors.js';
import { copyInventory, type InventoryCopy } from '../test/support/inventory.js';

let copy: InventoryCopy | undefined;
afterEach(async () => {
  await copy?.cleanup();
  copy = undefined;
});

async function expectInputError(dir: string, code: string, fileEnd: string, path: string | RegExp) {
  const err = await loadInventory(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StacksError);
  const all = err instanceof StacksErrors ? err.errors : [err as StacksError];
  const match = all.find((e) => e.code === code);
  expect(match, `expected ${code} among ${all.map((e) => e.describe()).join('; ')}`).toBeDefined();
  expect(match!.file!.endsWith(fileEnd)).toBe(true);
  if (typeof path === 'string') expect(match!.path).toBe(path);
  else expect(match!.path).toMatch(path);
  expect(match!.exitCode).toBe(2);
}

describe('loadInventory', () => {
  it('loads the default Shaanxi inventory', async () => {
    const inv = await loadInventory();
    expect(inv.divisions.cities).toHaveLength(11);
    expect(inv.divisions.cities.reduce((n, c) => n + c.counties.length, 0)).toBe(107);
    expect(inv.divisions.cities.reduce((n, c) => n + c.counties.reduce((m, k) => m + k.townships, 0), 0)).toBe(1768);
  });

  it('names the file and path of a duplicate county id', async () => {
    copy = await copyInventory();
    await copy.edit('divisions.json', (d) => {
      d.cities[0].counties[1].id = d.cities[0].counties[0].id;
    });
    await expectInputError(copy.dir, 'E_DUPLICATE_ID', 'divisions.json', 'cities[0].counties[1].id');
  });

  it('names an unknown parent of a data centre', async () => {
    copy = await copyInventory();
    await copy.edit('datacenters.yaml', (d) => {
      d.datacenters[2].parent = 'atlantis';
    });
    await expectInputError(copy.dir, 'E_UNKNOWN_PARENT', 'datacenters.yaml', 'datacenters[2].parent');
  });

  it('names a schema violation with its path', async () => {
    copy = await copyInventory();
    await copy.edit('province.yaml', (d) => {
      d.tiers[1].bandwidth_mbps = -5;
    });
    await expectInputError(copy.dir, 'E_SCHEMA', 'province.yaml', 'tiers[1].bandwidth_mbps');
  });

  it('names a private network of an unknown department', async () => {
    copy = await copyInventory();
    await copy.edit('private-networks.yaml', (d) => {
      d.private_networks[0].department = 'ministry-of-magic';
    });
    await expectInputError(copy.dir, 'E_UNKNOWN_DEPARTMENT', 'private-networks.yaml', 'private_networks[0].department');
  });

  it('reports a YAML syntax error with its line', async () => {
    copy = await copyInventory();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${copy.dir}/departments.yaml`, 'departments:\n  - { id: x, name: [unclosed\n');
    await expectInputError(copy.dir, 'E_PARSE', 'departments.yaml', /line \d+/);
  });
});
