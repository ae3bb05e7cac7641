import { describe, expect, it } from 'vitest';
import { fixtureTopology } from '../../test/support/fixture.js';
import { renderVrp, vrpLineCounts } from './vrp.js';
import { vrpInterfaceNames, vrpPortType } from './vrp-names.js';

const topology = fixtureTopology();
const device = (id: string) => topology.devices.find((d) => d.id === id)!;

/** Lines of one VRP view, from its header to the next `#`. */
function view(config: string, header: string): string[] {
  const lines = config.split('\n');
  const start = lines.indexOf(header);
  expect(start, `${header} present`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('#', start);
  return lines.slice(start, end);
}

describe('VRP interface names', () => {
  it('maps by bandwidth and role, in natural order', () => {
    expect(vrpPortType(200)).toBe('GigabitEthernet');
    expect(vrpPortType(1000)).toBe('GigabitEthernet');
    expect(vrpPortType(2000)).toBe('XGigabitEthernet');
    expect(vrpPortType(10000)).toBe('XGigabitEthernet');
    expect(vrpPortType(100000)).toBe('100GE');
    const names = vrpInterfaceNames(device('xian-r1'));
    expect(names.get('lan0')).toBe('GigabitEthernet0/0/0');
    expect(names.get('peer0')).toBe('XGigabitEthernet1/0/0');
    expect(names.get('up1')).toBe('XGigabitEthernet1/0/1');
    expect(vrpInterfaceNames(device('xian-r2')).get('up2')).toBe('XGigabitEthernet1/0/1');
    expect(names.get('dn0')).toBe('XGigabitEthernet2/0/0'); // 2G circuit on a 10GE port
    const exit = vrpInterfaceNames(device('shaanxi-exit1'));
    expect(exit.get('core1')).toBe('XGigabitEthernet1/0/0');
    expect(exit.get('inet0')).toBe('XGigabitEthernet1/0/2');
    expect(vrpInterfaceNames(device('shaanxi-r1')).get('ex1')).toMatch(/^XGigabitEthernet2\/0\/\d+$/);
  });

  it('gives every interface of every device a distinct port', () => {
    for (const d of topology.devices) {
      const ports = [...vrpInterfaceNames(d).values()];
      expect(new Set(ports).size).toBe(d.interfaces.length);
    }
  });
});

describe('renderVrp', () => {
  it('renders a city core: dotted masks, ipv6 enable, network statements with wildcards per area', () => {
    const config = renderVrp(topology, 'xian-r1');
    const d = device('xian-r1');
    expect(config.startsWith('#\nsysname xian-r1\n#\nipv6\n#\n')).toBe(true);
    const up = view(config, 'interface XGigabitEthernet1/0/1');
    const up1 = d.interfaces.find((i) => i.name === 'up1')!;
    expect(up).toContain(' ipv6 enable');
    expect(up).toContain(` ip address ${up1.ipv4!.split('/')[0]} 255.255.255.254`);
    expect(up).toContain(` ipv6 address ${up1.ipv6}`);
    expect(up).toContain(' ospf network-type p2p');
    expect(up).toContain(' ospfv3 1 area 0.0.0.0');
    expect(up).toContain(' ospf cost 10');
    const lan = view(config, 'interface GigabitEthernet0/0/0');
    expect(lan).toContain(' ip address ' + d.interfaces.find((i) => i.name === 'lan0')!.ipv4!.split('/')[0] + ' 255.255.255.128');
    expect(lan).toContain(' ospfv3 1 area 0.0.0.0'); // OSPFv3 runs in one area (common.ts ospfv3Area)
    expect(lan).not.toContain(' ospf network-type p2p');
    const lo = view(config, 'interface LoopBack0');
    expect(lo).toContain(` ip address ${d.routerId} 255.255.255.255`);
    expect(lo).toContain(` ipv6 address ${d.loopback.ipv6}`);

    const ospf = view(config, `ospf 1 router-id ${d.routerId}`);
    expect(ospf).toContain(' silent-interface GigabitEthernet0/0/0');
    expect(ospf).toContain(' bandwidth-reference 100000');
    const backbone = ospf.indexOf(' area 0.0.0.0');
    const city = ospf.indexOf(' area 0.0.0.1');
    expect(backbone).toBeGreaterThan(0);
    expect(city).toBeGreaterThan(backbone);
    const up1Net = topology.links.find((l) => l.id === up1.link)!.subnet.ipv4.split('/')[0];
    expect(ospf.slice(backbone, city)).toContain(`  network ${up1Net} 0.0.0.1`);
    expect(ospf.slice(city)).toContain(`  network ${d.routerId} 0.0.0.0`);
    expect(ospf.slice(city)).toContain(`  network ${topology.sites.find((s) => s.id === 'xian')!.lan.ipv4.split('/')[0]} 0.0.0.127`);
    const v3 = view(config, 'ospfv3 1');
    expect(v3).toEqual(expect.arrayContaining([` router-id ${d.routerId}`, ' silent-interface GigabitEthernet0/0/0', ' area 0.0.0.0']));
    expect(v3).not.toContain(' area 0.0.0.1');
    expect(config).not.toContain('default-route-advertise');
    expect(config.trimEnd().endsWith('return')).toBe(true);
  });

  it('renders a township in its city area only (OSPFv3: the one area), 200M circuits on GE ports', () => {
    const config = renderVrp(topology, 'xian.yanta.t01-r1');
    const areas = (re: RegExp) => new Set([...config.matchAll(re)].map((m) => m[1]));
    expect(areas(/^ area (\d+\.\d+\.\d+\.\d+)$/gm)).toEqual(new Set(['0.0.0.1', '0.0.0.0'])); // ospf 1's city area, ospfv3 1's backbone
    expect(areas(/ ospfv3 1 area (\S+)/g)).toEqual(new Set(['0.0.0.0']));
    expect(config).toContain('interface GigabitEthernet1/0/0');
    expect(config).toContain(' ospf cost 500');
  });

  it('advertises the default only on the exits and routes it to the hand-off peer', () => {
    const exit = renderVrp(topology, 'shaanxi-exit2');
    expect(exit).toContain(' default-route-advertise cost 100 type 2');
    // Without `always`: the standby advertises only while its own static towards the upstream is active.
    expect(exit).not.toContain('always');
    expect(exit.match(/default-route-advertise/g)).toHaveLength(2);
    expect(exit).toContain('ip route-static 0.0.0.0 0.0.0.0 XGigabitEthernet1/0/2 198.51.100.4');
    expect(exit).toContain('ipv6 route-static :: 0 XGigabitEthernet1/0/2 3fff::4');
    // The internet hand-off is outside OSPF: no network statement covers 198.51.100.x.
    expect(exit).not.toMatch(/network 198\.51\.100/);
    expect(renderVrp(topology, 'dept.finance-r1')).not.toContain('default-route-advertise');
  });

  it('renders a department in the backbone area', () => {
    const config = renderVrp(topology, 'dept.finance-r1');
    const ospf = view(config, `ospf 1 router-id ${device('dept.finance-r1').routerId}`);
    expect(ospf.filter((l) => l.startsWith(' area '))).toEqual([' area 0.0.0.0']);
  });

  it('adds fast hello/dead timers on adjacencies when asked', () => {
    const fast = renderVrp(topology, 'xian-r1', { fastTimers: true });
    expect(view(fast, 'interface XGigabitEthernet1/0/1')).toEqual(
      expect.arrayContaining([' ospf timer hello 1', ' ospf timer dead 3', ' ospfv3 timer hello 1', ' ospfv3 timer dead 3']),
    );
    expect(view(fast, 'interface GigabitEthernet0/0/0').join('\n')).not.toContain('timer');
    expect(renderVrp(topology, 'xian-r1')).not.toContain('timer hello');
  });

  it('counts lines per interface including its network and silent-interface lines', () => {
    const counts = vrpLineCounts(topology, 'xian-r1');
    const config = renderVrp(topology, 'xian-r1');
    expect(counts.total).toBe(config.split('\n').filter((l) => l && l !== '#').length);
    // lan0: its stanza + silent-interface in ospf and in ospfv3 + one network statement.
    expect(counts.byInterface.lan0).toBe(view(config, 'interface GigabitEthernet0/0/0').length + 3);
  });
});

describe('renderVrp: the physical ports of the router model (hardware.yaml)', () => {
  it('brings every used port up and shuts every other port of the model, in port order', async () => {
    const { loadInventory } = await import('../../inventory/load.js');
    const { buildTopology } = await import('../topology.js');
    const full = buildTopology(await loadInventory());
    const township = full.devices.find((d) => d.id === 'xian.yanta.t01-r1')!;
    expect(township.hardware).toEqual({
      model: 'AR6280',
      unusedPorts: ['GigabitEthernet0/0/1', 'GigabitEthernet0/0/2', 'GigabitEthernet0/0/3', 'GigabitEthernet1/0/2', 'GigabitEthernet1/0/3'],
    });
    const config = renderVrp(full, township.id);
    const headers = config.split('\n').filter((l) => /^interface (Gigabit|XGigabit)/.test(l));
    expect(headers).toEqual(
      [0, 1, 2, 3].flatMap((n) => [`interface GigabitEthernet0/0/${n}`]).concat([0, 1, 2, 3].map((n) => `interface GigabitEthernet1/0/${n}`)),
    );
    expect(view(config, 'interface GigabitEthernet0/0/1')).toEqual(['interface GigabitEthernet0/0/1', ' shutdown']);
    expect(view(config, 'interface GigabitEthernet1/0/0')).toContain(' undo shutdown');
    const core = full.devices.find((d) => d.id === 'shaanxi-r1')!;
    const coreConfig = renderVrp(full, core.id);
    // 72 ports on the province core's downlink cards: 55 used, 17 shut (XGigabitEthernet2/1/x among them)
    expect(coreConfig.split('\n').filter((l) => l.startsWith('interface XGigabitEthernet2/'))).toHaveLength(72);
    expect(view(coreConfig, `interface ${core.hardware!.unusedPorts.at(-1)}`)).toEqual([`interface XGigabitEthernet2/1/23`, ' shutdown']);
  });
});
