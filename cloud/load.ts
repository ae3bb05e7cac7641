/**
 * Validate `clouds.yaml` (parsed by the inventory loader into `inventory.extra.clouds`) and check
 * what spans files: centres, cities, departments, quotas against capacity, replica targets.
 * Every problem names the file and the path inside it; all problems are reported together.
 */
import type { Inventory } from '../inventory/load.js';
import { validateDocument } from '../inventory/load.js';
import { StacksErrors, inputError, type StacksError } from '../lib/errors.js';
import { parsePrefix, PrefixError } from '../lib/ip.js';
import { cloudsFileSchema, type CloudSpec, type CloudsFile } from './schema.js';

export interface LoadedClouds {
  file: string;
  spec: CloudsFile;
}

/** The clouds document of an inventory, validated; `undefined` when the inventory names none. */
export function loadClouds(inv: Inventory): LoadedClouds | undefined {
  const doc = inv.extra.clouds;
  if (doc === undefined) return undefined;
  const file = inv.paths.clouds ?? `${inv.dir}/clouds.yaml`;
  const spec = validateDocument(cloudsFileSchema, doc, file);
  checkClouds(inv, spec, file);
  return { file, spec };
}

/** The departments a cloud's tenants list names, with `*` expanded by the cloud's kind. */
export function tenantDepartments(inv: Inventory, spec: CloudsFile, cloud: CloudSpec): string[] {
  if (cloud.tenants.departments !== '*') return cloud.tenants.departments;
  const province = inv.departments.departments.map((d) => d.id);
  if (cloud.kind === 'city') return spec.defaults.city_departments;
  if (cloud.kind === 'dr') return [...new Set([...province, ...spec.defaults.city_departments])];
  return province;
}

function checkClouds(inv: Inventory, spec: CloudsFile, file: string): void {
  const errors: StacksError[] = [];
  const err = (path: string, message: string, hint?: string) => errors.push(inputError('E_CLOUDS', file, path, message, hint));
  const centres = new Map(inv.datacenters.datacenters.map((d) => [d.id, d]));
  const cities = new Set(inv.divisions.cities.map((c) => c.id));
  const departments = new Set(inv.departments.departments.map((d) => d.id));

  if (spec.defaults.tenant_pools) {
    checkPrefix(spec.defaults.tenant_pools.ipv4, 'defaults.tenant_pools.ipv4', 'ipv4', 17, err);
    checkPrefix(spec.defaults.tenant_pools.ipv6, 'defaults.tenant_pools.ipv6', 'ipv6', 40, err);
  }
  checkPrefix(spec.dr.replication_pool.ipv4, 'dr.replication_pool.ipv4', 'ipv4', 24, err);
  checkPrefix(spec.dr.replication_pool.ipv6, 'dr.replication_pool.ipv6', 'ipv6', 64, err);
  spec.defaults.ops_prefixes.ipv4.forEach((p, i) => checkPrefix(p, `defaults.ops_prefixes.ipv4[${i}]`, 'ipv4', 32, err));
  spec.defaults.ops_prefixes.ipv6.forEach((p, i) => checkPrefix(p, `defaults.ops_prefixes.ipv6[${i}]`, 'ipv6', 128, err));
  spec.defaults.city_departments.forEach((d, i) => {
    if (!departments.has(d))
      err(
        `defaults.city_departments[${i}]`,
        `unknown department "${d}" (city bureaus mirror the province's departments)`,
        `declare it in ${inv.paths.departments}`,
      );
  });

  const seen = new Map<string, number>();
  const industries = new Map<string, number>();
  spec.clouds.forEach((cloud, i) => {
    const at = `clouds[${i}]`;
    if (seen.has(cloud.id)) err(`${at}.id`, `duplicate cloud id "${cloud.id}" (also clouds[${seen.get(cloud.id)}])`);
    seen.set(cloud.id, i);
    if (cloud.centre !== undefined && !centres.has(cloud.centre)) {
      err(`${at}.centre`, `unknown centre "${cloud.centre}"`, `known centres (${inv.paths.datacenters}): ${[...centres.keys()].join(', ')}`);
    }
    if (cloud.city !== undefined && !cities.has(cloud.city)) err(`${at}.city`, `unknown city "${cloud.city}"`, `known cities: ${[...cities].join(', ')}`);
    if (cloud.industry !== undefined) {
      if (industries.has(cloud.industry))
        err(`${at}.industry`, `a second cloud for industry "${cloud.industry}" (also clouds[${industries.get(cloud.industry)}])`);
      industries.set(cloud.industry, i);
    }
    if (cloud.kind === 'dr' && cloud.centre === undefined) err(`${at}.centre`, 'a DR pool stands in a data centre of the layout');
    const azNames = new Set<string>();
    cloud.availability_zones.forEach((az, k) => {
      if (azNames.has(az.name)) err(`${at}.availability_zones[${k}].name`, `duplicate availability zone "${az.name}"`);
      azNames.add(az.name);
    });
    const depts = tenantDepartments(inv, spec, cloud);
    if (Array.isArray(cloud.tenants.departments)) {
      cloud.tenants.departments.forEach((d, k) => {
        if (!departments.has(d)) err(`${at}.tenants.departments[${k}]`, `unknown department "${d}"`, `declare it in ${inv.paths.departments}`);
      });
    }
    for (const key of Object.keys(cloud.tenants.overrides)) {
      if (!depts.includes(key)) err(`${at}.tenants.overrides.${key}`, `"${key}" is not a tenant of cloud "${cloud.id}"`);
    }
    checkQuotas(cloud, depts, `${at}.tenants`, err);
    const names = new Map<string, number>();
    cloud.services.forEach((svc, k) => {
      if (names.has(svc.name)) err(`${at}.services[${k}].name`, `duplicate service "${svc.name}" (also services[${names.get(svc.name)}])`);
      names.set(svc.name, k);
      if (!depts.includes(svc.tenant))
        err(`${at}.services[${k}].tenant`, `"${svc.tenant}" is not a tenant of cloud "${cloud.id}"`, `tenants: ${depts.join(', ')}`);
    });
    if (cloud.kind === 'dr' && cloud.services.length)
      err(`${at}.services`, "a DR pool publishes no services (its replicas take over the primary's VIPs only in a drill)");
  });

  spec.dr.classes.forEach((cls, i) => {
    const at = `dr.classes[${i}]`;
    if (spec.dr.classes.findIndex((c) => c.id === cls.id) !== i) err(`${at}.id`, `duplicate protection class "${cls.id}"`);
    cls.replicas.forEach((r, k) => {
      const holders = inv.datacenters.datacenters.filter((d) => d.role === r.role);
      if (holders.length === 0) {
        err(
          `${at}.replicas[${k}].role`,
          `no centre has role "${r.role}": class "${cls.id}" has no replica target`,
          `give a centre that role in ${inv.paths.datacenters}`,
        );
        return;
      }
      const pools = holders.filter((h) => spec.clouds.some((c) => c.kind === 'dr' && c.centre === h.id));
      if (pools.length === 0) {
        err(
          `${at}.replicas[${k}].role`,
          `no DR pool (kind: dr) stands in the ${r.role} centre "${holders[0]!.id}": class "${cls.id}" has no replica target`,
          'add a cloud of kind dr with that centre',
        );
      }
    });
  });
  if (errors.length) throw new StacksErrors(errors);
}

function checkQuotas(cloud: CloudSpec, depts: string[], at: string, err: (path: string, message: string, hint?: string) => void): void {
  const cap = { vcpu: 0, ram_gib: 0, storage_tib: 0 };
  for (const az of cloud.availability_zones) {
    cap.vcpu += az.vcpu;
    cap.ram_gib += az.ram_gib;
    cap.storage_tib += az.storage_tib;
  }
  const sum = { vcpu: 0, ram_gib: 0, storage_tib: 0 };
  for (const d of depts) {
    const q = cloud.tenants.overrides[d] ?? cloud.tenants.quota;
    sum.vcpu += q.vcpu;
    sum.ram_gib += q.ram_gib;
    sum.storage_tib += q.storage_tib;
  }
  for (const key of ['vcpu', 'ram_gib', 'storage_tib'] as const) {
    if (sum[key] > cap[key] + 1e-9) {
      err(
        `${at}.quota.${key}`,
        `tenant quotas of cloud "${cloud.id}" add up to ${round(sum[key])} ${key}, over its capacity of ${round(cap[key])}`,
        'lower the quotas or add capacity to an availability zone',
      );
    }
  }
}

function checkPrefix(text: string, path: string, family: 'ipv4' | 'ipv6', maxLength: number, err: (path: string, message: string) => void): void {
  try {
    const p = parsePrefix(text);
    if (p.family !== family) err(path, `"${text}" is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} prefix`);
    else if (p.length > maxLength) err(path, `"${text}" is too small: at most /${maxLength}`);
  } catch (e) {
    if (e instanceof PrefixError) err(path, e.message);
    else throw e;
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
