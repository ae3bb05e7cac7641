/**
 * The I/O edge of planning: the inventory, the cloud registry the placement engine needs, and the
 * systems — the file given on the command line, else the inventory's systems file, else the seeded
 * sample (DEFAULT_SEED; the generated 1,200-system file is ~400 KB, so it is not committed).
 */
import { loadInventory, type Inventory } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { loadClouds } from '../cloud/load.js';
import { buildRegistry } from '../cloud/registry.js';
import type { CloudRegistry } from '../cloud/types.js';
import { inputError } from '../lib/errors.js';
import { contextFromInventory, generateSystems, DEFAULT_COUNT, DEFAULT_SEED } from './generate-systems.js';
import { loadSystemsFile, namesOf, systemsFromInventory } from './load.js';
import type { MigrationPlan } from './plan.js';
import type { MigrationSystem } from './schema.js';

export interface PlanningInputs {
  inventory: Inventory;
  registry: CloudRegistry;
  systems: MigrationSystem[];
  source: MigrationPlan['source'];
}

export async function loadPlanningInputs(inventoryDir: string, opts: { systemsFile?: string; seed?: number; count?: number } = {}): Promise<PlanningInputs> {
  const inventory = await loadInventory(inventoryDir);
  const clouds = loadClouds(inventory);
  if (!clouds) throw inputError('E_NO_CLOUDS', inventory.paths.province!, 'files.clouds', 'the inventory declares no clouds: migration needs targets', 'add clouds.yaml and name it in province.yaml files.clouds');
  const registry = buildRegistry(inventory, buildTopology(inventory), clouds);
  const known = { ...namesOf(inventory), classes: new Set(registry.classes.map((c) => c.id)) };
  if (opts.systemsFile) {
    const loaded = await loadSystemsFile(opts.systemsFile, known);
    return { inventory, registry, systems: loaded.systems, source: { file: loaded.file } };
  }
  const fromInventory = opts.seed === undefined && opts.count === undefined ? systemsFromInventory(inventory, known) : undefined;
  if (fromInventory) return { inventory, registry, systems: fromInventory.systems, source: { file: fromInventory.file } };
  const generated = { seed: opts.seed ?? DEFAULT_SEED, count: opts.count ?? DEFAULT_COUNT };
  return { inventory, registry, systems: generateSystems(contextFromInventory(inventory, clouds), generated), source: { generated } };
}
