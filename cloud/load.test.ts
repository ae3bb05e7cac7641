import { describe, expect, it } from 'vitest';
import { loadInventory, type Inventory } from '../inventory/load.js';
import { StacksError, StacksErrors } from '../lib/errors.js';
import { loadClouds } from './load.js';

const base = await loadInventory();
type Doc = {
  defaults: Record<string, unknown>;
  clouds: Array<Record<string, unknown>>;
  dr: { classes: Array<Record<string, unknown>> } & Record<string, unknown>;
};

/** The default inventory with its clouds document changed by `edit` (a deep copy). */
function withClouds(edit: (doc: Doc) => void, inv: Inventory = base): Inventory {
  const doc = structuredClone(inv.extra.clouds) as Doc;
  edit(doc);
  return { ...inv, extra: { ...inv.extra, clouds: doc } };
}

function errorsOf(fn: () => unknown): Array<{ code: string; file?: string; path?: string; message: string }> {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StacksError);
    const list = e instanceof StacksErrors ? e.errors : [e as StacksError];
    expect((e as StacksError).exitCode).toBe(2);
    return list.map((x) => ({ code: x.code, file: x.file, path: x.path, message: x.message }));
  }
  throw new Error('expected a StacksError');
}

describe('clouds.yaml', () => {
  it('loads the default inventory: 1 provincial, 11 city, 8 industry clouds and 3 DR pools', () => {
    const loaded = loadClouds(base)!;
    const kinds = loaded.spec.clouds.map((c) => c.kind);
    expect(kinds.filter((k) => k === 'provincial')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'city')).toHaveLength(11);
    expect(kinds.filter((k) => k === 'industry')).toHaveLength(8);
    expect(kinds.filter((k) => k === 'dr')).toHaveLength(3);
    expect(loaded.file).toMatch(/inventory\/clouds\.yaml$/);
  });

  it('an inventory without a clouds file has no clouds', () => {
    expect(loadClouds({ ...base, extra: {} })).toBeUndefined();
  });

  it('names file and path for an unknown centre and an unknown city', () => {
    const errs = errorsOf(() =>
      loadClouds(
        withClouds((d) => {
          d.clouds[0]!.centre = 'atlantis';
          delete d.clouds[1]!.city;
          d.clouds[1]!.city = 'gotham';
        }),
      ),
    );
    expect(errs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: base.paths.clouds, path: 'clouds[0].centre', message: expect.stringContaining('unknown centre "atlantis"') }),
        expect.objectContaining({ file: base.paths.clouds, path: 'clouds[1].city', message: expect.stringContaining('unknown city "gotham"') }),
      ]),
    );
  });

  it('rejects quotas that add up to more than the capacity', () => {
    const errs = errorsOf(() => loadClouds(withClouds((d) => ((d.clouds[0]!.tenants as { quota: { vcpu: number } }).quota.vcpu = 5000))));
    expect(errs).toEqual([
      expect.objectContaining({ path: 'clouds[0].tenants.quota.vcpu', message: expect.stringMatching(/add up to \d+ vcpu, over its capacity of 32000/) }),
    ]);
  });

  it('rejects a class with no replica target: a role no centre holds, or no DR pool in that centre', () => {
    const noRole = errorsOf(() =>
      loadClouds(withClouds((d) => void 0, { ...base, datacenters: { datacenters: base.datacenters.datacenters.filter((c) => c.role !== 'same-city-dr') } })),
    );
    expect(noRole).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'dr.classes[0].replicas[0].role', message: expect.stringContaining('no replica target') })]),
    );
    // also the cloud standing in the removed centre is now unknown
    expect(noRole.some((e) => e.message.includes('unknown centre "info-centre"'))).toBe(true);
    const noPool = errorsOf(() => loadClouds(withClouds((d) => (d.clouds = d.clouds.filter((c) => c.id !== 'dr-info-centre')))));
    expect(noPool).toEqual([expect.objectContaining({ path: 'dr.classes[0].replicas[0].role', message: expect.stringContaining('no DR pool') })]);
  });

  it('reports shape errors with their path (zod)', () => {
    const errs = errorsOf(() => loadClouds(withClouds((d) => ((d.clouds[2] as Record<string, unknown>).keystone = 'not a url'))));
    expect(errs[0]).toMatchObject({ code: 'E_SCHEMA', path: 'clouds[2].keystone' });
    const both = errorsOf(() => loadClouds(withClouds((d) => (d.clouds[0]!.city = 'xian'))));
    expect(both[0]!.message).toMatch(/exactly one of `centre` or `city`/);
  });

  it('rejects duplicate clouds, unknown tenants and overrides of non-tenants', () => {
    const errs = errorsOf(() =>
      loadClouds(
        withClouds((d) => {
          d.clouds[3]!.id = d.clouds[2]!.id;
          (d.clouds[12]!.tenants as { departments: string[] }).departments.push('ministry-of-magic');
          (d.clouds[12]!.tenants as { overrides: Record<string, unknown> }).overrides = { finance: { vcpu: 1, ram_gib: 1, storage_tib: 1 } };
        }),
      ),
    );
    expect(errs.map((e) => e.path)).toEqual(
      expect.arrayContaining(['clouds[3].id', 'clouds[12].tenants.departments[3]', 'clouds[12].tenants.overrides.finance']),
    );
  });
});
