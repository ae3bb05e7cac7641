/**
 * A small hand-built Topology for unit tests of renderers and the merge plan: province core (r1, r2,
 * exit1, exit2), two cities with their own OSPF areas, a county under Xi'an with a township, a
 * department on the province core and a data centre on a city. Addresses come from lib/ip so they are
 * valid; the shape mirrors what buildTopology produces (dual cores where a site has children, leaf
 * sites single-homed by device and dual-homed by link).
 */
import { hostIn, parsePrefix, subnet, formatPrefix } from '../../lib/ip.js';
import type { Device, DualStack, ExitHandoff, Interface, LegacyNetwork, Level, Link, Site, Topology } from '../../network/types.js';

interface SiteSpec {
  id: string;
  level: Level;
  parent?: string;
  area: string;
  legacy: LegacyNetwork[];
  legacyLan?: string;
  legacyLoopback?: string;
}

const SPECS: SiteSpec[] = [
  { id: 'shaanxi', level: 'province', area: '0.0.0.0', legacy: ['guowang', 'shengwang'], legacyLan: '172.16.0.0/24', legacyLoopback: '172.31.255.1/32' },
  {
    id: 'xian',
    level: 'city',
    parent: 'shaanxi',
    area: '0.0.0.1',
    legacy: ['guowang', 'shengwang'],
    legacyLan: '172.17.0.0/24',
    legacyLoopback: '172.31.1.1/32',
  },
  { id: 'yulin', level: 'city', parent: 'shaanxi', area: '0.0.0.2', legacy: ['shengwang'], legacyLan: '172.26.0.0/24' },
  {
    id: 'xian.yanta',
    level: 'county',
    parent: 'xian',
    area: '0.0.0.1',
    legacy: ['guowang', 'shengwang'],
    legacyLan: '172.17.6.0/24',
    legacyLoopback: '172.31.1.16/32',
  },
  { id: 'xian.yanta.t01', level: 'township', parent: 'xian.yanta', area: '0.0.0.1', legacy: ['shengwang'], legacyLan: '172.17.112.0/24' },
  { id: 'xian.yanta.t03', level: 'township', parent: 'xian.yanta', area: '0.0.0.1', legacy: [] },
  { id: 'dept.finance', level: 'department', parent: 'shaanxi', area: '0.0.0.0', legacy: ['guowang'] },
  { id: 'dc.yulin-dc', level: 'datacenter', parent: 'yulin', area: '0.0.0.2', legacy: [] },
];

const BW: Partial<Record<Level, number>> = { city: 10000, county: 2000, township: 200, department: 2000, datacenter: 10000 };

export function fixtureTopology(): Topology {
  const v4 = parsePrefix('10.0.0.0/10');
  const v6 = parsePrefix('2001:db8::/32');
  const p2p4 = subnet(v4, 24, 1000);
  const p2p6 = subnet(v6, 56, 1000);
  let p2pIndex = 0;
  const sites: Site[] = [];
  const devices: Device[] = [];
  const links: Link[] = [];
  const byId = new Map<string, Device>();

  SPECS.forEach((spec, i) => {
    const block: DualStack = { ipv4: formatPrefix(subnet(v4, 20, i)), ipv6: formatPrefix(subnet(v6, 48, i)) };
    const infra4 = subnet(parsePrefix(block.ipv4), 24, 0);
    const infra6 = subnet(parsePrefix(block.ipv6), 56, 0);
    const lan: DualStack = { ipv4: formatPrefix(subnet(infra4, 25, 1)), ipv6: formatPrefix(subnet(infra6, 64, 1)) };
    sites.push({
      id: spec.id,
      name: spec.id,
      level: spec.level,
      parent: spec.parent,
      areaSite: spec.area === '0.0.0.0' ? 'shaanxi' : spec.id.split('.')[0]!,
      children: SPECS.filter((s) => s.parent === spec.id).map((s) => s.id),
      legacy: spec.legacy,
      legacyAddressing: spec.legacy.length ? { network: spec.legacy[0]!, lanIpv4: spec.legacyLan, loopbackIpv4: spec.legacyLoopback } : undefined,
      block,
      infra: { ipv4: formatPrefix(infra4), ipv6: formatPrefix(infra6) },
      lan,
    });
    const hasChildren = SPECS.some((s) => s.parent === spec.id);
    const count = hasChildren ? 2 : 1;
    for (let n = 1; n <= count; n++) {
      const id = `${spec.id}-r${n}`;
      const lanIface: Interface = {
        name: 'lan0',
        kind: 'lan',
        ipv4: hostIn(parsePrefix(lan.ipv4), n, 25),
        ipv6: hostIn(parsePrefix(lan.ipv6), n, 64),
        bandwidthMbps: 1000,
        description: `${spec.id} LAN`,
        passive: true,
      };
      const device: Device = {
        id,
        site: spec.id,
        role: 'core',
        index: n,
        hostname: id.replace(/\./g, '-'),
        routerId: hostIn(infra4, n),
        loopback: { ipv4: hostIn(infra4, n, 32), ipv6: hostIn(infra6, n, 128) },
        area: spec.area,
        interfaces: [lanIface],
        originatesDefault: false,
      };
      devices.push(device);
      byId.set(id, device);
    }
  });

  const connect = (a: Device, b: Device, tier: string, kind: Link['kind'], bw: number, area: string, names: [string, string]): void => {
    const s4 = subnet(p2p4, 31, p2pIndex);
    const s6 = subnet(p2p6, 127, p2pIndex);
    p2pIndex++;
    const id = `${a.id}--${b.id}`;
    const end = (d: Device, off: number, name: string) => ({ device: d.id, interface: name, ipv4: hostIn(s4, off, 31), ipv6: hostIn(s6, off, 127) });
    const link: Link = {
      id,
      tier,
      kind,
      bandwidthMbps: bw,
      a: end(a, 0, names[0]),
      b: end(b, 1, names[1]),
      subnet: { ipv4: formatPrefix(s4), ipv6: formatPrefix(s6) },
      area,
    };
    links.push(link);
    a.interfaces.push({
      name: names[0],
      kind: kind === 'uplink' ? 'downlink' : kind,
      link: id,
      ipv4: link.a.ipv4,
      ipv6: link.a.ipv6,
      bandwidthMbps: bw,
      description: `to ${b.id}`,
      passive: false,
    });
    b.interfaces.push({
      name: names[1],
      kind: kind === 'uplink' ? 'uplink' : kind,
      link: id,
      ipv4: link.b.ipv4,
      ipv6: link.b.ipv6,
      bandwidthMbps: bw,
      description: `to ${a.id}`,
      passive: false,
    });
  };

  // Peer links between a site's two cores, uplinks from each child to both parent cores.
  for (const spec of SPECS) {
    const r1 = byId.get(`${spec.id}-r1`)!;
    const r2 = byId.get(`${spec.id}-r2`);
    if (r2) connect(r1, r2, 'peer', 'peer', 10000, spec.area, ['peer0', 'peer0']);
    if (!spec.parent) continue;
    const parentSpec = SPECS.find((s) => s.id === spec.parent)!;
    const linkArea = parentSpec.level === 'province' ? '0.0.0.0' : spec.area;
    const tier = `${parentSpec.level}-${spec.level}`;
    const mine = r2 ? [r1, r2] : [r1, r1];
    [1, 2].forEach((p, k) => {
      const parent = byId.get(`${spec.parent}-r${p}`)!;
      const down = `dn${parent.interfaces.filter((x) => x.kind === 'downlink').length}`;
      connect(parent, mine[k]!, tier, 'uplink', BW[spec.level]!, linkArea, [down, `up${k + 1}`]);
    });
  }

  // The unified internet exit: two exit routers on the province site, each linked to both cores.
  const province = sites[0]!;
  const handoffs: ExitHandoff[] = [];
  const infra4 = parsePrefix(province.infra.ipv4);
  const infra6 = parsePrefix(province.infra.ipv6);
  for (const n of [1, 2]) {
    const id = `shaanxi-exit${n}`;
    const device: Device = {
      id,
      site: 'shaanxi',
      role: 'exit',
      index: n,
      hostname: id,
      routerId: hostIn(infra4, 10 + n),
      loopback: { ipv4: hostIn(infra4, 10 + n, 32), ipv6: hostIn(infra6, 10 + n, 128) },
      area: '0.0.0.0',
      interfaces: [
        {
          name: 'inet0',
          kind: 'internet',
          ipv4: `198.51.100.${2 * n - 1}/31`,
          ipv6: `3fff::${2 * n - 1}/127`,
          bandwidthMbps: 10000,
          description: 'internet upstream',
          passive: true,
        },
      ],
      originatesDefault: true,
      defaultMetric: n === 1 ? 10 : 100,
    };
    // Upstream hand-off: a /31 (/127) whose other end plays the internet (the lab's upstream namespace).
    handoffs.push({
      device: id,
      interface: 'inet0',
      ipv4: `198.51.100.${2 * n - 1}/31`,
      ipv6: `3fff::${2 * n - 1}/127`,
      peerIpv4: `198.51.100.${2 * n}`,
      peerIpv6: `3fff::${2 * n}`,
    });
    devices.push(device);
    byId.set(id, device);
    for (const core of [1, 2]) connect(byId.get(`shaanxi-r${core}`)!, device, 'exit', 'exit', 10000, '0.0.0.0', [`ex${n}`, `core${core}`]);
  }

  return {
    province: { id: 'shaanxi', name: '陕西省' },
    sites,
    devices,
    links,
    tiers: [],
    exit: {
      site: 'shaanxi',
      primary: 'shaanxi-exit1',
      standby: 'shaanxi-exit2',
      bandwidthMbps: 10000,
      upstream: { ipv4: '198.51.100.1', ipv6: '3fff::1' },
      handoffs,
    },
    supernets: { ipv4: '10.0.0.0/10', ipv6: '2001:db8::/32' },
  };
}
