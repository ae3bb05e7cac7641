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
