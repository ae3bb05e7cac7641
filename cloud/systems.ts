/**
 * The systems to place, as placement sees them (`System`), from the migrations register: the
 * inventory's systems file when it has one (read and validated by migrations/load.ts), or else the
 * seeded province-wide sample of migrations/generate-systems.ts (1,200 systems), so that
 * `stacks clouds` and the DR stacks carry realistic load before a real register exists.
 *
 * Storage: the register records the data size; a system is given 1.5 × its data as block storage
 * (room for growth and snapshots), in TiB. Systems marked `sunset` are switched off, not moved, and
 * are left out.
 */
import type { Inventory } from '../inventory/load.js';
import { contextFromInventory, generateSystems, DEFAULT_COUNT, DEFAULT_SEED } from '../migrations/generate-systems.js';
import { systemsFromInventory, namesOf } from '../migrations/load.js';
import type { MigrationSystem } from '../migrations/schema.js';
import type { LoadedClouds } from './load.js';
import type { System } from './types.js';

/** Block storage provisioned per GiB of data. */
const STORAGE_HEADROOM = 1.5;

export interface SystemsSource {
  systems: System[];
  /** `file` when read from the inventory, `sample` when generated. */
  origin: 'file' | 'sample';
  file?: string;
  sample?: { seed: number; count: number };
}

export function toPlacementSystem(m: MigrationSystem): System {
  return {
    id: m.id,
    department: m.department,
    // a county bureau's system goes where its city's do (the city cloud serves its counties)
    level: m.level === 'county' ? 'city' : m.level,
    ...(m.city !== undefined ? { city: m.city } : {}),
    ...(m.industry !== undefined ? { industry: m.industry } : {}),
    classified: m.classification === 'classified',
    vcpu: m.vcpu,
    ramGiB: m.ramGiB,
    storageTiB: (m.dataGiB * STORAGE_HEADROOM) / 1024,
    protectionClass: m.protectionClass,
    dependsOn: [...m.dependsOn],
    ...(m.strategyHint !== undefined ? { strategy: m.strategyHint } : {}),
    ...(m.platform !== undefined ? { platform: m.platform } : {}),
  };
}

export function systemsFor(inv: Inventory, clouds: LoadedClouds): SystemsSource {
  const known = { ...namesOf(inv), classes: new Set(clouds.spec.dr.classes.map((c) => c.id)) };
  const loaded = systemsFromInventory(inv, known);
  if (loaded) return { systems: loaded.systems.filter((s) => s.lifecycle !== 'sunset').map(toPlacementSystem), origin: 'file', file: loaded.file };
  const sample = { seed: DEFAULT_SEED, count: DEFAULT_COUNT };
  const generated = generateSystems(contextFromInventory(inv, clouds), sample);
  return { systems: generated.filter((s) => s.lifecycle !== 'sunset').map(toPlacementSystem), origin: 'sample', sample };
}
