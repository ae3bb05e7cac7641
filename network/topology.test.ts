import { describe, expect, it, beforeAll } from 'vitest';
import { loadInventory, type Inventory } from '../inventory/load.js';
import { buildTopology } from './topology.js';
import { planAddresses } from './ipam.js';
import type { Topology } from './types.js';

let inv: Inventory;
let topo: Topology;
beforeAll(async () => {
  inv = await loadInventory();
  topo = buildTopology(inv);
});

describe('buildTopology on the default inventory', () => {
  it('has every site of the plan: 1 province, 11 cities, 107 counties, 1768 townships', () => {
    const count = (level: string) => topo.sites.filter((s) => s.level === level).length;
    expect(count('province')).toBe(1);
    expect(count('city')).toBe(11);
    expect(count('county')).toBe(107);
    expect(count('township')).toBe(1768);
    expect(count('department')).toBe(inv.departments.departments.length);
  });

  it('dual-homes every child site onto two different parent devices at the tier bandwidth', () => {
    const byId = new Map(topo.devices.map((d) => [d.id, d]));
    const uplinks = new Map<string, { parents: Set<string>; mbps: number[] }>();
    for (const l of topo.links.filter((x) => x.kind === 'uplink')) {
      const site = byId.get(l.b.device)!.site;
      const e = uplinks.get(site) ?? uplinks.set(site, { parents: new Set(), mbps: [] }).get(site)!;
      e.parents.add(l.a.device);
      e.mbps.push(l.bandwidthMbps);
    }
    const levelOf = new Map(topo.sites.map((s) => [s.id, s.level]));
    const expected: Record<string, number> = { city: 10000, county: 2000, township: 200, department: 2000, datacenter: 10000 };
    for (const s of topo.sites.filter((x) => x.parent)) {
      const e = uplinks.get(s.id)!;
      expect(e.parents.size, s.id).toBe(2);
      expect(e.mbps, s.id).toEqual([expected[levelOf.get(s.id)!], expected[levelOf.get(s.id)!]]);
    }
  });

  it('puts both families on every link and loopback', () => {
    for (const l of topo.links) {
      expect(l.a.ipv4 && l.a.ipv6 && l.b.ipv4 && l.b.ipv6, l.id).toBeTruthy();
      expect(l.subnet.ipv4.endsWith('/31') && l.subnet.ipv6.endsWith('/127')).toBe(true);
    }
    for (const d of topo.devices) expect(d.loopback.ipv4.endsWith('/32') && d.loopback.ipv6.endsWith('/128'), d.id).toBe(true);
  });

  it('has unique addresses, router ids and Linux-safe interface names', () => {
    const addrs = new Set<string>();
    for (const d of topo.devices) {
      for (const i of d.interfaces) {
        expect(i.name.length).toBeLessThanOrEqual(15);
        for (const a of [i.ipv4, i.ipv6]) {
          expect(addrs.has(a!), `${d.id} ${i.name} ${a}`).toBe(false);
          addrs.add(a!);
        }
      }
      expect(new Set(d.interfaces.map((i) => i.name)).size).toBe(d.interfaces.length);
    }
    expect(new Set(topo.devices.map((d) => d.routerId)).size).toBe(topo.devices.length);
  });

  it('originates the default route only at the two exits, the standby with the worse metric', () => {
    const originators = topo.devices.filter((d) => d.originatesDefault);
    expect(originators.map((d) => d.id)).toEqual(['shaanxi-exit1', 'shaanxi-exit2']);
    expect(originators[0]!.defaultMetric!).toBeLessThan(originators[1]!.defaultMetric!);
  });

  it('puts each city in its own OSPF area and the province-city links in the backbone', () => {
    const xian = topo.devices.find((d) => d.id === 'xian-r1')!;
    const yanta = topo.devices.find((d) => d.id === 'xian.yanta-r1')!;
    expect(xian.area).not.toBe('0.0.0.0');
    expect(yanta.area).toBe(xian.area);
    expect(topo.links.find((l) => l.id === 'xian~up0')!.area).toBe('0.0.0.0');
    expect(topo.links.find((l) => l.id === 'xian.yanta~up0')!.area).toBe(xian.area);
    const areas = new Set(topo.devices.filter((d) => d.role === 'core' && topo.sites.find((s) => s.id === d.site)!.level === 'city').map((d) => d.area));
    expect(areas.size).toBe(11);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(buildTopology(inv))).toBe(JSON.stringify(topo));
  });
});

describe('IPAM stability', () => {
  it('adding a township renumbers nobody else', () => {
    const first = planAddresses(inv);
    const withLedger: Inventory = { ...inv, ledger: first.ledger };
    const divisions = structuredClone(inv.divisions);
    divisions.cities[0]!.counties[0]!.townships += 1;
    const grown = planAddresses({ ...withLedger, divisions });
    expect(grown.added).toEqual(['xian.xincheng.t10']);
    for (const [id, entry] of Object.entries(first.ledger.allocations)) expect(grown.ledger.allocations[id]).toEqual(entry);
  });

  it('removing a township keeps its block reserved and moves nobody', () => {
    const first = planAddresses(inv);
    const divisions = structuredClone(inv.divisions);
    divisions.cities[0]!.counties[0]!.townships -= 1;
    const shrunk = planAddresses({ ...inv, ledger: first.ledger, divisions });
    expect(shrunk.orphaned).toEqual(['xian.xincheng.t09']);
    expect(shrunk.added).toEqual([]);
    expect(shrunk.ledger.allocations).toEqual(first.ledger.allocations);
    // A new township in the same county must not reuse the reserved block.
    const divisions2 = structuredClone(divisions);
    divisions2.cities[0]!.counties[0]!.townships += 0;
    const regrown = planAddresses({
      ...inv,
      ledger: shrunk.ledger,
      divisions: {
        ...divisions2,
        cities: divisions2.cities.map((c, i) => (i === 0 ? { ...c, counties: [...c.counties, { id: 'newcounty', name: '新区', townships: 1 }] } : c)),
      },
    });
    const reserved = first.ledger.allocations['xian.xincheng.t09']!;
    expect(
      Object.entries(regrown.ledger.allocations)
        .filter(([, v]) => v.ipv4 === reserved.ipv4)
        .map(([k]) => k),
    ).toEqual(['xian.xincheng.t09']);
  });
});
