import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory/load.js';
import { vrpPortStanzas } from '../../network/render/vrp.js';
import { buildTopology } from '../../network/topology.js';
import type { Topology } from '../../network/types.js';
import { portAdminState, portAdminViolations, type PortStanzaRenderer } from './port-admin-state.js';

let topology: Topology;
beforeAll(async () => {
  topology = buildTopology(await loadInventory());
});

/** The real renderer with one line dropped on one device, as a renderer bug would. */
const dropping =
  (device: string, line: string): PortStanzaRenderer =>
  (t, d) =>
    vrpPortStanzas(t, d).filter((l) => d.id !== device || l.text !== line);

describe('NET-164: used ports up, unused ports shut (rendered VRP)', () => {
  it('passes on the default province', () => {
    expect(portAdminState.id).toBe('NET-164');
    expect(portAdminState.severity).toBe('hard');
    expect(portAdminState.check({ topology })).toEqual([]);
  });

  it('fails when the renderer drops `undo shutdown`', () => {
    const v = portAdminViolations(topology, dropping('xian.yanta.t01-r1', ' undo shutdown'));
    expect(v.map((x) => x.message)).toEqual([
      'xian.yanta.t01-r1 GigabitEthernet0/0/0 (lan0, lan) does not state `undo shutdown`: it stays down on a router whose ports ship shut',
      'xian.yanta.t01-r1 GigabitEthernet1/0/0 (up0, uplink) does not state `undo shutdown`: it stays down on a router whose ports ship shut',
      'xian.yanta.t01-r1 GigabitEthernet1/0/1 (up1, uplink) does not state `undo shutdown`: it stays down on a router whose ports ship shut',
    ]);
    expect(v.every((x) => x.resource === 'device:xian.yanta.t01-r1')).toBe(true);
  });

  it('fails when the renderer drops `shutdown` on unused ports', () => {
    const v = portAdminViolations(topology, dropping('shaanxi-exit2', ' shutdown'));
    expect(v).toHaveLength(topology.devices.find((d) => d.id === 'shaanxi-exit2')!.hardware!.unusedPorts.length);
    expect(v[0]!.message).toMatch(/^shaanxi-exit2 GigabitEthernet0\/0\/0 carries no link but is not shut down \(NE40E-X3A, hardware\.yaml\)$/);
  });

  it('fails on a used port rendered shut, and on a port the model does not have', () => {
    const shut: PortStanzaRenderer = (t, d) =>
      vrpPortStanzas(t, d).map((l) => (d.id === 'xian-r1' && l.text === ' undo shutdown' && l.iface === 'peer0' ? { ...l, text: ' shutdown' } : l));
    expect(portAdminViolations(topology, shut).map((x) => x.message)).toEqual([
      expect.stringMatching(/^xian-r1 XGigabitEthernet1\/0\/\d+ \(peer0, peer\) is shut \(line \d+\)/),
    ]);
    const extra: PortStanzaRenderer = (t, d) => [
      ...vrpPortStanzas(t, d),
      ...(d.id === 'xian-r1' ? [{ text: 'interface XGigabitEthernet9/0/0' }, { text: ' shutdown' }] : []),
    ];
    expect(portAdminViolations(topology, extra).map((x) => x.message)).toEqual([
      'xian-r1 XGigabitEthernet9/0/0 is not a port of its model NE40E-X3A (hardware.yaml)',
    ]);
  });
});
