/**
 * Load the system inventory: the `systems` document of the inventory (YAML, parsed by the inventory
 * loader into `inventory.extra.systems`) or a file given on the command line (YAML, JSON or CSV).
 * Every bad row is reported with the file and where in it: `systems[12].data_gib` for YAML,
 * `line 14, column data_gib` for CSV. All problems are collected and reported together (exit 2).
 */
import { readFile } from 'node:fs/promises';
import { formatPath, type Inventory } from '../inventory/load.js';
import { parseDocument } from '../lib/files.js';
import { StacksError, StacksErrors, inputError } from '../lib/errors.js';
import { siteTree } from '../network/sites.js';
import { systemRowSchema, systemsFileSchema, toMigrationSystem, type MigrationSystem, type PlanRules } from './schema.js';
import { parseSystemsCsv } from './csv.js';

export interface LoadedSystems {
  file: string;
  systems: MigrationSystem[];
  /** Where each system was declared (`systems[3]` or `line 5`), by id: for errors found later. */
  where: Map<string, string>;
  /** The file's rules for the plan's dependency findings (YAML/JSON `rules:`; a CSV has none). */
  rules: PlanRules;
}

/** One raw row and how to name its location in an error. */
export interface RawRow {
  value: unknown;
  /** `systems[3]` (YAML) or `line 5` (CSV). */
  where: string;
  /** How to name a field of the row: `systems[3].data_gib` or `line 5, column data_gib`. */
  field: (path: readonly PropertyKey[]) => string;
}

export interface KnownNames {
  departments?: ReadonlySet<string>;
  cities?: ReadonlySet<string>;
  classes?: ReadonlySet<string>;
  /** Topology site ids (`location.site` must be one). */
  sites?: ReadonlySet<string>;
  /** County ids per city (`city` → its counties), for county-level systems. */
  counties?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The inventory's systems document; `undefined` when the inventory names none. */
export function systemsFromInventory(inv: Inventory, known: KnownNames = namesOf(inv)): LoadedSystems | undefined {
  const doc = inv.extra.systems;
  if (doc === undefined) return undefined;
  const file = inv.paths.systems ?? `${inv.dir}/systems.yaml`;
  return validateRows(file, yamlRows(file, doc), known, rulesOf(doc));
}

/** A systems file given explicitly: `.csv` is read as CSV, anything else as YAML/JSON. */
export async function loadSystemsFile(file: string, known: KnownNames = {}): Promise<LoadedSystems> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new StacksError({ code: 'E_FILE_READ', file, message: `cannot read systems file: ${(cause as Error).message}`, cause });
  }
  if (file.toLowerCase().endsWith('.csv')) return validateRows(file, parseSystemsCsv(file, text), known, {});
  const doc = parseDocument(file, text);
  return validateRows(file, yamlRows(file, doc), known, rulesOf(doc));
}

/** Every name a systems row may refer to, from the inventory (sites as the topology names them). */
/** Every name a systems row may refer to, from the inventory (sites exactly as the topology names them). */
export function namesOf(inv: Inventory): KnownNames {
  return {
    departments: new Set(inv.departments.departments.map((d) => d.id)),
    cities: new Set(inv.divisions.cities.map((c) => c.id)),
    counties: new Map(inv.divisions.cities.map((c) => [c.id, new Set(c.counties.map((k) => k.id))])),
    sites: new Set(siteTree(inv).map((s) => s.id)),
  };
}

function rulesOf(doc: unknown): PlanRules {
  const parsed = systemsFileSchema.safeParse(doc);
  return parsed.success ? (parsed.data.rules ?? {}) : {};
}

function yamlRows(file: string, doc: unknown): RawRow[] {
  const parsed = systemsFileSchema.safeParse(doc);
  if (!parsed.success) {
    throw new StacksErrors(parsed.error.issues.map((i) => inputError('E_SYSTEMS', file, formatPath(i.path), i.message)));
  }
  return parsed.data.systems.map((value, i) => ({
    value,
    where: `systems[${i}]`,
    field: (path) => formatPath(['systems', i, ...path]),
  }));
}

/** Shape of every row, then what spans rows: duplicate ids, unknown dependencies and names. */
function validateRows(file: string, rows: readonly RawRow[], known: KnownNames, rules: PlanRules = {}): LoadedSystems {
  const errors: StacksError[] = [];
  const systems: MigrationSystem[] = [];
  const where = new Map<string, string>();
  const rowOf = new Map<string, RawRow>();
  for (const row of rows) {
    const r = systemRowSchema.safeParse(row.value);
    if (!r.success) {
      for (const issue of r.error.issues) errors.push(inputError('E_SYSTEMS', file, row.field(issue.path), issue.message));
      continue;
    }
    const s = toMigrationSystem(r.data);
    if (where.has(s.id)) {
      errors.push(inputError('E_DUPLICATE_ID', file, row.field(['id']), `duplicate system id "${s.id}" (also ${where.get(s.id)})`));
      continue;
    }
    where.set(s.id, row.where);
    rowOf.set(s.id, row);
    systems.push(s);
  }
  for (const s of systems) {
    const row = rowOf.get(s.id)!;
    if (known.departments && !known.departments.has(s.department)) {
      errors.push(
        inputError(
          'E_UNKNOWN_DEPARTMENT',
          file,
          row.field(['department']),
          `system "${s.id}": unknown department "${s.department}"`,
          'declare it in departments.yaml',
        ),
      );
    }
    if (s.level !== 'province' && s.city === undefined) {
      errors.push(inputError('E_SYSTEMS', file, row.field(['city']), `system "${s.id}" is ${s.level}-level but names no city`));
    }
    if (s.city !== undefined && known.cities && !known.cities.has(s.city)) {
      errors.push(inputError('E_UNKNOWN_CITY', file, row.field(['city']), `system "${s.id}": unknown city "${s.city}"`));
    }
    if (s.level === 'county' && s.county === undefined) {
      errors.push(inputError('E_SYSTEMS', file, row.field(['county']), `system "${s.id}" is county-level but names no county`));
    }
    if (s.level !== 'county' && s.county !== undefined) {
      errors.push(
        inputError('E_SYSTEMS', file, row.field(['county']), `system "${s.id}" names county "${s.county}" but is ${s.level}-level`, 'set level: county'),
      );
    }
    const counties = s.city !== undefined ? known.counties?.get(s.city) : undefined;
    if (s.county !== undefined && counties && !counties.has(s.county)) {
      errors.push(inputError('E_UNKNOWN_COUNTY', file, row.field(['county']), `system "${s.id}": city "${s.city}" has no county "${s.county}"`));
    }
    if (known.sites && !known.sites.has(s.location.site)) {
      errors.push(
        inputError(
          'E_UNKNOWN_SITE',
          file,
          row.field(['location', 'site']),
          `system "${s.id}": unknown site "${s.location.site}"`,
          'a topology site id: a city (xian), county (xian.yanta), township (xian.yanta.t01), dept.<department> or dc.<centre>',
        ),
      );
    }
    if (known.classes && !known.classes.has(s.protectionClass)) {
      errors.push(
        inputError(
          'E_UNKNOWN_CLASS',
          file,
          row.field(['protection_class']),
          `system "${s.id}": unknown protection class "${s.protectionClass}"`,
          `known classes: ${[...known.classes].join(', ')}`,
        ),
      );
    }
    s.dependsOn.forEach((dep, k) => {
      if (dep === s.id) errors.push(inputError('E_SYSTEMS', file, row.field(['depends_on', k]), `system "${s.id}" depends on itself`));
      else if (!where.has(dep))
        errors.push(inputError('E_UNKNOWN_DEPENDENCY', file, row.field(['depends_on', k]), `system "${s.id}" depends on unknown system "${dep}"`));
    });
  }
  if (errors.length) throw new StacksErrors(errors);
  return { file, systems, where, rules };
}
