import { describe, expect, test } from 'vitest';
import { loadInventory } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { parseScope, selectScope } from './scope.js';
import { emptyState } from './state.js';
import { realizedTopology } from './realized.js';

const topology = buildTopology(await loadInventory());
const scoped = selectScope(topology, parseScope('cities=xian;counties=1;townships=1;datacenters=none'));
const county = 'xian.xincheng-r1';
const township = 'xian.xincheng.t01-r1';

describe('realizedTopology', () => {
  test('keeps only what the lab wired: devices in scope, their wired interfaces, both hand-offs', () => {
    const t = realizedTopology(scoped, emptyState('d0', '', '', 100, false));
    expect(t.devices.map((d) => d.id).sort()).toEqual(scoped.devices.map((d) => d.id).sort());
    expect(t.links).toEqual(scoped.links);
    expect(t.exit.handoffs.map((h) => h.device).sort()).toEqual(['shaanxi-exit1', 'shaanxi-exit2']);
    // the county's config names a downlink per township; only the one in scope exists in the lab
    const full = topology.devices.find((d) => d.id === county)!;
    const wired = t.devices.find((d) => d.id === county)!;
    expect(full.interfaces.filter((i) => i.kind === 'downlink').length).toBeGreaterThan(1);
    expect(wired.interfaces.filter((i) => i.kind === 'downlink')).toHaveLength(1);
    for (const i of wired.interfaces) if (i.link) expect(t.links.some((l) => l.id === i.link)).toBe(true);
    expect(wired.interfaces.some((i) => i.kind === 'lan')).toBe(true);
    expect(t.sites.find((s) => s.id === 'xian.xincheng')!.children).toEqual(['xian.xincheng.t01']);
  });

  test('takes out what faults hold down: a cut link at both ends, an upstream, a whole device', () => {
    const state = emptyState('d0', '', '', 100, false);
    const up0 = scoped.links.find((l) => l.b.device === township && l.b.interface === 'up0')!;
    state.faults.links = [up0.id, 'internet:shaanxi-exit1'];
    state.faults.devices = ['xian-r2'];
    const t = realizedTopology(scoped, state);
    expect(t.links.some((l) => l.id === up0.id)).toBe(false);
    expect(
      t.devices
        .find((d) => d.id === township)!
        .interfaces.map((i) => i.name)
        .sort(),
    ).toEqual(['lan0', 'up1']);
    expect(t.devices.find((d) => d.id === up0.a.device)!.interfaces.some((i) => i.link === up0.id)).toBe(false);
    expect(t.exit.handoffs.map((h) => h.device)).toEqual(['shaanxi-exit2']);
    expect(t.devices.find((d) => d.id === 'shaanxi-exit1')!.interfaces.some((i) => i.kind === 'internet')).toBe(false);
    expect(t.devices.find((d) => d.id === 'xian-r2')!.interfaces).toEqual([]);
    expect(t.links.some((l) => l.a.device === 'xian-r2' || l.b.device === 'xian-r2')).toBe(false);
  });
});

describe('physicalStateOf', () => {
  test("gives the verifier, per device, only the interfaces the lab wired: a county's unwired downlinks have no carrier", async () => {
    const { physicalStateOf } = await import('./rib-compare.js');
    const t = realizedTopology(scoped, emptyState('d0', '', '', 100, false));
    const carrier = physicalStateOf(t).carrier[county]!;
    const full = topology.devices.find((d) => d.id === county)!;
    expect(carrier).toEqual(t.devices.find((d) => d.id === county)!.interfaces.map((i) => i.name));
    expect(full.interfaces.filter((i) => !carrier.includes(i.name) && i.kind === 'downlink').length).toBeGreaterThan(0);
    // a city cloud's hand-offs on the hosting core are veths inside it: always wired
    const host = t.devices.find((d) => d.interfaces.some((i) => i.kind === 'cloud'));
    expect(host && physicalStateOf(t).carrier[host.id]!.some((n) => n.startsWith('cl'))).toBe(true);
  });
});
