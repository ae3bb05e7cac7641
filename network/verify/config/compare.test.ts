import { describe, expect, it } from 'vitest';
import { compareRibs, nextHopKey } from './compare.js';
import type { DeviceRib, RibRoute } from './rib.js';

const v4 = (device: string, routes: RibRoute[]): DeviceRib => ({ device, family: 'ipv4', routes });
const v6 = (device: string, routes: RibRoute[]): DeviceRib => ({ device, family: 'ipv6', routes });

const lo: RibRoute = { prefix: '10.0.0.1/32', protocol: 'connected', metric: 0, nextHops: [{ interface: 'lo' }] };
const ecmp: RibRoute = {
  prefix: '10.0.0.9/32',
  protocol: 'ospf-intra',
  metric: 20,
  nextHops: [
    { interface: 'up0', via: '10.1.0.0', neighbour: 'xian-r1' },
    { interface: 'up1', via: '10.1.0.2', neighbour: 'xian-r2' },
  ],
};
const def6: RibRoute = {
  prefix: '::/0',
  protocol: 'ospf-external-2',
  metric: 10,
  nextHops: [
    { interface: 'up0', neighbour: 'xian-r1' },
    { interface: 'up1', neighbour: 'xian-r2' },
  ],
};

describe('compareRibs', () => {
  it('agrees on identical RIBs, whatever the order of routes and ECMP next hops', () => {
    const shuffled: RibRoute = { ...ecmp, nextHops: [...ecmp.nextHops].reverse() };
    const r = compareRibs([v4('t1', [lo, ecmp]), v6('t1', [def6])], [v4('t1', [shuffled, lo]), v6('t1', [def6])]);
    expect(r.mismatches).toEqual([]);
    expect(r.totals).toEqual({ ipv4: { devices: 1, prefixes: 2, agreeing: 2 }, ipv6: { devices: 1, prefixes: 1, agreeing: 1 } });
  });

  it('compares prefixes in canonical form (RFC 5952, host bits cleared)', () => {
    const a: RibRoute = { ...def6, prefix: '2001:db8:0:0::/64' };
    const b: RibRoute = { ...def6, prefix: '2001:DB8::/64' };
    expect(compareRibs([v6('t1', [a])], [v6('t1', [b])]).mismatches).toEqual([]);
  });

  it('names the device, prefix and both answers for a route on one side only', () => {
    const r = compareRibs([v4('t1', [lo, ecmp])], [v4('t1', [lo])]);
    expect(r.mismatches).toHaveLength(1);
    const m = r.mismatches[0]!;
    expect(m).toMatchObject({ device: 't1', family: 'ipv4', prefix: '10.0.0.9/32', kind: 'route-missing', actual: undefined });
    expect(m.computed).toEqual({ protocol: 'ospf-intra', metric: 20, nextHops: ['up0 via 10.1.0.0 (xian-r1)', 'up1 via 10.1.0.2 (xian-r2)'] });
    expect(m.message).toBe(
      't1 10.0.0.9/32: only computed has a route — computed: ospf-intra cost 20 → up0 via 10.1.0.0 (xian-r1), up1 via 10.1.0.2 (xian-r2); FRR: no route',
    );
    const other = compareRibs([v4('t1', [lo])], [v4('t1', [lo, ecmp])]).mismatches[0]!;
    expect(other.message).toMatch(/only FRR has a route/);
    expect(other.computed).toBeUndefined();
  });

  it('finds a lost ECMP branch and says which next hop each side has alone', () => {
    const one: RibRoute = { ...ecmp, nextHops: [ecmp.nextHops[0]!] };
    const m = compareRibs([v4('t1', [ecmp])], [v4('t1', [one])]).mismatches;
    expect(m).toHaveLength(1);
    expect(m[0]!.kind).toBe('next-hops');
    expect(m[0]!.message).toContain('only computed: up1 via 10.1.0.2');
    const swapped: RibRoute = { ...ecmp, nextHops: [{ interface: 'up0', via: '10.1.0.4' }, ecmp.nextHops[1]!] };
    const s = compareRibs([v4('t1', [ecmp])], [v4('t1', [swapped])], { labels: { computed: 'verifier', actual: 'router' } }).mismatches[0]!;
    expect(s.message).toContain('only verifier: up0 via 10.1.0.0; only router: up0 via 10.1.0.4');
  });

  it('identifies IPv6 next hops by interface and neighbour device, not by any address', () => {
    const wrongNeighbour: RibRoute = { ...def6, nextHops: [def6.nextHops[0]!, { interface: 'up1', neighbour: 'xian-r1' }] };
    expect(compareRibs([v6('t1', [def6])], [v6('t1', [wrongNeighbour])]).mismatches.map((x) => x.kind)).toEqual(['next-hops']);
    // An IPv6 `via` (link-local on the wire) plays no part.
    const withVia: RibRoute = { ...def6, nextHops: def6.nextHops.map((h) => ({ ...h, via: 'fe80::1' })) };
    expect(compareRibs([v6('t1', [def6])], [v6('t1', [withVia])]).mismatches).toEqual([]);
    expect(nextHopKey('ipv6', 'ospf-intra', { interface: 'up0', via: 'fe80::1', neighbour: 'xian-r1' })).toBe('up0 to xian-r1');
    expect(nextHopKey('ipv4', 'connected', { interface: 'up0', via: '10.0.0.1', neighbour: 'xian-r1' })).toBe('up0');
  });

  it('reports a different protocol, and a different OSPF cost only for the same path type', () => {
    const inter: RibRoute = { ...ecmp, protocol: 'ospf-inter' };
    expect(compareRibs([v4('t1', [ecmp])], [v4('t1', [inter])]).mismatches.map((x) => [x.kind, x.message.split(' — ')[0]])).toEqual([
      ['protocol', 't1 10.0.0.9/32: different protocol'],
    ]);
    const dearer: RibRoute = { ...ecmp, metric: 30 };
    expect(compareRibs([v4('t1', [ecmp])], [v4('t1', [dearer])]).mismatches.map((x) => x.message.split(' — ')[0])).toEqual([
      't1 10.0.0.9/32: different cost (20 vs 30)',
    ]);
    // Connected and static routes carry no cost worth comparing.
    const staticA: RibRoute = { prefix: '0.0.0.0/0', protocol: 'static', metric: 0, nextHops: [{ interface: 'inet0', via: '198.51.100.2' }] };
    const staticB: RibRoute = { ...staticA, metric: 1 };
    expect(compareRibs([v4('x', [staticA])], [v4('x', [staticB])]).mismatches).toEqual([]);
  });

  it('treats an empty next-hop set as a discard route, distinct from a forwarding one', () => {
    const discard: RibRoute = { ...ecmp, nextHops: [] };
    const m = compareRibs([v4('t1', [discard])], [v4('t1', [ecmp])]).mismatches[0]!;
    expect(m.kind).toBe('next-hops');
    expect(m.message).toContain('computed: ospf-intra cost 20 → discard');
  });

  it('reports a device whose RIB one side lacks, per family', () => {
    const r = compareRibs([v4('t1', [lo]), v6('t1', [])], [v4('t1', [lo])]);
    expect(r.mismatches).toEqual([{ device: 't1', family: 'ipv6', kind: 'device-missing', message: 't1 [ipv6]: no RIB from FRR (computed has 0 routes)' }]);
    expect(r.totals.ipv6.devices).toBe(1);
  });

  it('accepts, where the computed route says the router keeps one of several paths, exactly one of them', () => {
    const [a, b] = def6.nextHops as [RibRoute['nextHops'][number], RibRoute['nextHops'][number]];
    const oneOf: RibRoute = { ...def6, installsOneOf: [[a], [b]] };
    expect(compareRibs([v6('t1', [oneOf])], [v6('t1', [{ ...def6, nextHops: [b] }])]).mismatches).toEqual([]);
    expect(compareRibs([v6('t1', [oneOf])], [v6('t1', [{ ...def6, nextHops: [a] }])]).mismatches).toEqual([]);
    // both (ECMP) is not what such a router does, nor a path that is not one of the groups
    const both = compareRibs([v6('t1', [oneOf])], [v6('t1', [def6])]).mismatches;
    expect(both.map((m) => m.message.split(' — ')[0])).toEqual([
      't1 ::/0: FRR installs none of the paths one of which it keeps ({up0 to xian-r1} or {up1 to xian-r2})',
    ]);
    const other = compareRibs([v6('t1', [oneOf])], [v6('t1', [{ ...def6, nextHops: [{ interface: 'peer0', neighbour: 't2' }] }])]).mismatches;
    expect(other.map((m) => m.kind)).toEqual(['next-hops']);
  });

  it('DialectBehaviour.ospfv3EcmpSubset: a non-empty subset of equal-cost next hops at the same cost agrees, listed as an allowance; anything else does not', () => {
    const computed: RibRoute = { ...def6, installsSubset: true };
    const one: RibRoute = { ...def6, nextHops: [def6.nextHops[0]!] };
    const r = compareRibs([v6('t1', [computed])], [v6('t1', [one])]);
    expect(r.mismatches).toEqual([]);
    expect(r.totals.ipv6).toEqual({ devices: 1, prefixes: 1, agreeing: 1 });
    expect(r.allowances).toEqual([expect.objectContaining({ device: 't1', family: 'ipv6', prefix: '::/0', behaviour: 'ospfv3EcmpSubset' })]);
    expect(r.allowances[0]!.message).toContain('without up1 to xian-r2');
    // no next hop, a different cost, a hop outside the set, or no such behaviour: mismatches
    const none: RibRoute = { ...def6, nextHops: [] };
    const dearer: RibRoute = { ...one, metric: 20 };
    const other: RibRoute = { ...def6, nextHops: [def6.nextHops[0]!, { interface: 'up2', neighbour: 'xian-r3' }] };
    for (const actual of [none, dearer, other]) {
      const m = compareRibs([v6('t1', [computed])], [v6('t1', [actual])]);
      expect(m.mismatches).toHaveLength(1);
      expect(m.allowances).toEqual([]);
    }
    expect(compareRibs([v6('t1', [def6])], [v6('t1', [one])]).mismatches.map((m) => m.kind)).toEqual(['next-hops']);
  });

  it('the FRR parser declares the behaviour; the VRP parser does not', async () => {
    const { parseFrr } = await import('../../render/frr-parse.js');
    const { parseVrp } = await import('../../render/vrp-parse.js');
    expect(parseFrr('hostname a\n').behaviour?.ospfv3EcmpSubset).toBe(true);
    expect(parseVrp('sysname a\n').behaviour?.ospfv3EcmpSubset).toBeUndefined();
  });
});
