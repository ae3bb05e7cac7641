import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../inventory/load.js';
import { buildTopology } from './topology.js';
import { publishedServiceVips, requiredServiceTargets } from './services.js';
import { DIALECTS } from './render/index.js';
import type { Topology } from './types.js';

let topology: Topology;
beforeAll(async () => {
  topology = buildTopology(await loadInventory());
});

describe('published services of the default province', () => {
  it('lists each cloud’s VIPs in both families, inside the provider network its hosting router advertises', () => {
    const vips = publishedServiceVips(topology);
    expect([...vips.keys()].slice(0, 2)).toEqual(['provincial', 'xian']);
    const provincial = vips.get('provincial')!;
    expect(provincial.map((t) => `${t.service} ${t.family}`)).toEqual([
      'provincial/zwfw-portal ipv4',
      'provincial/zwfw-portal ipv6',
      'provincial/open-data ipv4',
      'provincial/open-data ipv6',
    ]);
    for (const t of [...vips.values()].flat()) {
      const net = topology.attached!.find((a) => a.owner === t.owner && a.role === 'provider')!;
      expect(net.device).toBe(t.device);
      const dev = topology.devices.find((d) => d.id === t.device)!;
      expect(dev.interfaces.find((i) => i.name === net.interface)).toMatchObject({ kind: 'cloud', passive: true });
    }
  });

  it('a township must reach the provincial cloud and its own city cloud', () => {
    const t = requiredServiceTargets(topology, 'baoji.weibin.t01');
    expect([...new Set(t.map((x) => x.service))]).toEqual(['provincial/zwfw-portal', 'provincial/open-data', 'baoji/portal']);
  });

  it('both dialects carry the clouds’ prefixes as passive OSPF interfaces, in both families', () => {
    const net = topology.attached!.find((a) => a.pool === 'cloud/provincial/tenants')!;
    const frr = DIALECTS.frr.render(topology, net.device);
    const stanza = frr.slice(frr.indexOf(`interface ${net.interface}\n`)).split('exit')[0]!;
    expect(stanza).toContain(` ip address ${net.prefixes.ipv4.replace(/\.0\//, '.1/')}`);
    expect(stanza).toMatch(/ ipv6 address \S+::1\/56/);
    expect(stanza).toContain(' ip ospf area 0.0.0.0');
    expect(stanza).toContain(' ip ospf passive');
    expect(stanza).toContain(' ipv6 ospf6 passive');
    const vrp = DIALECTS.vrp.render(topology, net.device);
    const port = DIALECTS.vrp.interfaceName(topology.devices.find((d) => d.id === net.device)!, net.interface);
    expect(port).toMatch(/^XGigabitEthernet3\/0\/\d+$/);
    expect(vrp).toContain(` silent-interface ${port}`);
    expect(vrp).toContain(`  network ${net.prefixes.ipv4.split('/')[0]} 0.0.63.255`);
    expect(vrp.slice(vrp.indexOf(`\ninterface ${port}\n`) + 1)).toMatch(
      /^interface \S+\n description [^\n]*\n undo shutdown\n ipv6 enable\n ip address 10\.\S+ 255\.255\.192\.0\n ipv6 address \S+\n ospf cost \d+\n ospfv3 1 area 0\.0\.0\.0/,
    );
  });
});
