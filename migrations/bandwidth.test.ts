import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlanningInputs, type PlanningInputs } from './inputs.js';
import { DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { bwlimitKiB, pathBetween, pathModel, waveBandwidth } from './bandwidth.js';
import { buildPlan } from './plan.js';
import type { MigrationSystem } from './schema.js';

let inputs: PlanningInputs;
beforeAll(async () => {
  inputs = await loadPlanningInputs(DEFAULT_INVENTORY_DIR, { count: 1 });
});

describe('bandwidth per tier', () => {
  it('finds the narrowest link on the path from the topology: a township is limited by its 200M uplink', () => {
    const m = pathModel(inputs.topology);
    const township = inputs.topology.sites.find((s) => s.level === 'township')!;
    const provincial = inputs.registry.clouds.find((c) => c.kind === 'provincial')!;
    const hops = pathBetween(m, township.id, provincial.location.site)!;
    expect(hops[0]).toMatchObject({ child: township.id, tier: 'county-township', mbps: 200, links: 2 });
    expect(hops.map((h) => h.tier)).toContain('city-county');
    const county = inputs.topology.sites.find((s) => s.level === 'county')!;
    const bw = waveBandwidth(
      m,
      [
        { id: 'a', from: township.id, to: provincial.location.site, dataGiB: 1 },
        { id: 'b', from: township.id, to: provincial.location.site, dataGiB: 1 },
        { id: 'c', from: county.id, to: provincial.location.site, dataGiB: 10 },
      ],
      0.5,
    );
    // a and b share the township's uplink: half of 200M between them; c has half of the county's 2G
    expect(bw.systems.map((s) => [s.id, s.bottleneck.mbps, s.throttle_mbps])).toEqual([
      ['a', 200, 50],
      ['b', 200, 50],
      ['c', 2000, 1000],
    ]);
    expect(bw.links[0]).toMatchObject({ mbps: 200, systems: 2, throttle_mbps: 100 });
    // 1 GiB at 50 Mbps: 8,589.9 Mbit / 50 / 3600 ≈ 0.05 h
    expect(bw.systems[0]!.initial_sync_hours).toBeCloseTo(0.05, 2);
    expect(bwlimitKiB(100)).toBe(12207);
    expect(bwlimitKiB(100, 10)).toBe(1220);
  });

  it("puts each wave's bandwidth plan and every system's throttle in the plan", () => {
    const dept = inputs.inventory.departments.departments[0]!.id;
    const s: MigrationSystem = {
      id: 'x-1',
      name: 'x-1',
      department: dept,
      level: 'province',
      classification: 'internal',
      location: { kind: 'department-room', site: `dept.${dept}` },
      dependsOn: [],
      dataGiB: 100,
      vcpu: 2,
      ramGiB: 4,
      protectionClass: inputs.registry.classes[0]!.id,
      platform: 'x86-vm',
      lifecycle: 'active',
    };
    const plan = buildPlan([s], inputs.registry, { file: 'x' }, {}, { network: inputs.topology, bandwidthShare: 0.25 });
    const w = plan.waves[0]!;
    expect(w.bandwidth!.share).toBe(0.25);
    expect(w.bandwidth!.systems[0]!.bottleneck.tier).toBe('province-department');
    expect(w.systems[0]!.throttle_mbps).toBe(500);
  });
});
