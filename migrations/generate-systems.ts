/**
 * A seeded, realistic province-wide sample of government systems (default 1,200): province-level
 * departments and the city bureaus mirroring them, a few shared platforms (data exchange, unified
 * identity, e-licences) that most systems call, small clusters of systems that call each other,
 * classified systems concentrated in the public-security/justice family, a legacy-centre share and
 * a mix of platforms. Same seed, same inventory → byte-identical output.
 *
 * Dependencies point to systems generated earlier (a DAG), plus a few deliberate mutual pairs and
 * triangles inside one department: the strongly connected components stay small, as in reality.
 */
import type { Inventory } from '../inventory/load.js';
import type { LoadedClouds } from '../cloud/load.js';
import { tenantDepartments } from '../cloud/load.js';
import { stringify } from 'yaml';
import { toRow, type MigrationSystem, type Platform, type Classification, type StrategyHint } from './schema.js';
import { seededRandom as prng } from '../lib/random.js';

export const DEFAULT_SEED = 20220630;
export const DEFAULT_COUNT = 1200;

/** What to generate for: the inventory's departments, cities, industries and protection classes. */
export interface GeneratorContext {
  /** Province-level departments (省直部门). */
  departments: string[];
  /** Departments mirrored by every city's bureaus. */
  cityDepartments: string[];
  cities: string[];
  /** department → industries whose cloud lists it as a tenant. */
  industryTenants: Record<string, string[]>;
  /** Protection class ids, most demanding first. */
  classes: string[];
  /** Topology site of the province's legacy centre (old 省网 machine rooms). */
  legacySite: string;
}

export interface GeneratorOptions {
  seed?: number;
  count?: number;
  /** Mean number of systems each system calls (default 2.5). */
  avgDependencies?: number;
  /** Share of systems at province level, the rest are city bureaus' (default 0.6). */
  provinceShare?: number;
}

const CLASSIFIED_HEAVY = new Set(['public-security', 'justice', 'prison', 'petition', 'audit']);
export function contextFromInventory(inv: Inventory, clouds?: LoadedClouds): GeneratorContext {
  const departments = inv.departments.departments.map((d) => d.id);
  const industryTenants: Record<string, string[]> = {};
  let cityDepartments = departments.slice(0, 16);
  let cities = inv.divisions.cities.map((c) => c.id);
  const classes: string[] = [];
  if (clouds) {
    cityDepartments = clouds.spec.defaults.city_departments;
    for (const c of clouds.spec.clouds) {
      if (c.kind !== 'industry' || c.industry === undefined) continue;
      for (const d of tenantDepartments(inv, clouds.spec, c)) (industryTenants[d] ??= []).push(c.industry);
    }
    classes.push(...[...clouds.spec.dr.classes].sort((a, b) => b.gbt20988_level - a.gbt20988_level).map((c) => c.id));
    // City systems go to their city's cloud: only cities that have one (a cloud with kind city).
    const centreCity = new Map(inv.datacenters.datacenters.map((d) => [d.id, d.city]));
    const withCloud = new Set(clouds.spec.clouds.filter((c) => c.kind === 'city').map((c) => c.city ?? centreCity.get(c.centre ?? '')));
    cities = cities.filter((c) => withCloud.has(c));
  }
  const legacy = inv.datacenters.datacenters.find((d) => d.role === 'same-city-dr') ?? inv.datacenters.datacenters[0];
  return {
    departments,
    cityDepartments,
    cities,
    industryTenants,
    classes: classes.length ? classes : ['p6', 'p5', 'p4', 'p2'],
    legacySite: legacy ? `dc.${legacy.id}` : inv.province.province.id,
  };
}

const KINDS = ['approval', 'supervision', 'data-sharing', 'portal', 'office', 'statistics', 'archive', 'hotline', 'registry', 'gis', 'finance', 'inspection'];

function weighted<T>(rand: () => number, items: ReadonlyArray<readonly [T, number]>): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = rand() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return items[items.length - 1]![0];
}

export function generateSystems(ctx: GeneratorContext, opts: GeneratorOptions = {}): MigrationSystem[] {
  const rand = prng(opts.seed ?? DEFAULT_SEED);
  const count = opts.count ?? DEFAULT_COUNT;
  const avgDeps = opts.avgDependencies ?? 2.5;
  const provinceShare = opts.provinceShare ?? 0.6;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const classes = ctx.classes.length ? ctx.classes : ['default'];
  // Few systems need the most demanding class; most need the least (weights grow down the list).
  const classWeights = classes.map((c, i): readonly [string, number] => [c, [7, 18, 35, 40][i] ?? 40]);
  const industryTenants = new Map<string, string[]>();
  for (const [d, inds] of Object.entries(ctx.industryTenants)) industryTenants.set(d, inds);
  const legacySite = ctx.legacySite;
  const cityDepartments = ctx.cityDepartments.length ? ctx.cityDepartments : ctx.departments;
  const cities = ctx.cities;

  const systems: MigrationSystem[] = [];
  /** Earlier systems of one department at one level/city: candidates for in-house calls. */
  const groups = new Map<string, MigrationSystem[]>();
  const platforms: MigrationSystem[] = [];
  const width = String(count).length < 4 ? 4 : String(count).length;

  for (let n = 1; n <= count; n++) {
    const isPlatform = n <= Math.max(3, Math.round(count / 200));
    const province = isPlatform || cities.length === 0 || rand() < provinceShare;
    const department = isPlatform
      ? ctx.departments.includes('big-data')
        ? 'big-data'
        : ctx.departments[0]!
      : province
        ? pick(ctx.departments)
        : pick(cityDepartments);
    const city = province ? undefined : pick(cities);
    const id = `${city ? `${city}-` : ''}${department}-${String(n).padStart(width, '0')}`;
    const classifiedP = isPlatform ? 0 : CLASSIFIED_HEAVY.has(department) ? 0.35 : 0.015;
    const classification: Classification = rand() < classifiedP ? 'classified' : rand() < 0.3 ? 'public' : 'internal';
    const platform: Platform = isPlatform
      ? 'x86-vm'
      : weighted<Platform>(rand, [
          ['x86-vm', 45],
          ['x86-physical', 15],
          ['web-app', 18],
          ['unix', 7],
          ['cots', 8],
          ['mainframe', 1],
          ['special-hardware', 2],
        ]);
    const legacy = rand() < (province ? 0.25 : 0.12);
    const industries = province ? industryTenants.get(department) : undefined;
    const industry = industries && industries.length && rand() < 0.5 ? pick(industries) : undefined;
    const vcpu = pick([2, 4, 4, 8, 8, 8, 16, 32]);
    const dataGiB = Math.min(20_000, Math.round(Math.exp(4 + 1.3 * gaussian(rand))));
    const s: MigrationSystem = {
      id,
      name: `${department} ${isPlatform ? 'shared platform' : pick(KINDS)}${city ? ` (${city})` : ''}`,
      department,
      level: province ? 'province' : 'city',
      ...(city ? { city } : {}),
      ...(industry ? { industry } : {}),
      classification,
      location: {
        kind: legacy ? 'legacy-centre' : 'department-room',
        site: legacy ? (province ? legacySite : city!) : province ? `dept.${department}` : city!,
      },
      dependsOn: [],
      dataGiB,
      vcpu,
      ramGiB: vcpu * 4,
      protectionClass: isPlatform ? classes[0]! : weighted(rand, classWeights),
      platform,
      lifecycle: !isPlatform && rand() < 0.04 ? 'sunset' : 'active',
    };
    if (!isPlatform && rand() < 0.15) s.strategyHint = hintFor(platform, rand);

    const key = `${city ?? 'province'}/${department}`;
    const group = groups.get(key) ?? [];
    const deps = new Set<string>();
    const want = Math.round(rand() * 2 * avgDeps);
    for (let k = 0; k < want * 3 && deps.size < want; k++) {
      const r = rand();
      const candidate =
        r < 0.45 && group.length
          ? group[0]
          : r < 0.7 && platforms.length
            ? pick(platforms)
            : group.length
              ? pick(group)
              : systems.length
                ? pick(systems)
                : undefined;
      // Non-classified systems never call into a classified one: that crossing is not allowed.
      if (candidate && candidate.id !== id && (classification === 'classified' || candidate.classification !== 'classified')) deps.add(candidate.id);
    }
    s.dependsOn = [...deps];
    // A few systems call each other (a mutual pair inside the department): they must move together.
    if (group.length && rand() < 0.05) {
      const peer = pick(group);
      if ((peer.classification === 'classified') === (classification === 'classified') && !peer.dependsOn.includes(id)) {
        peer.dependsOn.push(id);
        if (!s.dependsOn.includes(peer.id)) s.dependsOn.push(peer.id);
      }
    }
    group.push(s);
    groups.set(key, group);
    if (isPlatform) platforms.push(s);
    systems.push(s);
  }
  return systems;
}

function hintFor(platform: Platform, rand: () => number): StrategyHint {
  if (platform === 'web-app') return rand() < 0.5 ? 'replatform-containers' : 'refactor';
  if (platform === 'cots') return 'repurchase';
  if (platform === 'unix') return rand() < 0.5 ? 'refactor' : 'retain';
  return rand() < 0.7 ? 'rehost' : 'replatform';
}

/** Box–Muller: a standard normal from two uniforms. */
function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** The systems.yaml text for a generated sample (one flow mapping per system keeps it compact). */
export function renderSystemsYaml(systems: readonly MigrationSystem[], seed: number): string {
  const head = `# Generated by migrations/generate-systems.ts (seed ${seed}, ${systems.length} systems). Regenerate, do not edit by hand.\n`;
  return (
    head +
    stringify({ version: 1, generated: { seed, count: systems.length }, systems: systems.map(toRow) }, { collectionStyle: 'flow', lineWidth: 0 }).replace(
      /\}, \{/g,
      '},\n  {',
    )
  );
}
