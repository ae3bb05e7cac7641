import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../topology.js';
import type { Topology } from '../types.js';
import { fixtureTopology } from '../../test/support/fixture.js';
import { DIALECTS, DIALECT_IDS } from './index.js';

describe('DIALECTS', () => {
  it('offers the same operations for every dialect', () => {
    expect(DIALECT_IDS).toEqual(['frr', 'vrp']);
    const t = fixtureTopology();
    for (const id of DIALECT_IDS) {
      const d = DIALECTS[id];
      expect(d.fileExtension).toMatch(/^[a-z]+$/);
      const text = d.render(t, 'xian-r1');
      expect(text.length).toBeGreaterThan(100);
      expect(d.lineCounts(t, 'xian-r1').total).toBeGreaterThan(20);
    }
    const device = t.devices.find((x) => x.id === 'xian-r1')!;
    expect(DIALECTS.frr.interfaceName(device, 'up1')).toBe('up1');
    expect(DIALECTS.vrp.interfaceName(device, 'up1')).toBe('XGigabitEthernet1/0/1');
  });
});

describe('rendering the default province (buildTopology)', () => {
  let topology: Topology;
  beforeAll(async () => {
    topology = buildTopology(await loadInventory());
  });

  it('renders every device in both dialects, each once per hostname', () => {
    for (const id of DIALECT_IDS) {
      const hostnames = new Set<string>();
      for (const device of topology.devices) {
        const text = DIALECTS[id].render(topology, device.id);
        expect(text).toContain(device.hostname);
        hostnames.add(device.hostname);
      }
      expect(hostnames.size).toBe(topology.devices.length);
    }
  });

  it('places every OSPF interface in its link area or its device area', () => {
    const links = new Map(topology.links.map((l) => [l.id, l]));
    for (const device of topology.devices.filter((d) => d.site === 'xian' || d.site.startsWith('xian.') || d.role === 'exit')) {
      const config = DIALECTS.frr.render(topology, device.id);
      for (const iface of device.interfaces) {
        const stanza = config.slice(config.indexOf(`interface ${iface.name}\n`)).split('\nexit')[0]!;
        const want = iface.kind === 'internet' ? undefined : iface.link ? links.get(iface.link)!.area : device.area;
        if (want === undefined) expect(stanza).not.toContain('ospf');
        else expect(stanza).toContain(` ip ospf area ${want}\n`);
      }
    }
  });
});
