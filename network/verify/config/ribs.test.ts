import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../inventory/load.js';
import { buildTopology } from '../../topology.js';
import type { Topology } from '../../types.js';
import { defaultScopeDefaults, parseScope, selectScope } from '../../../lab/scope.js';
import { DIALECTS, type DialectId } from '../../render/index.js';
import { computeDeviceRibs, type DeviceRib, type RenderedConfigFile } from './index.js';
import { buildFamilyNet } from './adjacency.js';
import { loadConfigs } from './load.js';

let full: Topology;
let topology: Topology;
const rendered = (t: Topology, dialect: DialectId): RenderedConfigFile[] =>
  t.devices.map((device) => ({ device: device.id, dialect, path: `${dialect}/${device.id}`, text: DIALECTS[dialect].render(full, device.id) }));

beforeAll(async () => {
  full = buildTopology(await loadInventory());
  const scoped = selectScope(full, parseScope(undefined, defaultScopeDefaults(full, [])));
  topology = { ...full, sites: scoped.sites, devices: scoped.devices, links: scoped.links };
});

/**
 * The one real difference between the dialects' RIBs: FRR 8.4's OSPFv3 keeps one ABR's path of
 * several equal ones (DialectBehaviour.ospfv3SingleAbrPath), so its computed routes carry the groups
 * one of which it installs. Their union is the route's next hops, which VRP installs all of.
 */
function withoutSingleAbrGroups(ribs: DeviceRib[]): { ribs: DeviceRib[]; groups: number; subsets: number } {
  let groups = 0;
  let subsets = 0;
  const out = ribs.map((rib) => ({
    ...rib,
    routes: rib.routes.map(({ installsOneOf, installsSubset, ...route }) => {
      // and FRR's OSPFv3 may install a subset of equal-cost next hops (DialectBehaviour.ospfv3EcmpSubset)
      if (installsSubset) {
        subsets++;
        expect(rib.family).toBe('ipv6');
        expect(route.protocol).toMatch(/^ospf-/);
        expect(route.nextHops.length).toBeGreaterThan(1);
      }
      if (installsOneOf) {
        groups++;
        expect(rib.family).toBe('ipv6');
        expect(route.protocol).toMatch(/^ospf-(inter|external)/);
        const union = new Set(installsOneOf.flat().map((h) => `${h.interface}/${h.neighbour}`));
        expect([...union].sort()).toEqual(route.nextHops.map((h) => `${h.interface}/${h.neighbour}`).sort());
      }
      return route;
    }),
  }));
  return { ribs: out, groups, subsets };
}

describe('computeDeviceRibs', () => {
  it('gives the same RIBs for the FRR and the VRP rendering, both families (interfaces by their model names)', () => {
    const frr = computeDeviceRibs(topology, rendered(topology, 'frr'));
    const vrp = computeDeviceRibs(topology, rendered(topology, 'vrp'));
    expect(frr.length).toBe(topology.devices.length * 2);
    // VRP prefers OSPF internal routes over statics and FRR the other way; the configs never give both for one prefix.
    const plain = withoutSingleAbrGroups(frr);
    // OSPFv3 runs in one area (render/common.ts ospfv3Area): no ABR, so no single-ABR groups either
    expect(plain.groups).toBe(0);
    expect(plain.subsets).toBeGreaterThan(0);
    expect(withoutSingleAbrGroups(vrp)).toMatchObject({ groups: 0, subsets: 0 });
    expect(vrp).toEqual(plain.ribs);
  });

  // Computing every device's full RIB for 2,052 routers × two dialects costs minutes of CPU; the RIB
  // is a pure function of the family network (adjacencies with costs and areas, advertised prefixes,
  // up interfaces with their addresses, statics, default origination) and the dialect's preferences
  // and behaviour, so on the full province the test compares the family networks.
  it('on the full province: the same control-plane input for FRR and VRP (so the same RIBs, up to the behaviour above)', () => {
    const frrFiles = rendered(full, 'frr');
    const vrpFiles = rendered(full, 'vrp');
    for (const family of ['ipv4', 'ipv6'] as const) {
      const a = netSummary(full, frrFiles, family);
      const b = netSummary(full, vrpFiles, family);
      expect(a.edges.length).toBeGreaterThan(full.links.length);
      expect(b).toEqual(a);
    }
  }, 200_000);
});

/** A family network in the model's names: what the RIB computation reads, dialect naming aside. */
function netSummary(t: Topology, files: RenderedConfigFile[], family: 'ipv4' | 'ipv6') {
  const net = buildFamilyNet(t, loadConfigs(t, files).configs, family);
  const dev = (node: number) => net.configs[node]!.device.id;
  const name = (i: number) => `${dev(net.ifaces[i]!.node)}:${net.ifaces[i]!.model ?? net.ifaces[i]!.name}`;
  const sorted = (xs: string[]) => xs.sort();
  return {
    edges: sorted(net.edges.map((e) => `${name(e.fromIface)}>${name(e.toIface)} ${net.areas[e.area]} ${e.cost}`)),
    stubs: sorted(net.stubs.map((s) => `${name(s.iface)} ${net.areas[s.area]} ${s.key} ${s.cost}`)),
    up: sorted(net.ifaces.flatMap((i, k) => (i.up ? [`${name(k)} ${i.addrs.map((a) => `${a.address}/${a.length}`).join(',')}`] : []))),
    statics: sorted(
      net.statics.flatMap((list, node) => list.map((s) => `${dev(node)} ${s.key} ${s.iface === undefined ? '' : name(s.iface)} ${s.nextHop ?? ''}`)),
    ),
    originate: sorted(net.originate.flatMap((o, node) => (o ? [`${dev(node)} always=${o.always} ${o.metric} ${o.metricType}`] : []))),
    findings: net.findings.length,
  };
}
