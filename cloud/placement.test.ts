import { beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../inventory/load.js';
import type { Topology } from '../network/types.js';
import { defaultContext } from '../stacks/cloud/testing.js';
import { buildRegistry, drReport, indicator7, indicator8, loadClouds, placeSystems, type CloudRegistry, type System } from './index.js';

let inv: Inventory;
let topo: Topology;
let reg: CloudRegistry;

beforeAll(async () => {
  ({ inventory: inv, topology: topo } = await defaultContext());
  reg = buildRegistry(inv, topo, loadClouds(inv)!);
});

const sys = (id: string, over: Partial<System> = {}): System => ({
  id,
  department: 'finance',
  level: 'province',
  classified: false,
  vcpu: 4,
  ramGiB: 16,
  storageTiB: 1,
  protectionClass: 'p4',
  ...over,
});

describe('placement', () => {
  it('routes province, city and industry systems to their clouds and keeps classified ones off', () => {
    const p = placeSystems(reg, [
      sys('a'),
      sys('b', { level: 'city', city: 'baoji', department: 'health' }),
      sys('c', { industry: 'health', department: 'health' }),
      sys('d', { classified: true }),
    ]);
    expect(p.placed.map((x) => [x.system, x.cloud, x.tenant])).toEqual([
      ['a', 'provincial', 'provincial-finance'],
      ['b', 'baoji', 'baoji-health'],
      ['c', 'health', 'health-health'],
    ]);
    expect(p.unplaced).toEqual([expect.objectContaining({ system: 'd', kind: 'classified' })]);
  });

  it('puts replicas where the class demands: p6 sync in the same city and async remote', () => {
    const p = placeSystems(reg, [sys('a', { protectionClass: 'p6' })]);
    expect(p.placed[0]!.replicas.map((r) => [r.cloud, r.centre, r.mode])).toEqual([
      ['dr-info-centre', 'info-centre', 'sync'],
      ['dr-yulin', 'yulin-dc', 'async'],
    ]);
    // a hot standby reserves all of it, a warm one half the compute
    expect(p.placed[0]!.replicas.map((r) => r.reserved.vcpu)).toEqual([4, 2]);
  });

  it("replicates Yulin's own systems to the alternative remote centre, Yan'an", () => {
    const p = placeSystems(reg, [sys('y', { level: 'city', city: 'yulin', department: 'health', protectionClass: 'p5' })]);
    expect(p.placed[0]!.replicas.map((r) => r.centre)).toEqual(['yanan-dc']);
  });

  it("switches the remote centre to Yan'an when the inventory swaps the roles", () => {
    const swapped: Inventory = {
      ...inv,
      datacenters: {
        datacenters: inv.datacenters.datacenters.map((d) => ({
          ...d,
          role: d.id === 'yanan-dc' ? 'remote-dr' : d.id === 'yulin-dc' ? 'remote-dr-alternative' : d.role,
        })),
      },
    };
    const r2 = buildRegistry(swapped, topo, loadClouds(swapped)!);
    const p = placeSystems(r2, [sys('a', { protectionClass: 'p5' }), sys('b', { level: 'city', city: 'yanan', department: 'health', protectionClass: 'p5' })]);
    expect(p.placed.map((x) => x.replicas[0]!.centre)).toEqual(['yanan-dc', 'yulin-dc']);
  });

  it('replicates a city system of the synchronous class to the same-city DR centre over the backbone', () => {
    const p = placeSystems(reg, [sys('h', { level: 'city', city: 'hanzhong', department: 'health', protectionClass: 'p6' })]);
    expect(p.placed[0]!.replicas.map((r) => [r.centre, r.mode])).toEqual([
      ['info-centre', 'sync'],
      ['yulin-dc', 'async'],
    ]);
  });

  it('refuses a replica in the primary’s own centre, and says why', () => {
    const moved = structuredClone(reg);
    const health = moved.clouds.find((c) => c.id === 'health')!;
    health.location = { site: 'dc.info-centre', centre: 'info-centre', role: 'same-city-dr', city: 'xian' };
    const p = placeSystems(moved, [sys('h', { industry: 'health', department: 'health', protectionClass: 'p6' })]);
    expect(p.placed).toEqual([]);
    expect(p.unplaced[0]).toMatchObject({
      kind: 'no-replica-target',
      reason: expect.stringContaining('already stands in the same-city DR centre info-centre'),
    });
  });

  it('is capacity-aware: balances availability zones, respects quotas, places all-or-nothing', () => {
    const p = placeSystems(reg, [sys('a', { vcpu: 100 }), sys('b', { vcpu: 100 }), sys('c', { vcpu: 100 })]);
    // az1 and az2 (12,000 vCPU) are larger than az3 (8,000): the largest free share goes first
    expect(p.placed.map((x) => x.az)).toEqual(['az1', 'az2', 'az3']);
    const q = placeSystems(reg, [sys('a', { vcpu: 400, ramGiB: 400 }), sys('b', { vcpu: 300, ramGiB: 300 })]);
    expect(q.unplaced).toEqual([expect.objectContaining({ system: 'b', kind: 'quota' })]);
    // a's hot standby does not fit its DR tenant quota (200 vCPU): the primary is not charged either
    const r = placeSystems(reg, [sys('a', { vcpu: 500, ramGiB: 500, protectionClass: 'p6' }), sys('b', { vcpu: 200, ramGiB: 200, protectionClass: 'p2' })]);
    expect(r.unplaced).toEqual([expect.objectContaining({ system: 'a', kind: 'quota', reason: expect.stringContaining('dr-info-centre') })]);
    expect(r.usage.find((u) => u.cloud === 'provincial')!.used.vcpu).toBe(200);
  });

  it('rejects departments that are not tenants and unknown classes', () => {
    const p = placeSystems(reg, [sys('a', { industry: 'video', department: 'finance' }), sys('b', { protectionClass: 'p9' })]);
    expect(p.unplaced.map((u) => u.kind)).toEqual(['not-a-tenant', 'unknown-class']);
  });

  it('is deterministic whatever the input order', () => {
    const list = Array.from({ length: 200 }, (_, i) => sys(`s${String(i).padStart(3, '0')}`, { vcpu: 8 + (i % 5), department: i % 2 ? 'finance' : 'health' }));
    const a = placeSystems(reg, list);
    const b = placeSystems(reg, [...list].reverse());
    expect(b).toEqual(a);
  });

  it('places 10,000 systems', () => {
    const list = Array.from({ length: 10_000 }, (_, i) =>
      sys(`x${i}`, {
        vcpu: 1,
        ramGiB: 2,
        storageTiB: 0.05,
        department: inv.departments.departments[i % 40]!.id,
        protectionClass: ['p6', 'p5', 'p4', 'p2'][i % 4]!,
      }),
    );
    const p = placeSystems(reg, list);
    expect(p.placed.length + p.unplaced.length).toBe(10_000);
    expect(p.placed.length).toBeGreaterThan(5_000);
  });
});

describe('two sites, three centres', () => {
  it('routes replication over the backbone and checks the links between the centres', () => {
    const systems = [sys('a', { protectionClass: 'p6', storageTiB: 10 }), sys('b', { protectionClass: 'p5', storageTiB: 10 })];
    const p = placeSystems(reg, systems);
    const dr = drReport(reg, systems, p, topo);
    expect(dr.layout.production?.id).toBe('xinchuang');
    expect(dr.layout.sameCity?.id).toBe('info-centre');
    expect(dr.layout.remote?.id).toBe('yulin-dc');
    const remote = dr.pairs.find((x) => x.id === 'dr-dc-xinchuang-yulin-dc')!;
    expect(remote.path!.sites).toEqual(['dc.xinchuang', 'shaanxi', 'yulin', 'dc.yulin-dc']);
    // dual homing: two 10G links per hop
    expect(remote.path!.bottleneckMbps).toBe(20000);
    // p6: 10 TiB × 4%/day × 6 peak; p5: 10 TiB × 3%/day × 3 peak (Mbps)
    const mbps = (tib: number, pct: number, peak: number) => ((((tib * 1024 * pct) / 100) * 8589.934592) / 86400) * peak;
    expect(remote.requiredMbps).toBeCloseTo(mbps(10, 4, 6) + mbps(10, 3, 3), 6);
    expect(dr.problems).toEqual([]);
    expect(dr.classes.find((c) => c.id === 'p6')).toMatchObject({ level: 6, rpoS: 0, systems: 1 });
  });

  it('flags a backbone hop whose replication load exceeds the allowed share', () => {
    const systems = [sys('big', { protectionClass: 'p6', storageTiB: 1, changeGiBPerDay: 200_000, vcpu: 8 })];
    const p = placeSystems(reg, systems);
    const dr = drReport(reg, systems, p, topo);
    expect(dr.problems.some((m) => /backbone dc\.info-centre~shaanxi .*over 50% of its 20000 Mbps/.test(m))).toBe(true);
  });
});

describe('indicators', () => {
  it('7: share of clouds under the one manager', () => {
    const v = indicator7(reg);
    expect([v.numerator, v.denominator]).toEqual([20, 23]);
  });
  it('8: systems on a managed extranet cloud whose dependencies are too', () => {
    const systems = [
      sys('a'),
      sys('b', { dependsOn: ['a'] }),
      sys('c', { industry: 'video', department: 'radio-tv', dependsOn: ['a'] }),
      sys('d', { dependsOn: ['c'] }),
      sys('e', { classified: true }),
    ];
    const v = indicator8(reg, systems, placeSystems(reg, systems));
    // video is not managed: c is out, and d depends on c
    expect([v.numerator, v.denominator]).toEqual([2, 4]);
  });
});
