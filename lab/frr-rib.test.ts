/**
 * The FRR side of the differential check, on output captured from a lab township router
 * (xian.xincheng.t01-r1, FRR 8.4.4; fields zebra prints that the reader does not use are left out).
 */
import { describe, expect, it } from 'vitest';
import { normalizeFrrRib, ospfPathTypes, splitVtyshOutputs, type NeighbourResolver } from './frr-rib.js';

const ROUTES_V4 = JSON.stringify({
  '0.0.0.0/0': [
    {
      prefix: '0.0.0.0/0',
      protocol: 'ospf',
      selected: true,
      distance: 110,
      metric: 100,
      installed: true,
      nexthops: [
        { fib: true, ip: '10.15.65.128', afi: 'ipv4', interfaceName: 'up0', active: true },
        { fib: true, ip: '10.15.65.130', afi: 'ipv4', interfaceName: 'up1', active: true },
      ],
    },
  ],
  '10.0.0.193/32': [
    {
      prefix: '10.0.0.193/32',
      protocol: 'ospf',
      selected: true,
      distance: 110,
      metric: 560,
      installed: true,
      nexthops: [{ fib: true, ip: '10.15.65.128', afi: 'ipv4', interfaceName: 'up0', active: true }],
    },
  ],
  '10.15.65.128/31': [
    { prefix: '10.15.65.128/31', protocol: 'ospf', distance: 110, metric: 500, nexthops: [{ directlyConnected: true, interfaceName: 'up0', active: true }] },
    {
      prefix: '10.15.65.128/31',
      protocol: 'connected',
      selected: true,
      distance: 0,
      metric: 0,
      installed: true,
      nexthops: [{ fib: true, directlyConnected: true, interfaceName: 'up0', active: true }],
    },
  ],
  '169.254.116.16/31': [
    {
      prefix: '169.254.116.16/31',
      protocol: 'connected',
      selected: true,
      distance: 0,
      metric: 0,
      installed: true,
      nexthops: [{ fib: true, directlyConnected: true, interfaceName: 'mgmt0', active: true }],
    },
  ],
});
const OSPF_V4 = JSON.stringify({
  '0.0.0.0/0': {
    routeType: 'N E2',
    cost: 570,
    type2cost: 100,
    tag: 0,
    nexthops: [
      { ip: '10.15.65.128', via: 'up0' },
      { ip: '10.15.65.130', via: 'up1' },
    ],
  },
  '10.0.0.193/32': { routeType: 'N IA', cost: 560, area: '10.14.0.0', nexthops: [{ ip: '10.15.65.128', via: 'up0' }] },
  '10.15.65.128/31': { routeType: 'N', cost: 500, area: '10.14.0.0', nexthops: [{ ip: ' ', directlyAttachedTo: 'up0' }] },
  '10.0.0.196': { routeType: 'R ', cost: 570, area: '10.14.0.0', routerType: 'asbr', nexthops: [{ ip: '10.15.65.128', via: 'up0' }] },
});
const ROUTES_V6 = JSON.stringify({
  '::/0': [
    {
      prefix: '::/0',
      protocol: 'ospf6',
      selected: true,
      distance: 110,
      metric: 100,
      installed: true,
      nexthops: [{ fib: true, ip: 'fe80::641e:e4ff:fec8:4f59', afi: 'ipv6', interfaceName: 'up1', active: true }],
    },
  ],
  '2001:db8:700:2::10/127': [
    {
      prefix: '2001:db8:700:2::10/127',
      protocol: 'ospf6',
      selected: true,
      distance: 110,
      metric: 560,
      installed: true,
      nexthops: [
        { fib: true, ip: 'fe80::641e:e4ff:fec8:4f59', afi: 'ipv6', interfaceName: 'up1', active: true },
        { fib: true, ip: 'fe80::d8ee:7ff:fead:e1d0', afi: 'ipv6', interfaceName: 'up0', active: true },
      ],
    },
  ],
  '2001:db8:70a:101::1/128': [
    {
      prefix: '2001:db8:70a:101::1/128',
      protocol: 'ospf6',
      distance: 110,
      metric: 10,
      nexthops: [{ directlyConnected: true, interfaceName: 'lo', active: true }],
    },
    {
      prefix: '2001:db8:70a:101::1/128',
      protocol: 'connected',
      selected: true,
      distance: 0,
      metric: 0,
      installed: true,
      nexthops: [{ fib: true, directlyConnected: true, interfaceName: 'lo', active: true }],
    },
  ],
  'fe80::/64': [
    {
      prefix: 'fe80::/64',
      protocol: 'connected',
      distance: 0,
      metric: 0,
      installed: true,
      nexthops: [{ fib: true, directlyConnected: true, interfaceName: 'up0', active: true }],
    },
    {
      prefix: 'fe80::/64',
      protocol: 'connected',
      selected: true,
      distance: 0,
      metric: 0,
      installed: true,
      nexthops: [{ fib: true, directlyConnected: true, interfaceName: 'lan0-p', active: true }],
    },
  ],
});
// `show ipv6 ospf6 route` (text): the best entry of each prefix starts with `*`.
const OSPF_V6 = [
  '*N E2 ::/0                           fe80::641e:e4ff:fec8:4f59    up1 00:20:07',
  ' N E2 ::/0                           fe80::641e:e4ff:fec8:4f59    up1 00:20:06',
  '*N IE 2001:db8::/64                  fe80::d8ee:7ff:fead:e1d0     up0 00:20:07',
  ' N IA 2001:db8::/64                  fe80::641e:e4ff:fec8:4f59    up1 00:20:06',
  '*N IA 2001:db8:700:2::10/127         fe80::d8ee:7ff:fead:e1d0     up0 00:20:07',
  '                                     fe80::641e:e4ff:fec8:4f59    up1 ',
  '*N IA 2001:db8:70a:101::1/128        ::                            lo 00:20:08',
].join('\n');

const OWNERS: Record<string, string> = {
  '10.15.65.128': 'xian.xincheng-r1',
  '10.15.65.130': 'xian.xincheng-r2',
  'fe80::d8ee:7ff:fead:e1d0': 'xian.xincheng-r1',
  'fe80::641e:e4ff:fec8:4f59': 'xian.xincheng-r2',
};
const resolve: NeighbourResolver = (_family, _iface, address) => OWNERS[address];

describe('normalizeFrrRib', () => {
  it('keeps the selected route per prefix with its ECMP next hops, OSPF path types from ospfd', () => {
    const { rib, ignored } = normalizeFrrRib('xian.xincheng.t01-r1', 'ipv4', ROUTES_V4, OSPF_V4, resolve);
    expect(rib).toEqual({
      device: 'xian.xincheng.t01-r1',
      family: 'ipv4',
      routes: [
        {
          prefix: '0.0.0.0/0',
          protocol: 'ospf-external-2',
          metric: 100,
          nextHops: [
            { interface: 'up0', via: '10.15.65.128', neighbour: 'xian.xincheng-r1' },
            { interface: 'up1', via: '10.15.65.130', neighbour: 'xian.xincheng-r2' },
          ],
        },
        { prefix: '10.0.0.193/32', protocol: 'ospf-inter', metric: 560, nextHops: [{ interface: 'up0', via: '10.15.65.128', neighbour: 'xian.xincheng-r1' }] },
        // the connected route wins over OSPF's own copy of the subnet
        { prefix: '10.15.65.128/31', protocol: 'connected', metric: 0, nextHops: [{ interface: 'up0' }] },
      ],
    });
    expect(ignored).toEqual([{ prefix: '169.254.116.16/31', protocol: 'connected', why: 'management' }]);
  });

  it('names IPv6 next hops by interface and the device holding the link-local address, without the address', () => {
    const { rib, ignored } = normalizeFrrRib('xian.xincheng.t01-r1', 'ipv6', ROUTES_V6, OSPF_V6, resolve);
    expect(rib.routes).toEqual([
      { prefix: '::/0', protocol: 'ospf-external-2', metric: 100, nextHops: [{ interface: 'up1', neighbour: 'xian.xincheng-r2' }] },
      {
        prefix: '2001:db8:700:2::10/127',
        protocol: 'ospf-intra',
        metric: 560,
        nextHops: [
          { interface: 'up0', neighbour: 'xian.xincheng-r1' },
          { interface: 'up1', neighbour: 'xian.xincheng-r2' },
        ],
      },
      { prefix: '2001:db8:70a:101::1/128', protocol: 'connected', metric: 0, nextHops: [{ interface: 'lo' }] },
    ]);
    expect(ignored).toEqual([{ prefix: 'fe80::/64', protocol: 'connected', why: 'link-local' }]);
  });

  it('takes the best OSPFv3 entry of a prefix, not the last one listed', () => {
    expect(ospfPathTypes('ipv6', OSPF_V6).get('2001:db8::/64')).toBe('ospf-inter');
    expect([...ospfPathTypes('ipv4', OSPF_V4).keys()]).toEqual(['0.0.0.0/0', '10.0.0.193/32', '10.15.65.128/31']);
  });

  it('drops inactive and duplicate next hops, turns a blackhole into a discard route, sets kernel routes aside', () => {
    const table = JSON.stringify({
      '10.9.0.0/24': [
        {
          protocol: 'ospf',
          selected: true,
          metric: 20,
          nexthops: [
            { ip: '10.15.65.128', interfaceName: 'up0', active: true },
            { ip: '10.15.65.130', interfaceName: 'up1', active: false },
            { ip: '10.15.65.128', interfaceName: 'up0', active: true, duplicate: true },
          ],
        },
      ],
      '10.9.1.0/24': [{ protocol: 'static', selected: true, metric: 0, nexthops: [{ blackhole: true, active: true }] }],
      '10.9.2.0/24': [{ protocol: 'kernel', selected: true, metric: 0, nexthops: [{ ip: '10.15.65.128', interfaceName: 'up0', active: true }] }],
      '10.9.3.0/24': [{ protocol: 'ospf', metric: 20, nexthops: [{ ip: '10.15.65.128', interfaceName: 'up0', active: true }] }],
    });
    const ospf = JSON.stringify({ '10.9.0.0/24': { routeType: 'N' } });
    const { rib, ignored } = normalizeFrrRib('t', 'ipv4', table, ospf, resolve);
    expect(rib.routes).toEqual([
      { prefix: '10.9.0.0/24', protocol: 'ospf-intra', metric: 20, nextHops: [{ interface: 'up0', via: '10.15.65.128', neighbour: 'xian.xincheng-r1' }] },
      { prefix: '10.9.1.0/24', protocol: 'static', metric: 0, nextHops: [] },
    ]);
    expect(ignored).toEqual([{ prefix: '10.9.2.0/24', protocol: 'kernel', why: 'kernel' }]);
  });

  it("keeps zebra's protocol when the OSPF daemon's table does not explain a route (so the comparison shows it)", () => {
    const table = JSON.stringify({
      '10.9.0.0/24': [{ protocol: 'ospf', selected: true, metric: 20, nexthops: [{ ip: '10.15.65.128', interfaceName: 'up0', active: true }] }],
    });
    expect(normalizeFrrRib('t', 'ipv4', table, '{}', resolve).rib.routes[0]!.protocol).toBe('ospf');
  });
});

describe('splitVtyshOutputs', () => {
  it('splits the outputs of several -c commands of one vtysh run', () => {
    const out = `${ROUTES_V4}\n{"a":{"b":"}{\\"x"}}\n${OSPF_V4}${OSPF_V6}\n`;
    const { json, rest } = splitVtyshOutputs(out, 3);
    expect(json.map((j) => JSON.parse(j))).toEqual([JSON.parse(ROUTES_V4), { a: { b: '}{"x' } }, JSON.parse(OSPF_V4)]);
    expect(rest).toBe(`${OSPF_V6}\n`);
    expect(() => splitVtyshOutputs('{}', 2)).toThrow(/1 JSON documents, 2 expected/);
    expect(() => splitVtyshOutputs('{"a": {', 1)).toThrow(/inside a JSON document/);
  });
});
