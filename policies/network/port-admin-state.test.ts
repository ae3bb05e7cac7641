import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory/load.js';
import { vrpPortStanzas } from '../../network/render/vrp.js';
import { buildTopology } from '../../network/topology.js';
import type { Topology } from '../../network/types.js';
import { portAdminState, portAdminViolations } from './port-admin-state.js';
import { renderedVrpFacts, vrpFactsOfParsed, type PortStanzaRenderer, type VrpConfigFacts, type VrpDeviceFacts } from './vrp-config-facts.js';
import { managementFactsOf } from './management-facts.js';
import { loadConfigs, renderedConfigs } from '../../network/verify/config/index.js';

let topology: Topology;
beforeAll(async () => {
  topology = buildTopology(await loadInventory());
});

/** The real renderer with one line dropped on one device, as a renderer bug would. */
const dropping =
  (device: string, line: string): PortStanzaRenderer =>
  (t, d) =>
    vrpPortStanzas(t, d).filter((l) => d.id !== device || l.text !== line);

/** A value with every `line` field dropped (where a statement sits differs between a whole config and its seam). */
const withoutLines = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === 'line' ? undefined : x)));

describe('NET-164: used ports up, unused ports shut (rendered VRP)', () => {
  it('passes on the default province', () => {
    expect(portAdminState.id).toBe('NET-164');
    expect(portAdminState.severity).toBe('hard');
    expect(portAdminState.check({ topology })).toEqual([]);
  });

  it('fails when the renderer drops `undo shutdown`', () => {
    const v = portAdminViolations(topology, renderedVrpFacts(topology, dropping('xian.yanta.t01-r1', ' undo shutdown')));
    expect(v.map((x) => x.message)).toEqual([
      'xian.yanta.t01-r1 GigabitEthernet0/0/0 (lan0, lan) does not state `undo shutdown`: it stays down on a router whose ports ship shut',
      'xian.yanta.t01-r1 GigabitEthernet1/0/0 (up0, uplink) does not state `undo shutdown`: it stays down on a router whose ports ship shut',
      'xian.yanta.t01-r1 GigabitEthernet1/0/1 (up1, uplink) does not state `undo shutdown`: it stays down on a router whose ports ship shut',
    ]);
    expect(v.every((x) => x.resource === 'device:xian.yanta.t01-r1')).toBe(true);
  });

  it('fails when the renderer drops `shutdown` on unused ports', () => {
    const v = portAdminViolations(topology, renderedVrpFacts(topology, dropping('shaanxi-exit2', ' shutdown')));
    expect(v).toHaveLength(topology.devices.find((d) => d.id === 'shaanxi-exit2')!.hardware!.unusedPorts.length);
    expect(v[0]!.message).toMatch(/^shaanxi-exit2 GigabitEthernet0\/0\/0 carries no link but is not shut down \(NE40E-X3A, hardware\.yaml\)$/);
  });

  it('fails on a used port rendered shut, and on a port the model does not have', () => {
    const shut: PortStanzaRenderer = (t, d) =>
      vrpPortStanzas(t, d).map((l) => (d.id === 'xian-r1' && l.text === ' undo shutdown' && l.iface === 'peer0' ? { ...l, text: ' shutdown' } : l));
    expect(portAdminViolations(topology, renderedVrpFacts(topology, shut)).map((x) => x.message)).toEqual([
      expect.stringMatching(/^xian-r1 XGigabitEthernet1\/0\/\d+ \(peer0, peer\) is shut \(line \d+\)/),
    ]);
    const extra: PortStanzaRenderer = (t, d) => [
      ...vrpPortStanzas(t, d),
      ...(d.id === 'xian-r1' ? [{ text: 'interface XGigabitEthernet9/0/0' }, { text: ' shutdown' }] : []),
    ];
    expect(portAdminViolations(topology, renderedVrpFacts(topology, extra)).map((x) => x.message)).toEqual([
      'xian-r1 XGigabitEthernet9/0/0 is not a port of its model NE40E-X3A (hardware.yaml)',
    ]);
  });

  it("reads the same facts from synth's parse of the whole configs as from the seams it renders alone", () => {
    // A slice of devices of every level (the whole province's parse is synth's job, and seconds).
    const ids = new Set(['shaanxi-exit1', 'shaanxi-exit2', 'xian-r1', 'xian-r2', 'xian.yanta-r1', 'xian.yanta.t01-r1', 'yulin.shenmu.t03-r1']);
    const files = renderedConfigs({ ...topology, devices: topology.devices.filter((d) => ids.has(d.id)) }, 'vrp');
    const whole = vrpFactsOfParsed(loadConfigs(topology, files).configs);
    const seams = renderedVrpFacts(topology);
    expect([...whole.keys()].sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const w = whole.get(id)!;
      const s = seams.get(id)!;
      // the whole config also states the loopback, which is no port of the model; lines differ by design
      const states = (f: VrpDeviceFacts) => [...f.ports].filter(([name]) => name !== 'LoopBack0').map(([name, a]) => [name, a?.shutdown]);
      expect(states(w)).toEqual(states(s));
      expect(w.management).toBeDefined();
      expect(withoutLines(w.management)).toEqual(withoutLines(s.management));
    }
    const slice = { ...topology, devices: topology.devices.filter((d) => ids.has(d.id)) };
    expect(portAdminViolations(slice, whole)).toEqual([]);
    const vrp = (f: VrpConfigFacts) => withoutLines(managementFactsOf(slice, f).filter((m) => m.dialect === 'vrp'));
    expect(vrp(whole)).toEqual(vrp(seams));
  });

  it('takes the facts synth hands over instead of rendering its own', () => {
    const broken = new Map(renderedVrpFacts(topology));
    const exit = broken.get('shaanxi-exit1')!;
    broken.set('shaanxi-exit1', { ...exit, ports: new Map([...exit.ports].map(([n, a]) => [n, a && { ...a, shutdown: true }])) });
    const v = portAdminState.check({ topology, vrpConfigFacts: broken });
    expect(v.length).toBeGreaterThan(0);
    expect(v.every((x) => x.resource === 'device:shaanxi-exit1')).toBe(true);
  });
});
