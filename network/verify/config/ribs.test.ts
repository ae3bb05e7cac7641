import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../inventory/load.js';
import { buildTopology } from '../../topology.js';
import type { Topology } from '../../types.js';
import { defaultScopeDefaults, parseScope, selectScope } from '../../../lab/scope.js';
import { DIALECTS, type DialectId } from '../../render/index.js';
import { computeDeviceRibs, type RenderedConfigFile } from './index.js';

let full: Topology;
let topology: Topology;
const rendered = (dialect: DialectId): RenderedConfigFile[] =>
  topology.devices.map((device) => ({ device: device.id, dialect, path: `${dialect}/${device.id}`, text: DIALECTS[dialect].render(full, device.id) }));

beforeAll(async () => {
  full = buildTopology(await loadInventory());
  const scoped = selectScope(full, parseScope(undefined, defaultScopeDefaults(full, [])));
  topology = { ...full, sites: scoped.sites, devices: scoped.devices, links: scoped.links };
});

describe('computeDeviceRibs', () => {
  it('gives the same RIBs for the FRR and the VRP rendering, both families (interfaces by their model names)', () => {
    const frr = computeDeviceRibs(topology, rendered('frr'));
    const vrp = computeDeviceRibs(topology, rendered('vrp'));
    expect(frr.length).toBe(topology.devices.length * 2);
    // VRP prefers OSPF internal routes over statics and FRR the other way; the configs never give both for one prefix.
    expect(vrp).toEqual(frr);
  });

  it('routes the default through ECMP to the primary exit, which sends it to its upstream', () => {
    const ribs = computeDeviceRibs(topology, rendered('frr'));
    const core = ribs.find((r) => r.device === 'shaanxi-r1' && r.family === 'ipv4')!;
    const def = core.routes.find((r) => r.prefix === '0.0.0.0/0')!;
    expect(def.protocol).toBe('ospf-external-2');
    expect(def.nextHops.map((h) => h.neighbour)).toEqual(['shaanxi-exit1']);
    const exit = ribs.find((r) => r.device === 'shaanxi-exit1' && r.family === 'ipv6')!;
    expect(exit.routes.find((r) => r.prefix === '::/0')).toMatchObject({ protocol: 'static', nextHops: [{ interface: 'inet0' }] });
    const township = ribs.find((r) => r.family === 'ipv4' && r.device.includes('.t0'))!;
    expect(township.routes.find((r) => r.prefix === '0.0.0.0/0')!.nextHops.length).toBe(2);
    const lo = full.devices.find((d) => d.id === 'shaanxi-r2')!.loopback.ipv4;
    expect(township.routes.find((r) => r.prefix === lo)?.protocol).toBe('ospf-inter');
  });
});
