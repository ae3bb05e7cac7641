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
import type { MigrationSystem, PlanRules } from './schema.js';
import type { Topology } from '../network/types.js';

export interface PlanningInputs {
  inventory: Inventory;
  registry: CloudRegistry;
  systems: MigrationSystem[];
  source: MigrationPlan['source'];
  /** The systems file's rules for dependency findings (none for a CSV or the generated sample). */
  rules: PlanRules;
  topology: Topology;
}

export async function loadPlanningInputs(inventoryDir: string, opts: { systemsFile?: string; seed?: number; count?: number } = {}): Promise<PlanningInputs> {
  const inventory = await loadInventory(inventoryDir);
  const clouds = loadClouds(inventory);
  if (!clouds)
    throw inputError(
      'E_NO_CLOUDS',
      inventory.paths.province!,
      'files.clouds',
      'the inventory declares no clouds: migration needs targets',
      'add clouds.yaml and name it in province.yaml files.clouds',
    );
  const topology = buildTopology(inventory);
  const registry = buildRegistry(inventory, topology, clouds);
  const known = { ...namesOf(inventory), classes: new Set(registry.classes.map((c) => c.id)) };
  if (opts.systemsFile) {
    const loaded = await loadSystemsFile(opts.systemsFile, known);
    return { inventory, registry, topology, systems: loaded.systems, source: { file: loaded.file }, rules: loaded.rules };
  }
  const fromInventory = opts.seed === undefined && opts.count === undefined ? systemsFromInventory(inventory, known) : undefined;
  if (fromInventory) return { inventory, registry, topology, systems: fromInventory.systems, source: { file: fromInventory.file }, rules: fromInventory.rules };
  const generated = { seed: opts.seed ?? DEFAULT_SEED, count: opts.count ?? DEFAULT_COUNT };
  return { inventory, registry, topology, systems: generateSystems(contextFromInventory(inventory, clouds), generated), source: { generated }, rules: {} };
}
