import { describe, expect, it } from 'vitest';
import type { DeviceRib } from './rib.js';
import type { Topology } from '../../types.js';
import { townshipsReachServices, townshipsReachServicesUnderFailures } from './service-reach.js';

const dual = (v4: string, v6: string) => ({ ipv4: v4, ipv6: v6 });
const site = (id: string, level: Topology['sites'][number]['level'], parent?: string) => ({
  id,
  name: id,
  level,
  parent,
  areaSite: 'p',
  children: [],
  legacy: [],
  block: dual('10.0.0.0/8', '2001:db8::/32'),
  infra: dual('10.0.0.0/24', '2001:db8::/56'),
  lan: dual('10.0.0.0/25', '2001:db8::/64'),
});
const device = (id: string, s: string) => ({
  id,
  site: s,
  role: 'access' as const,
  index: 1,
  hostname: id,
  routerId: '10.0.0.1',
  loopback: dual('10.0.0.1/32', '2001:db8::1/128'),
  area: '0.0.0.0',
  interfaces: [],
  originatesDefault: false,
});
const topology = {
  province: { id: 'p', name: 'p' },
  sites: [site('p', 'province'), site('c', 'city', 'p'), site('c.k', 'county', 'c'), site('c.k.t01', 'township', 'c.k'), site('dc.x', 'datacenter', 'p')],
  devices: [device('t-r1', 'c.k.t01'), device('k-r1', 'c.k'), device('dc-r1', 'dc.x')],
  links: [],
  tiers: [],
  exit: { site: 'p', primary: '', standby: '', bandwidthMbps: 0, upstream: dual('', ''), handoffs: [] },
  supernets: dual('10.0.0.0/8', '2001:db8::/32'),
  services: [
    {
      id: 'provincial/portal',
      owner: 'cloud:provincial',
      cloudKind: 'provincial',
      name: 'portal',
      protocol: 'HTTPS' as const,
      port: 443,
      site: 'dc.x',
      device: 'dc-r1',
      vip: dual('10.0.49.128', '2001:db8:0:2900:8000::'),
      audience: { kind: 'province' as const },
    },
  ],
} satisfies Topology;

const ribs = (mid: 'ok' | 'missing' | 'loop'): DeviceRib[] =>
  (['ipv4', 'ipv6'] as const).flatMap((family) => {
    const net = family === 'ipv4' ? '10.0.49.0/24' : '2001:db8:0:2900::/64';
    const hop = (neighbour: string) => [{ interface: 'up0', neighbour }];
    return [
      {
        device: 't-r1',
        family,
        routes: [{ prefix: family === 'ipv4' ? '0.0.0.0/0' : '::/0', protocol: 'ospf-external-2' as const, metric: 10, nextHops: hop('k-r1') }],
      },
      {
        device: 'k-r1',
        family,
        routes: mid === 'missing' ? [] : [{ prefix: net, protocol: 'ospf-intra' as const, metric: 10, nextHops: hop(mid === 'loop' ? 't-r1' : 'dc-r1') }],
      },
      { device: 'dc-r1', family, routes: [{ prefix: net, protocol: 'connected' as const, metric: 0, nextHops: [{ interface: 'cl0p' }] }] },
    ];
  });

describe('townships reach the published service VIPs over computed RIBs', () => {
  it('passes when every hop forwards towards the hosting router', () => {
    expect(townshipsReachServices(topology, ribs('ok'))).toEqual([]);
  });

  it('names the township, the VIP, the reason and the path when a hop has no route or loops', () => {
    const missing = townshipsReachServices(topology, ribs('missing'));
    expect(missing.map((f) => `${f.from} ${f.target.address} ${f.reason} ${f.path.join('>')}`)).toEqual([
      't-r1 10.0.49.128 k-r1 has no route to 10.0.49.128 t-r1>k-r1',
      't-r1 2001:db8:0:2900:8000:: k-r1 has no route to 2001:db8:0:2900:8000:: t-r1>k-r1',
    ]);
    expect(townshipsReachServices(topology, ribs('loop'))[0]!.reason).toBe('forwarding loop at t-r1');
  });

  it('asks again under each failure, with the failed device neither source nor target', () => {
    const found = townshipsReachServicesUnderFailures(topology, ['link:a', 'device:dc-r1'], (f) => ribs(f === 'link:a' ? 'missing' : 'missing'));
    expect(found.map((f) => f.failure)).toEqual(['link:a', 'link:a']);
  });
});
