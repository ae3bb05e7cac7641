import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSystemsFile } from './load.js';
import { StacksError, StacksErrors } from '../lib/errors.js';

const known = {
  departments: new Set(['finance', 'health']),
  cities: new Set(['xian']),
  classes: new Set(['p2', 'p4']),
  sites: new Set(['dept.finance', 'dept.health', 'xian', 'xian.yanta']),
  counties: new Map([['xian', new Set(['yanta'])]]),
};
const row = (over: Record<string, unknown> = {}) => ({
  id: 'finance-1',
  department: 'finance',
  level: 'province',
  classification: 'internal',
  location: { kind: 'department-room', site: 'dept.finance' },
  data_gib: 10,
  protection_class: 'p2',
  ...over,
});

async function file(name: string, text: string): Promise<string> {
  const p = join(await mkdtemp(join(tmpdir(), 'stacks-sys-')), name);
  await writeFile(p, text);
  return p;
}

async function problems(p: string): Promise<StacksError[]> {
  try {
    await loadSystemsFile(p, known);
  } catch (err) {
    if (err instanceof StacksErrors) return err.errors;
    if (err instanceof StacksError) return [err];
    throw err;
  }
  throw new Error('expected the file to be rejected');
}

describe('system inventory loader', () => {
  it('reads YAML and CSV into the same systems', async () => {
    const y = await loadSystemsFile(
      await file('s.yaml', JSON.stringify({ systems: [row({ depends_on: ['health-2'] }), row({ id: 'health-2', department: 'health' })] })),
      known,
    );
    const csv = [
      'id,department,level,classification,location_kind,location_site,depends_on,data_gib,protection_class',
      'finance-1,finance,province,internal,department-room,dept.finance,health-2,10,p2',
      'health-2,health,province,internal,department-room,dept.finance,,10,p2',
    ].join('\n');
    const c = await loadSystemsFile(await file('s.csv', csv), known);
    expect(c.systems).toEqual(y.systems);
    expect(c.systems[0]).toMatchObject({ vcpu: 4, ramGiB: 16, platform: 'x86-vm', lifecycle: 'active', dependsOn: ['health-2'] });
  });

  it('names the YAML path of each bad row', async () => {
    const p = await file(
      's.yaml',
      JSON.stringify({ systems: [row(), row({ id: 'x-2', data_gib: -1 }), row({ id: 'x-3', department: 'nowhere', depends_on: ['ghost'] }), row()] }),
    );
    const errs = await problems(p);
    const where = errs.map((e) => `${e.file === p ? 'F' : '?'} ${e.path}: ${e.code}`);
    expect(where).toContain('F systems[1].data_gib: E_SYSTEMS');
    expect(where).toContain('F systems[2].department: E_UNKNOWN_DEPARTMENT');
    expect(where).toContain('F systems[2].depends_on[0]: E_UNKNOWN_DEPENDENCY');
    expect(where).toContain('F systems[3].id: E_DUPLICATE_ID');
    expect(errs.every((e) => e.exitCode === 2)).toBe(true);
  });

  it('names the CSV line and column of each bad row', async () => {
    const csv = [
      'id,department,level,classification,location_kind,location_site,data_gib,protection_class',
      'finance-1,finance,province,internal,department-room,dept.finance,10,p2',
      'finance-2,finance,province,secret,department-room,dept.finance,lots,p9',
      'finance-3,finance,province,internal,,dept.finance,1,p2',
      'finance-4,finance,city,internal,department-room,xian,1,p9',
    ].join('\n');
    const errs = await problems(await file('s.csv', csv));
    const where = errs.map((e) => e.path);
    expect(where).toContain('line 3, column classification');
    expect(where).toContain('line 3, column data_gib');
    expect(where).toContain('line 4, column location_kind');
    expect(where).toContain('line 5, column city');
    expect(where).toContain('line 5, column protection_class');
  });

  it('rejects unknown CSV columns and broken CSV with the file named', async () => {
    const [e] = await problems(await file('s.csv', 'id,department,colour\na,b,c\n'));
    expect(e!.message).toMatch(/unknown column\(s\) colour/);
    const [q] = await problems(await file('s.csv', 'id,department\n"a,b\n'));
    expect(q!.code).toBe('E_PARSE');
    expect(q!.file).toMatch(/s\.csv$/);
  });

  it('validates location_site and county references: an unknown site names the CSV line and column', async () => {
    const csv = [
      'id,department,level,city,county,classification,location_kind,location_site,data_gib,protection_class',
      'finance-1,finance,province,,,internal,department-room,dept.finance,10,p2',
      'finance-2,finance,province,,,internal,department-room,dept.nowhere,10,p2',
      'c-1,finance,county,xian,lintong,internal,department-room,xian.yanta,1,p2',
      'c-2,finance,county,xian,,internal,department-room,xian.yanta,1,p2',
    ].join('\n');
    const p = await file('s.csv', csv);
    const errs = await problems(p);
    expect(errs.map((e) => `${e.path}: ${e.code}`)).toEqual([
      'line 3, column location_site: E_UNKNOWN_SITE',
      'line 4, column county: E_UNKNOWN_COUNTY',
      'line 5, column county: E_SYSTEMS',
    ]);
    expect(errs[0]!.message).toMatch(/unknown site "dept.nowhere"/);
    expect(errs.every((e) => e.exitCode === 2)).toBe(true);
    const ok = await loadSystemsFile(
      await file('ok.csv', csv.split('\n').slice(0, 2).join('\n') + '\nc-1,finance,county,xian,yanta,internal,department-room,xian.yanta,1,p2'),
      known,
    );
    expect(ok.systems[1]).toMatchObject({ level: 'county', city: 'xian', county: 'yanta' });
  });

  it('an unknown or misspelt top-level key is an error naming the file, the path and the key', async () => {
    const p = await file('k.yaml', JSON.stringify({ rule: { depends_on_retained: 'error' }, systems: [row()] }));
    const errs = await problems(p);
    expect(errs.map((e) => `${e.file === p ? 'F' : '?'} ${e.path}: ${e.code}`)).toEqual(['F (root): E_SYSTEMS']);
    expect(errs[0]!.message).toMatch(/"rule"/);
    expect(errs[0]!.exitCode).toBe(2);
    const gen = await problems(await file('g.yaml', JSON.stringify({ generated: { seed: 1, count: 1, by: 'x' }, systems: [row()] })));
    expect(gen.map((e) => e.path)).toEqual(['generated']);
    expect(gen[0]!.message).toMatch(/"by"/);
  });

  it('reads the rules for dependency findings from a YAML file', async () => {
    const y = await loadSystemsFile(await file('r.yaml', JSON.stringify({ rules: { depends_on_retained: 'error' }, systems: [row()] })), known);
    expect(y.rules).toEqual({ depends_on_retained: 'error' });
    const bad = await problems(await file('r2.yaml', JSON.stringify({ rules: { depends_on_retained: 'fatal' }, systems: [row()] })));
    expect(bad[0]!.path).toMatch(/^rules\.depends_on_retained/);
  });
});
