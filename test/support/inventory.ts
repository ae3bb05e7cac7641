/**
 * Throwaway copies of the default inventory for tests that need a broken or modified province.
 * The repo's own inventory is never edited by a test.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DEFAULT_INVENTORY_DIR } from '../../inventory/load.js';

export interface InventoryCopy {
  dir: string;
  /** Parse a file of the copy (YAML or JSON), change it, write it back. */
  edit(file: string, change: (doc: any) => void): Promise<void>;
  cleanup(): Promise<void>;
}

export async function copyInventory(from: string = DEFAULT_INVENTORY_DIR): Promise<InventoryCopy> {
  const root = await mkdtemp(join(tmpdir(), 'stacks-inv-'));
  const dir = join(root, 'inventory');
  await cp(from, dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  return {
    dir,
    async edit(file, change) {
      const path = join(dir, file);
      const text = await readFile(path, 'utf8');
      const doc = file.endsWith('.json') ? JSON.parse(text) : parse(text);
      change(doc);
      await writeFile(path, file.endsWith('.json') ? JSON.stringify(doc, null, 1) : stringify(doc));
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/**
 * A copy of the default inventory cut down to one county with one township per city (~70 devices),
 * for CLI tests that run synth many times (fault injection): seconds per run instead of the full
 * province's 5–20 s on a shared machine.
 */
export async function smallInventory(): Promise<InventoryCopy> {
  const copy = await copyInventory();
  const kept = new Set<string>();
  await copy.edit('divisions.json', (d) => {
    for (const city of d.cities) {
      kept.add(city.id);
      city.counties = city.counties.slice(0, 1);
      for (const county of city.counties) {
        county.townships = 1;
        kept.add(`${city.id}.${county.id}`).add(`${city.id}.${county.id}.t01`);
      }
    }
  });
  await copy.edit('legacy.yaml', (d) => {
    for (const id of Object.keys(d.sites ?? {})) if (!kept.has(id)) delete d.sites[id];
  });
  await copy.edit('ipam-ledger.json', (d) => {
    d.allocations = {};
    delete d.ports;
  });
  return copy;
}
