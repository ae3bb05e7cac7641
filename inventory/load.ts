/**
 * Load the inventory folder: parse every file named by province.yaml, validate its shape with zod,
 * then check what spans files (ids, parents, references). Every problem names its file and path.
 */
import { join, resolve, dirname, relative, isAbsolute } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { readDocument } from '../lib/files.js';
import { StacksError, StacksErrors, inputError } from '../lib/errors.js';
import {
  datacentersSchema,
  departmentsSchema,
  exitPolicySchema,
  type ExitPolicyFile,
  firstHopSchema,
  qosSchema,
  divisionsSchema,
  ledgerSchema,
  legacySchema,
  managementSchema,
  type ManagementFile,
  privateNetworksSchema,
  ospfSecuritySchema,
  provinceSchema,
  type DatacentersFile,
  type DepartmentsFile,
  type DivisionsFile,
  type FirstHopFile,
  type QosFile,
  type LedgerFile,
  type LegacyFile,
  type OspfSecurityFile,
  type PrivateNetworksFile,
  type ProvinceFile,
} from './schema.js';
import { hardwareSchema, type HardwareFile } from './hardware-schema.js';
import { routersSchema, type RoutersFile } from './routers-schema.js';
import { resolvePolicyFiles, type PolicyFiles } from './policy-files.js';

/** The embedded default inventory: the folder this module sits in (Shaanxi). */
export const DEFAULT_INVENTORY_DIR = resolve(dirname(fileURLToPath(import.meta.url)).replace(/[\\/]dist[\\/]inventory$/, '/inventory'));

export interface Inventory {
  dir: string;
  /** Absolute path of each file, keyed as in province.yaml's `files` (plus `province`). */
  paths: Record<string, string>;
  province: ProvinceFile;
  divisions: DivisionsFile;
  departments: DepartmentsFile;
  datacenters: DatacentersFile;
  legacy: LegacyFile;
  privateNetworks: PrivateNetworksFile;
  ledger: LedgerFile;
  /** OSPF authentication and BFD settings (absent: configs get neither). */
  ospfSecurity?: OspfSecurityFile;
  /** The internet exit's guard (exit-policy.yaml); absent when province.yaml names none. */
  exitPolicy?: ExitPolicyFile;
  /** VRRP settings (first-hop.yaml); absent: the built-in defaults. */
  firstHop?: FirstHopFile;
  /** DSCP classes of the tiered circuits (qos.yaml); absent: no QoS policy. */
  qos?: QosFile;
  /** The management plane (management.yaml); absent when province.yaml names none. */
  management?: ManagementFile;
  /** Router models and their physical ports (hardware.yaml); absent: ports are unbounded and none is shut. */
  hardware?: HardwareFile;
  /** The routers outside the lab (routers.yaml) the ssh target deploys to; absent when province.yaml names none. */
  routers?: RoutersFile;
  /** The waivers file and user rule modules `stacks policy` reads (province.yaml `policy`, or the convention). */
  policyFiles: PolicyFiles;
  /** Raw documents of optional files other issues read (clouds, systems), parsed but not validated here. */
  extra: Record<string, unknown>;
}

/** Render a zod issue path the way a person reads it: `cities[3].counties[0].id`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

export function validateDocument<S extends z.ZodType>(schema: S, doc: unknown, file: string): z.infer<S> {
  const result = schema.safeParse(doc);
  if (result.success) return result.data;
  throw new StacksErrors(result.error.issues.map((issue) => inputError('E_SCHEMA', file, formatPath(issue.path), issue.message)));
}

async function loadFile<S extends z.ZodType>(schema: S, file: string): Promise<z.infer<S>> {
  return validateDocument(schema, await readDocument(file), file);
}

/** Files province.yaml may name before they exist: their absence has a meaning. */
const OPTIONAL_UNTIL_WRITTEN = new Set(['systems', 'merge_status']);

export async function loadInventory(dir: string = DEFAULT_INVENTORY_DIR): Promise<Inventory> {
  const absDir = resolve(dir);
  const provincePath = join(absDir, 'province.yaml');
  if (!existsSync(provincePath)) {
    throw new StacksError({
      code: 'E_NO_INVENTORY',
      file: provincePath,
      message: 'inventory entry file not found',
      hint: 'point --inventory at a folder holding province.yaml',
    });
  }
  const province = await loadFile(provinceSchema, provincePath);
  const paths: Record<string, string> = { province: provincePath };
  const named: StacksError[] = [];
  for (const [key, rel] of Object.entries(province.files)) {
    if (!rel) continue;
    const path = resolve(absDir, rel);
    const inside = relative(absDir, path);
    if (inside.startsWith('..') || isAbsolute(inside)) {
      named.push(
        inputError(
          'E_FILE_OUTSIDE',
          provincePath,
          `files.${key}`,
          `"${rel}" leaves the inventory folder`,
          'name files inside the folder that holds province.yaml',
        ),
      );
      continue;
    }
    paths[key] = path;
    // Every file province.yaml names must be there and hold something: a missing or empty
    // clouds.yaml once made synth drop 46 stacks and skip the cloud policies without a word.
    // The exceptions: a systems register not written yet (the seeded sample stands in) and a merge
    // status not written yet (nothing merged so far).
    if (!existsSync(path)) {
      if (!OPTIONAL_UNTIL_WRITTEN.has(key)) named.push(inputError('E_FILE_MISSING', provincePath, `files.${key}`, `names ${path}, which does not exist`));
    } else if (statSync(path).isFile() && statSync(path).size === 0) {
      named.push(inputError('E_EMPTY_FILE', path, '(root)', `is empty (named by province.yaml files.${key})`));
    }
  }
  const policy = resolvePolicyFiles(province, absDir, provincePath);
  named.push(...policy.errors);
  if (named.length) throw new StacksErrors(named);
  const [divisions, departments, legacy, privateNetworks, ledger] = await Promise.all([
    loadFile(divisionsSchema, paths.divisions!),
    loadFile(departmentsSchema, paths.departments!),
    loadFile(legacySchema, paths.legacy!),
    loadFile(privateNetworksSchema, paths.private_networks!),
    loadFile(ledgerSchema, paths.ledger!),
  ]);
  const datacenters = paths.datacenters ? await loadFile(datacentersSchema, paths.datacenters) : { datacenters: [] };
  const ospfSecurity = paths.ospf_security ? await loadFile(ospfSecuritySchema, paths.ospf_security) : undefined;
  const extra: Record<string, unknown> = {};
  for (const key of ['clouds', 'systems']) {
    const p = paths[key];
    if (!p || !existsSync(p)) continue;
    const doc = await readDocument(p);
    // Comments only (or `~`) parse to nothing: as empty as a zero-byte file.
    if (doc === undefined || doc === null) throw inputError('E_EMPTY_FILE', p, '(root)', `holds no document (named by province.yaml files.${key})`);
    extra[key] = doc;
  }
  const exitPolicy = paths.exit_policy ? await loadFile(exitPolicySchema, paths.exit_policy) : undefined;
  const firstHop = paths.first_hop ? await loadFile(firstHopSchema, paths.first_hop) : undefined;
  const qos = paths.qos ? await loadFile(qosSchema, paths.qos) : undefined;
  const management = paths.management ? await loadFile(managementSchema, paths.management) : undefined;
  const hardware = paths.hardware ? await loadFile(hardwareSchema, paths.hardware) : undefined;
  const routers = paths.routers ? await loadFile(routersSchema, paths.routers) : undefined;
  const inventory: Inventory = {
    dir: absDir,
    paths,
    province,
    divisions,
    departments,
    datacenters,
    legacy,
    privateNetworks,
    ledger,
    policyFiles: policy.files,
    ...(ospfSecurity ? { ospfSecurity } : {}),
    ...(exitPolicy ? { exitPolicy } : {}),
    ...(firstHop ? { firstHop } : {}),
    ...(qos ? { qos } : {}),
    extra,
    ...(management ? { management } : {}),
    ...(hardware ? { hardware } : {}),
    ...(routers ? { routers } : {}),
  };
  checkReferences(inventory);
  return inventory;
}

/** Site ids as the model names them: `xian`, `xian.yanta`, `xian.yanta.t03`, `dept.finance`, `dc.xinchuang`. */
export const siteIds = {
  city: (city: string) => city,
  county: (city: string, county: string) => `${city}.${county}`,
  township: (city: string, county: string, n: number) => `${city}.${county}.t${String(n).padStart(2, '0')}`,
  department: (dept: string) => `dept.${dept}`,
  datacenter: (dc: string) => `dc.${dc}`,
};

/** Cross-file checks: duplicates, unknown parents and references. Collects every problem. */
function checkReferences(inv: Inventory): void {
  const errors: StacksError[] = [];
  const divFile = inv.paths.divisions!;
  const provinceId = inv.province.province.id;
  const known = new Set<string>([provinceId]);
  const seenCity = new Map<string, number>();
  inv.divisions.cities.forEach((city, ci) => {
    if (seenCity.has(city.id))
      errors.push(inputError('E_DUPLICATE_ID', divFile, `cities[${ci}].id`, `duplicate city id "${city.id}" (also cities[${seenCity.get(city.id)}])`));
    seenCity.set(city.id, ci);
    if (city.id === provinceId) errors.push(inputError('E_DUPLICATE_ID', divFile, `cities[${ci}].id`, `city id "${city.id}" is the province's id`));
    known.add(city.id);
    const seenCounty = new Map<string, number>();
    city.counties.forEach((county, ki) => {
      if (seenCounty.has(county.id))
        errors.push(
          inputError(
            'E_DUPLICATE_ID',
            divFile,
            `cities[${ci}].counties[${ki}].id`,
            `duplicate county id "${county.id}" in city "${city.id}" (also counties[${seenCounty.get(county.id)}])`,
          ),
        );
      seenCounty.set(county.id, ki);
      known.add(siteIds.county(city.id, county.id));
      for (let t = 1; t <= county.townships; t++) known.add(siteIds.township(city.id, county.id, t));
    });
  });
  const deptFile = inv.paths.departments!;
  const depts = new Map<string, number>();
  inv.departments.departments.forEach((d, i) => {
    if (depts.has(d.id))
      errors.push(inputError('E_DUPLICATE_ID', deptFile, `departments[${i}].id`, `duplicate department id "${d.id}" (also departments[${depts.get(d.id)}])`));
    depts.set(d.id, i);
    known.add(siteIds.department(d.id));
  });
  const dcFile = inv.paths.datacenters ?? inv.paths.province!;
  const dcs = new Map<string, number>();
  const roles = new Map<string, string>();
  inv.datacenters.datacenters.forEach((dc, i) => {
    if (dcs.has(dc.id)) errors.push(inputError('E_DUPLICATE_ID', dcFile, `datacenters[${i}].id`, `duplicate data centre id "${dc.id}"`));
    dcs.set(dc.id, i);
    if (dc.parent !== provinceId && !seenCity.has(dc.parent)) {
      errors.push(
        inputError(
          'E_UNKNOWN_PARENT',
          dcFile,
          `datacenters[${i}].parent`,
          `unknown parent "${dc.parent}": a data centre hangs on the province core or a city`,
          `known cities: ${[...seenCity.keys()].join(', ')}`,
        ),
      );
    }
    if (!seenCity.has(dc.city)) errors.push(inputError('E_UNKNOWN_CITY', dcFile, `datacenters[${i}].city`, `unknown city "${dc.city}"`));
    if (dc.role !== 'remote-dr-alternative') {
      if (roles.has(dc.role))
        errors.push(
          inputError('E_DUPLICATE_ROLE', dcFile, `datacenters[${i}].role`, `a second "${dc.role}" centre ("${roles.get(dc.role)}" has the role already)`),
        );
      roles.set(dc.role, dc.id);
    }
    known.add(siteIds.datacenter(dc.id));
  });
  const pnFile = inv.paths.private_networks!;
  const pns = new Set<string>();
  inv.privateNetworks.private_networks.forEach((pn, i) => {
    if (pns.has(pn.id)) errors.push(inputError('E_DUPLICATE_ID', pnFile, `private_networks[${i}].id`, `duplicate private network id "${pn.id}"`));
    pns.add(pn.id);
    if (!depts.has(pn.department))
      errors.push(
        inputError('E_UNKNOWN_DEPARTMENT', pnFile, `private_networks[${i}].department`, `unknown department "${pn.department}"`, `declare it in ${deptFile}`),
      );
  });
  const legacyFile = inv.paths.legacy!;
  for (const site of Object.keys(inv.legacy.sites)) {
    if (!known.has(site)) errors.push(inputError('E_UNKNOWN_SITE', legacyFile, `sites.${site}`, `unknown site "${site}"`));
  }
  const tiers = inv.province.tiers;
  const needed: Array<[string, string]> = [
    ['province', 'city'],
    ['city', 'county'],
    ['county', 'township'],
    ['province', 'department'],
    ...inv.datacenters.datacenters.map((dc): [string, string] => [dc.parent === provinceId ? 'province' : 'city', 'datacenter']),
  ];
  for (const [parent, child] of needed) {
    if (!tiers.some((t) => t.parent === parent && t.child === child)) {
      errors.push(
        inputError(
          'E_MISSING_TIER',
          inv.paths.province!,
          'tiers',
          `no tier for ${parent} → ${child} links`,
          'add an entry with parent, child, links and bandwidth_mbps',
        ),
      );
    }
  }
  if (errors.length) throw new StacksErrors(errors);
}
