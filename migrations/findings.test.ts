import { describe, expect, it } from 'vitest';
import { buildPlan } from './plan.js';
import { loadPlanningInputs, type PlanningInputs } from './inputs.js';
import { DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import type { MigrationSystem } from './schema.js';
import { beforeAll } from 'vitest';

let inputs: PlanningInputs;
beforeAll(async () => {
  inputs = await loadPlanningInputs(DEFAULT_INVENTORY_DIR, { count: 1 });
});

const sys = (id: string, over: Partial<MigrationSystem> = {}): MigrationSystem => ({
  id,
  name: id,
  department: 'finance',
  level: 'province',
  classification: 'internal',
  location: { kind: 'department-room', site: 'dept.finance' },
  dependsOn: [],
  dataGiB: 10,
  vcpu: 2,
  ramGiB: 4,
  protectionClass: inputs.registry.classes[0]!.id,
  platform: 'x86-vm',
  lifecycle: 'active',
  ...over,
});

describe('plan findings: nothing hidden', () => {
  it('flags a mover calling retired, blocked and retained systems, and a classified system calling an extranet-bound one', () => {
    const systems = [
      sys('old-ledger', { lifecycle: 'sunset' }),
      sys('radio-gw', { platform: 'special-hardware' }),
      sys('huge', { vcpu: 100000, ramGiB: 1_000_000 }), // no cloud has room: blocked
      sys('portal', { dependsOn: ['old-ledger', 'radio-gw', 'huge'] }),
      sys('secret-db', { classification: 'classified', dependsOn: ['portal'] }),
    ];
    const plan = buildPlan(systems, inputs.registry, { file: 'x' });
    expect(plan.blocked.map((b) => b.id)).toEqual(['huge']);
    const got = plan.findings.map((f) => `${f.severity} ${f.rule} ${f.system}->${f.depends_on}`);
    expect(got).toEqual([
      'error classified-calls-extranet secret-db->portal',
      'error depends-on-blocked portal->huge',
      'warning depends-on-retained portal->radio-gw',
      'error depends-on-retired portal->old-ledger',
    ]);
    expect(plan.findings[0]!.message).toMatch(/extranet cloud provincial/);
    expect(plan.summary.findings['depends-on-retired']).toEqual({ error: 1, warning: 0 });
    // the deadline check counts the blocked and the retained non-classified system
    expect(plan.deadline).toMatchObject({ blocked: 1, unplaced: 1, met: false, waves_on_time: true });
    expect(plan.deadline.cloud_share).toBeCloseTo(1 / 3, 3); // portal, of radio-gw, huge and portal (old-ledger is switched off)
  });

  it('takes the severities from the inventory rules; off silences a rule, classified calls stay errors', () => {
    const systems = [
      sys('old-ledger', { lifecycle: 'sunset' }),
      sys('portal', { dependsOn: ['old-ledger'] }),
      sys('secret-db', { classification: 'classified', dependsOn: ['portal'] }),
    ];
    const warn = buildPlan(systems, inputs.registry, { file: 'x' }, {}, { rules: { depends_on_retired: 'warning' } });
    expect(warn.findings.map((f) => `${f.severity} ${f.rule}`)).toEqual(['error classified-calls-extranet', 'warning depends-on-retired']);
    const off = buildPlan(systems, inputs.registry, { file: 'x' }, {}, { rules: { depends_on_retired: 'off' } });
    expect(off.findings.map((f) => f.rule)).toEqual(['classified-calls-extranet']);
  });

  it("a county-level system is placed like its city's systems", () => {
    const city = inputs.inventory.divisions.cities.find((c) => inputs.registry.clouds.some((k) => k.kind === 'city' && k.location.city === c.id))!;
    const county = city.counties[0]!;
    const plan = buildPlan(
      [sys('county-permits', { level: 'county', city: city.id, county: county.id, location: { kind: 'department-room', site: `${city.id}.${county.id}` } })],
      inputs.registry,
      { file: 'x' },
    );
    const cityCloud = inputs.registry.clouds.find((k) => k.kind === 'city' && k.location.city === city.id)!;
    expect(plan.waves[0]!.systems[0]!.target_cloud).toBe(cityCloud.id);
  });
});
