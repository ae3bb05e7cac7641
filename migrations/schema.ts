/**
 * The system inventory a migration starts from (`systems.yaml`, or a CSV with the same columns):
 * what each government system is, where it runs today, what it calls and how it is protected.
 * Structural checks live here (zod); checks across rows and files live in `load.ts`.
 */
import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'ids are lower-case letters, digits, dots and dashes');

/** The 7 Rs of a cloud migration. */
const STRATEGIES = ['rehost', 'replatform', 'refactor', 'repurchase', 'retire', 'retain', 'relocate'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Strategy hints the inventory may carry: a 7 R, or `replatform-containers` (a replatform onto Kubernetes). */
const STRATEGY_HINTS = [...STRATEGIES, 'replatform-containers'] as const;
export type StrategyHint = (typeof STRATEGY_HINTS)[number];

/** public (公开), internal (内部/敏感, still non-classified), classified (涉密: never on the extranet clouds). */
const CLASSIFICATIONS = ['public', 'internal', 'classified'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** What the system runs on today; it drives the default strategy. */
const PLATFORMS = ['x86-vm', 'x86-physical', 'web-app', 'unix', 'mainframe', 'cots', 'special-hardware'] as const;
export type Platform = (typeof PLATFORMS)[number];

const LOCATION_KINDS = ['department-room', 'legacy-centre'] as const;

export const systemRowSchema = z
  .object({
    id,
    name: z.string().min(1).optional(),
    department: id,
    /** Who runs it: a province department, a city bureau, or a county bureau (county: `city` and `county` both named). */
    level: z.enum(['province', 'city', 'county']),
    city: id.optional(),
    /** divisions.json county id inside `city` (county-level systems). */
    county: id.optional(),
    industry: id.optional(),
    /** `classified` (涉密) systems are retained off the extranet clouds, whatever else the row says. */
    classification: z.enum(CLASSIFICATIONS),
    location: z.object({
      /** A department's own data room (机房) or one of the legacy centres (e.g. the old 省网 centre). */
      kind: z.enum(LOCATION_KINDS),
      /** Topology site id where it runs: `dept.finance`, `xian`, `dc.info-centre`. */
      site: z.string().min(1),
    }),
    depends_on: z.array(id).default([]),
    data_gib: z.number().nonnegative(),
    vcpu: z.number().int().positive().default(4),
    ram_gib: z.number().positive().default(16),
    /** A protection class id of clouds.yaml `dr.classes` (GB/T 20988 level). */
    protection_class: z.string().min(1),
    platform: z.enum(PLATFORMS).default('x86-vm'),
    /** The system's data is a PostgreSQL database: it migrates by logical replication. */
    database: z.enum(['postgresql']).optional(),
    strategy_hint: z.enum(STRATEGY_HINTS).optional(),
    /** `sunset`: to be switched off rather than moved. */
    lifecycle: z.enum(['active', 'sunset']).default('active'),
  })
  .strict();
export type SystemRow = z.infer<typeof systemRowSchema>;

/** How a dependency finding counts (findings.ts): `error` fails the plan, `warning` is reported, `off` is not checked. */
const FINDING_SEVERITIES = ['error', 'warning', 'off'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

/** The inventory's rules for the plan's dependency findings (defaults in findings.ts). */
const planRulesSchema = z
  .object({
    depends_on_retired: z.enum(FINDING_SEVERITIES).optional(),
    depends_on_blocked: z.enum(FINDING_SEVERITIES).optional(),
    depends_on_retained: z.enum(FINDING_SEVERITIES).optional(),
  })
  .strict();
export type PlanRules = z.infer<typeof planRulesSchema>;

// Strict like the rest of the inventory: a misspelt top-level key (`rule:` for `rules:`) is an error naming
// it, not plan rules silently left at their defaults. Rows are checked one by one (systemRowSchema).
export const systemsFileSchema = z.strictObject({
  version: z.literal(1).default(1),
  rules: planRulesSchema.optional(),
  /** Present when the file came from the generator: how to make it again. */
  generated: z.strictObject({ seed: z.number().int(), count: z.number().int() }).optional(),
  systems: z.array(z.unknown()),
});

/**
 * A system as the planner and executor see it (camelCase). cloud/systems.ts turns it into the
 * placement engine's `System` (toPlacementSystem).
 */
export interface MigrationSystem {
  id: string;
  name: string;
  department: string;
  level: 'province' | 'city' | 'county';
  city?: string;
  county?: string;
  industry?: string;
  classification: Classification;
  location: { kind: (typeof LOCATION_KINDS)[number]; site: string };
  dependsOn: string[];
  dataGiB: number;
  vcpu: number;
  ramGiB: number;
  protectionClass: string;
  platform: Platform;
  database?: 'postgresql';
  strategyHint?: StrategyHint;
  lifecycle: 'active' | 'sunset';
}

export function toMigrationSystem(row: SystemRow): MigrationSystem {
  return {
    id: row.id,
    name: row.name ?? row.id,
    department: row.department,
    level: row.level,
    ...(row.city !== undefined ? { city: row.city } : {}),
    ...(row.county !== undefined ? { county: row.county } : {}),
    ...(row.industry !== undefined ? { industry: row.industry } : {}),
    classification: row.classification,
    location: { ...row.location },
    dependsOn: [...row.depends_on],
    dataGiB: row.data_gib,
    vcpu: row.vcpu,
    ramGiB: row.ram_gib,
    protectionClass: row.protection_class,
    platform: row.platform,
    ...(row.database !== undefined ? { database: row.database } : {}),
    ...(row.strategy_hint !== undefined ? { strategyHint: row.strategy_hint } : {}),
    lifecycle: row.lifecycle,
  };
}

/** The inverse of toMigrationSystem: what the generator writes. */
export function toRow(s: MigrationSystem): SystemRow {
  return {
    id: s.id,
    ...(s.name !== s.id ? { name: s.name } : {}),
    department: s.department,
    level: s.level,
    ...(s.city !== undefined ? { city: s.city } : {}),
    ...(s.county !== undefined ? { county: s.county } : {}),
    ...(s.industry !== undefined ? { industry: s.industry } : {}),
    classification: s.classification,
    location: { ...s.location },
    depends_on: [...s.dependsOn],
    data_gib: s.dataGiB,
    vcpu: s.vcpu,
    ram_gib: s.ramGiB,
    protection_class: s.protectionClass,
    platform: s.platform,
    ...(s.database !== undefined ? { database: s.database } : {}),
    ...(s.strategyHint !== undefined ? { strategy_hint: s.strategyHint } : {}),
    lifecycle: s.lifecycle,
  };
}

/** CSV columns, in order; `depends_on` is `;`-separated, location is two columns. */
export const CSV_COLUMNS = [
  'id',
  'name',
  'department',
  'level',
  'city',
  'county',
  'industry',
  'classification',
  'location_kind',
  'location_site',
  'depends_on',
  'data_gib',
  'vcpu',
  'ram_gib',
  'protection_class',
  'platform',
  'database',
  'strategy_hint',
  'lifecycle',
] as const;
