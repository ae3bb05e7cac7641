import { describe, expect, it } from 'vitest';
import { fixtureTopology } from '../../test/support/fixture.js';
import { frrLineCounts, renderFrr } from './frr.js';

const topology = fixtureTopology();

/** The lines of one `interface NAME` stanza. */
function stanza(config: string, name: string): string[] {
  const lines = config.split('\n');
  const start = lines.indexOf(`interface ${name}`);
  expect(start, `interface ${name} present`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('exit', start);
  return lines.slice(start, end + 1);
}

describe('renderFrr', () => {
  it('renders a city core: hostname, both families, p2p uplinks in area 0, downlinks and LAN in the city area', () => {
    const config = renderFrr(topology, 'xian-r1');
    expect(config.startsWith('frr version 8.4.4\nfrr defaults traditional\nhostname xian-r1\n')).toBe(true);
    const device = topology.devices.find((d) => d.id === 'xian-r1')!;
    const up = stanza(config, 'up1');
    const upIface = device.interfaces.find((i) => i.name === 'up1')!;
    expect(up).toContain(` ip address ${upIface.ipv4}`);
    expect(up).toContain(` ipv6 address ${upIface.ipv6}`);
    expect(up).toContain(' ip ospf area 0.0.0.0');
    expect(up).toContain(' ipv6 ospf6 area 0.0.0.0');
    expect(up).toContain(' ip ospf network point-to-point');
    expect(up).toContain(' ipv6 ospf6 network point-to-point');
    expect(up).toContain(' ip ospf cost 10');
    const down = stanza(config, 'dn0');
    expect(down).toContain(' ip ospf area 0.0.0.1');
    expect(down).toContain(' ipv6 ospf6 area 0.0.0.0'); // OSPFv3 runs in one area (common.ts ospfv3Area)
    expect(down).toContain(' ip ospf cost 50');
    const lan = stanza(config, 'lan0');
    expect(lan).toContain(' ip ospf passive');
    expect(lan).toContain(' ipv6 ospf6 passive');
    expect(lan).not.toContain(' ip ospf network point-to-point');
    const lo = stanza(config, 'lo');
    expect(lo).toContain(` ip address ${device.loopback.ipv4}`);
    expect(lo).toContain(` ipv6 address ${device.loopback.ipv6}`);
    expect(lo).toContain(' ip ospf area 0.0.0.1');
    expect(config).toContain(`router ospf\n ospf router-id ${device.routerId}\n`);
    expect(config).toContain(`router ospf6\n ospf6 router-id ${device.routerId}\n`);
    expect(config).toContain(' auto-cost reference-bandwidth 100000');
    expect(config).not.toContain('default-information');
    expect(config).not.toMatch(/^ip route/m);
  });

  it('puts a township entirely in its city area for OSPFv2 and in the one OSPFv3 area, with 200M costs', () => {
    const config = renderFrr(topology, 'xian.yanta.t01-r1');
    const areas = (re: RegExp) => new Set([...config.matchAll(re)].map((m) => m[1]));
    expect(areas(/ ip ospf area (\S+)/g)).toEqual(new Set(['0.0.0.1']));
    expect(areas(/ ipv6 ospf6 area (\S+)/g)).toEqual(new Set(['0.0.0.0']));
    expect(stanza(config, 'up1')).toContain(' ip ospf cost 500');
    expect(stanza(config, 'up2')).toContain(' ipv6 ospf6 cost 500');
  });

  it('originates the default only on the exits, with their metric, and routes it to the upstream', () => {
    const primary = renderFrr(topology, 'shaanxi-exit1');
    const standby = renderFrr(topology, 'shaanxi-exit2');
    expect(primary).toContain(' default-information originate metric 10 metric-type 2');
    expect(standby).toContain(' default-information originate metric 100 metric-type 2');
    expect(primary.match(/default-information/g)).toHaveLength(2); // ospf and ospf6
    // The hand-off peer the model names is the next hop.
    expect(primary).toContain('ip route 0.0.0.0/0 198.51.100.2 inet0');
    expect(primary).toContain('ipv6 route ::/0 3fff::2 inet0');
    expect(standby).toContain('ip route 0.0.0.0/0 198.51.100.4 inet0');
    // The internet side is outside OSPF.
    expect(stanza(primary, 'inet0').join('\n')).not.toContain('ospf');
    for (const id of ['shaanxi-r1', 'dept.finance-r1', 'xian.yanta-r2']) expect(renderFrr(topology, id)).not.toContain('default-information');
  });

  it("conditions the OSPFv3 default on the exit's own upstream route (ospf6d 8.4 would count its own learned default)", () => {
    const primary = renderFrr(topology, 'shaanxi-exit1');
    const router6 = primary.slice(primary.indexOf('router ospf6'));
    expect(router6).toContain(' default-information originate metric 10 metric-type 2 route-map UPSTREAM-DEFAULT\n');
    expect(primary).toContain('route-map UPSTREAM-DEFAULT permit 10\n match interface inet0\nexit\n');
    expect(primary.indexOf('route-map UPSTREAM-DEFAULT permit')).toBeLessThan(primary.indexOf('router ospf6'));
    // ospfd needs no condition beyond the absent `always`.
    expect(primary.slice(primary.indexOf('router ospf\n'), primary.indexOf('router ospf6'))).not.toContain('route-map');
    expect(renderFrr(topology, 'shaanxi-r1')).not.toContain('route-map');
  });

  it('renders a department in the backbone area', () => {
    const config = renderFrr(topology, 'dept.finance-r1');
    const areas = [...config.matchAll(/ (?:ip ospf|ipv6 ospf6) area (\S+)/g)].map((m) => m[1]);
    expect(new Set(areas)).toEqual(new Set(['0.0.0.0']));
  });

  it('adds fast hello/dead timers on adjacencies only, and SPF/LSA throttles, when asked', () => {
    const slow = renderFrr(topology, 'xian-r1');
    const fast = renderFrr(topology, 'xian-r1', { fastTimers: true });
    expect(slow).not.toContain('hello-interval');
    expect(stanza(fast, 'up1')).toEqual(
      expect.arrayContaining([' ip ospf hello-interval 1', ' ip ospf dead-interval 3', ' ipv6 ospf6 hello-interval 1', ' ipv6 ospf6 dead-interval 3']),
    );
    expect(stanza(fast, 'lan0').join('\n')).not.toContain('hello-interval');
    expect(fast).toContain(' timers throttle spf 0 50 500');
  });

  it('is deterministic and sorts interfaces naturally', () => {
    expect(renderFrr(topology, 'shaanxi-r1')).toBe(renderFrr(fixtureTopology(), 'shaanxi-r1'));
    const names = [...renderFrr(topology, 'shaanxi-r1').matchAll(/^interface (\S+)/gm)].map((m) => m[1]);
    expect(names.slice(0, -1)).toEqual(['dn0', 'dn1', 'dn2', 'ex1', 'ex2', 'lan0', 'peer0']);
    expect(renderFrr(topology, 'shaanxi-r1')).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('counts lines per interface so a link change can be attributed', () => {
    const counts = frrLineCounts(topology, 'xian-r1');
    const nonSeparator = renderFrr(topology, 'xian-r1')
      .split('\n')
      .filter((l) => l && l !== '!').length;
    expect(counts.total).toBe(nonSeparator);
    expect(counts.byInterface.up1).toBe(stanza(renderFrr(topology, 'xian-r1'), 'up1').length);
  });

  it('rejects an unknown device id', () => {
    expect(() => renderFrr(topology, 'nowhere-r1')).toThrow(/no device "nowhere-r1"/);
  });
});
