/**
 * From inventory to the network model: sites with their blocks, two core routers where a site has
 * children (so dual links land on different parent devices), one router at leaf sites, links per
 * tier, the unified internet exit with a standby, and both address families on everything.
 */
import type { Inventory } from '../inventory/load.js';
import { inputError } from '../lib/errors.js';
import { formatAddress, hostIn, parseAddress, subnet, type Prefix } from '../lib/ip.js';
import { planAddresses, type IpamPlan, type SiteBlocks } from './ipam.js';
import { planExitGuards } from './exit-guard.js';
import { attachVrrp, DEFAULT_FIRST_HOP, lanInterfaces } from './first-hop.js';
import { applyQos, qosPolicies } from './qos.js';
import { planManagement } from './management.js';
import { assignPorts, type PortPlan } from './ports.js';
import type { SiteSeed } from './sites.js';
import type { BfdTimersFile, OspfSecurityFile } from '../inventory/schema.js';
import type {
  AttachedNetwork,
  BfdTimers,
  Device,
  DualStack,
  ExitHandoff,
  InternetExit,
  Interface,
  Level,
  Link,
  OspfSecurity,
  PublishedService,
  Site,
  Tier,
  Topology,
} from './types.js';

/** Fixed positions inside a site's point-to-point pool: uplinks first, then the peer link, then exits. */
const P2P_SLOT = { uplink: 0, peer: 8, exit: 9 } as const;
const LAN_MBPS = 1000;

export function buildTopology(inv: Inventory, ipam: IpamPlan = planAddresses(inv)): Topology {
  return buildNetwork(inv, ipam).topology;
}

/**
 * The topology and the physical ports as the ledger must record them after this build (synth
 * writes them beside the addresses). Kept out of the topology: what was added or freed differs
 * between two runs, and the synthesized model must not.
 */
export function buildNetwork(inv: Inventory, ipam: IpamPlan = planAddresses(inv)): { topology: Topology; ports: PortPlan } {
  const provinceId = inv.province.province.id;
  const tiers: Tier[] = inv.province.tiers.map((t) => ({
    id: t.id,
    parent: t.parent,
    child: t.child,
    links: t.links,
    bandwidthMbps: t.bandwidth_mbps,
    ...(t.bfd ? { bfd: bfdTimers(t.bfd) } : {}),
  }));
  const childrenOf = new Map<string, string[]>();
  for (const s of ipam.sites) if (s.parent) (childrenOf.get(s.parent) ?? childrenOf.set(s.parent, []).get(s.parent)!).push(s.id);

  const seedById = new Map(ipam.sites.map((s) => [s.id, s]));
  const areaOf = (seed: SiteSeed) => (seed.areaSite === provinceId ? '0.0.0.0' : formatAddress('ipv4', ipam.blocks.get(seed.areaSite)!.block.ipv4.network));
  const sites: Site[] = [];
  const devices: Device[] = [];
  const devicesOf = new Map<string, Device[]>();
  const links: Link[] = [];
  const gateways = new Map<string, DualStack>();

  for (const seed of ipam.sites) {
    const blocks = ipam.blocks.get(seed.id)!;
    const pools = poolsOf(blocks);
    const lan = { ipv4: formatPrefix4(pools.lan.ipv4), ipv6: formatPrefix6(pools.lan.ipv6) };
    const children = childrenOf.get(seed.id) ?? [];
    sites.push({
      id: seed.id,
      name: seed.name,
      level: seed.level,
      parent: seed.parent,
      areaSite: seed.areaSite,
      children,
      legacy: seed.legacy,
      legacyAddressing: seed.legacyAddressing,
      block: { ipv4: formatPrefix4(blocks.block.ipv4), ipv6: formatPrefix6(blocks.block.ipv6) },
      infra: { ipv4: formatPrefix4(blocks.infra.ipv4), ipv6: formatPrefix6(blocks.infra.ipv6) },
      lan,
    });
    const routers = children.length > 0 ? 2 : 1;
    const area = areaOf(seed);
    const own: Device[] = [];
    for (let index = 1; index <= routers; index++) {
      const id = `${seed.id}-r${index}`;
      const loopback = loopbackOf(pools, index);
      own.push({
        id,
        site: seed.id,
        role: routers === 2 ? 'core' : 'access',
        index,
        hostname: id.replace(/\./g, '-'),
        routerId: loopback.ipv4.split('/')[0]!,
        loopback,
        area,
        interfaces: [],
        originatesDefault: false,
      });
    }
    // The site LAN: on both routers where there are two (VRRP gives the hosts one gateway), else
    // on the one router. Passive in OSPF (carried, no adjacency).
    const served = lanInterfaces(pools.lan, own, `LAN ${seed.name}`, LAN_MBPS);
    served.ifaces.forEach((iface, k) => own[k]!.interfaces.push(iface));
    sites[sites.length - 1]!.gateway = served.gateway;
    gateways.set(seed.id, served.gateway);
    if (routers === 2)
      links.push(
        connect(`${seed.id}~peer`, 'peer', PEER_TIER, LAN_MBPS * 10, own[0]!, 'peer0', own[1]!, 'peer0', pools, P2P_SLOT.peer, area, `${seed.id} r1–r2`),
      );
    devicesOf.set(seed.id, own);
    devices.push(...own);
  }

  // Uplinks: each child site dual-homes onto its parent's routers, addressed from the child's pool.
  for (const seed of ipam.sites) {
    if (!seed.parent) continue;
    const parent = seedById.get(seed.parent)!;
    const tier = tierFor(inv, tiers, parent.level, seed.level);
    const pools = poolsOf(ipam.blocks.get(seed.id)!);
    const childDevices = devicesOf.get(seed.id)!;
    const parentDevices = devicesOf.get(seed.parent)!;
    const slot = childSlot(ipam.blocks.get(seed.parent)!, ipam.blocks.get(seed.id)!);
    const area = parent.level === 'province' ? '0.0.0.0' : areaOf(seed);
    for (let k = 0; k < tier.links; k++) {
      const up = parentDevices[k % parentDevices.length]!;
      const down = childDevices[k % childDevices.length]!;
      const perDevice = Math.ceil(tier.links / parentDevices.length);
      const upName = perDevice > 1 ? `d${slot}-${Math.floor(k / parentDevices.length)}` : `d${slot}`;
      links.push(
        connect(
          `${seed.id}~up${k}`,
          'uplink',
          tier.id,
          tier.bandwidthMbps,
          up,
          upName,
          down,
          `up${k}`,
          pools,
          P2P_SLOT.uplink + k,
          area,
          `${seed.id} uplink ${k + 1}`,
        ),
      );
    }
  }

  const exit = buildExit(inv, provinceId, ipam, devicesOf, devices, links);
  const { attached, services } = attachPools(inv, ipam, devicesOf);
  // Once every link exists: VRRP tracks each router's ways out, QoS marks each tiered circuit.
  const firstHop = inv.firstHop ?? DEFAULT_FIRST_HOP;
  for (const [site, gateway] of gateways) attachVrrp(devicesOf.get(site)!, gateway, firstHop);
  const qos = qosPolicies(inv.qos, tiers);
  for (const tier of Object.keys(inv.qos?.tiers ?? {}))
    if (!tiers.some((t) => t.id === tier))
      throw inputError(
        'E_QOS_TIER',
        inv.paths.qos ?? inv.paths.province!,
        `tiers.${tier}`,
        `no tier "${tier}" in province.yaml tiers`,
        `tiers: ${tiers.map((t) => t.id).join(', ')}`,
      );
  applyQos(qos, links, new Map(devices.map((d) => [d.id, d])));
  // Every interface exists now: each gets its physical port from the ledger (or the next free one).
  const levelOfSite = new Map(ipam.sites.map((s) => [s.id, s.level]));
  const ports = assignPorts(devices, {
    existing: inv.ledger.ports ?? {},
    ledgerFile: inv.paths.ledger!,
    ...(inv.hardware ? { hardware: { file: inv.paths.hardware!, doc: inv.hardware } } : {}),
    levelOf: (d) => levelOfSite.get(d.site)!,
  });
  devices.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const d of devices) d.interfaces.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  links.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const supernets = { ipv4: formatPrefix4(ipam.supernets.ipv4), ipv6: formatPrefix6(ipam.supernets.ipv6) };
  exit.guards = planExitGuards(inv, { exit, supernets, services });
  const topology: Topology = {
    province: { id: provinceId, name: inv.province.province.name },
    sites,
    devices,
    links,
    tiers,
    exit,
    ...(inv.ospfSecurity ? { ospfSecurity: ospfSecurityOf(inv.ospfSecurity, tiers) } : {}),
    supernets,
    attached,
    services,
    ...(qos.length ? { qos } : {}),
    pools: Object.fromEntries([...ipam.pools].map(([id, p]) => [id, { ipv4: formatPrefix4(p.ipv4), ipv6: formatPrefix6(p.ipv6) }])),
    ...(inv.management ? { management: planManagement(inv.management) } : {}),
  };
  return { topology, ports };
}

/** Bandwidth of a cloud's hand-off interface: the data centre's tier rate (its passive cost is moot). */
const CLOUD_MBPS = 10_000;

/**
 * The clouds' routed pools on their hosting site's first router (where the site LAN sits): one
 * passive interface per pool holding its first address, and the published services' VIPs.
 */
function attachPools(inv: Inventory, ipam: IpamPlan, devicesOf: Map<string, Device[]>): { attached: AttachedNetwork[]; services: PublishedService[] } {
  const attached: AttachedNetwork[] = [];
  const pool = (id: string) => ipam.pools.get(id)!;
  for (const n of ipam.attachments.networks) {
    const device = devicesOf.get(n.site)?.[0];
    if (!device) throw inputError('E_CLOUDS', inv.paths.clouds ?? inv.paths.province!, n.owner, `stands at site "${n.site}", which is not in the topology`);
    const p = pool(n.pool);
    device.interfaces.push({
      name: n.interface,
      kind: 'cloud',
      ipv4: hostIn(p.ipv4, 1, p.ipv4.length),
      ipv6: hostIn(p.ipv6, 1, p.ipv6.length),
      bandwidthMbps: CLOUD_MBPS,
      description: n.description,
      passive: true,
    });
    attached.push({
      pool: n.pool,
      owner: n.owner,
      role: n.role,
      site: n.site,
      device: device.id,
      interface: n.interface,
      prefixes: { ipv4: formatPrefix4(p.ipv4), ipv6: formatPrefix6(p.ipv6) },
    });
  }
  const services: PublishedService[] = ipam.attachments.services.map((s) => {
    const vip = pool(s.vip);
    return {
      id: s.id,
      owner: s.owner,
      cloudKind: s.cloudKind,
      name: s.name,
      protocol: s.protocol,
      port: s.port,
      site: s.site,
      device: devicesOf.get(s.site)![0]!.id,
      vip: { ipv4: formatAddress('ipv4', vip.ipv4.network), ipv6: formatAddress('ipv6', vip.ipv6.network) },
      audience: s.audience,
    };
  });
  return { attached, services };
}

/** The unified internet exit: two exit routers at the province, each linked to both cores. */
function buildExit(inv: Inventory, provinceId: string, ipam: IpamPlan, devicesOf: Map<string, Device[]>, devices: Device[], links: Link[]) {
  const cores = devicesOf.get(provinceId)!;
  const pools = poolsOf(ipam.blocks.get(provinceId)!);
  const cfg = inv.province.internet_exit;
  const upstream = { ipv4: cfg.upstream.ipv4, ipv6: cfg.upstream.ipv6 };
  const up4 = parseAddress(upstream.ipv4, 'ipv4');
  const up6 = parseAddress(upstream.ipv6, 'ipv6');
  const handoffs: ExitHandoff[] = [];
  const exits: Device[] = [];
  for (const index of [1, 2]) {
    const id = `${provinceId}-exit${index}`;
    const loopback = loopbackOf(pools, 2 + index);
    const name = 'inet0';
    // Each exit's hand-off is a /31 (/127) just above the upstream address: exit1 takes +1/+2, exit2 +3/+4.
    const own4 = formatAddress('ipv4', up4 + BigInt(2 * index - 1));
    const own6 = formatAddress('ipv6', up6 + BigInt(2 * index - 1));
    const peer4 = formatAddress('ipv4', up4 + BigInt(2 * index));
    const peer6 = formatAddress('ipv6', up6 + BigInt(2 * index));
    handoffs.push({ device: id, interface: name, ipv4: `${own4}/31`, ipv6: `${own6}/127`, peerIpv4: peer4, peerIpv6: peer6 });
    const device: Device = {
      id,
      site: provinceId,
      role: 'exit',
      index,
      hostname: id,
      routerId: loopback.ipv4.split('/')[0]!,
      loopback,
      area: '0.0.0.0',
      interfaces: [
        {
          name,
          kind: 'internet',
          ipv4: `${own4}/31`,
          ipv6: `${own6}/127`,
          bandwidthMbps: cfg.bandwidth_mbps,
          description: `internet ${index === 1 ? 'primary' : 'standby'} exit`,
          passive: true,
        },
      ],
      originatesDefault: true,
      defaultMetric: index === 1 ? 10 : 100,
    };
    exits.push(device);
    devices.push(device);
  }
  exits.forEach((ex, e) => {
    cores.forEach((core, c) => {
      links.push(
        connect(
          `${provinceId}~exit${e + 1}-${core.index}`,
          'exit',
          EXIT_TIER,
          cfg.bandwidth_mbps,
          core,
          `x${e + 1}`,
          ex,
          `c${c + 1}`,
          pools,
          P2P_SLOT.exit + e * 2 + c,
          '0.0.0.0',
          `exit ${e + 1} to core ${c + 1}`,
        ),
      );
    });
  });
  const exit: InternetExit = { site: provinceId, primary: exits[0]!.id, standby: exits[1]!.id, bandwidthMbps: cfg.bandwidth_mbps, upstream, handoffs };
  return exit;
}

interface Pools {
  lan: DualStack<Prefix>;
  loopbacks: DualStack<Prefix>;
  p2p: DualStack<Prefix>;
}

/**
 * Inside an infra block: IPv4 LAN = first half, p2p = third quarter (/31s), loopbacks = seventh
 * eighth (for a /24: LAN .0/25, p2p .128/26, loopbacks .192/27; the last /27 is spare).
 * IPv6: LAN = first /64, loopbacks = second /64, p2p = third /64.
 */
function poolsOf(blocks: SiteBlocks): Pools {
  const i4 = blocks.infra.ipv4;
  const i6 = blocks.infra.ipv6;
  return {
    lan: { ipv4: subnet(i4, i4.length + 1, 0), ipv6: subnet(i6, 64, 0) },
    p2p: { ipv4: subnet(i4, i4.length + 2, 2), ipv6: subnet(i6, 64, 2) },
    loopbacks: { ipv4: subnet(i4, i4.length + 3, 6), ipv6: subnet(i6, 64, 1) },
  };
}

function loopbackOf(pools: Pools, index: number): DualStack {
  return { ipv4: hostIn(pools.loopbacks.ipv4, index, 32), ipv6: hostIn(pools.loopbacks.ipv6, index, 128) };
}

function connect(
  id: string,
  kind: Link['kind'],
  tier: string,
  bandwidthMbps: number,
  a: Device,
  aName: string,
  b: Device,
  bName: string,
  pools: Pools,
  slot: number,
  area: string,
  description: string,
): Link {
  const net4 = subnet(pools.p2p.ipv4, 31, slot);
  const net6 = subnet(pools.p2p.ipv6, 127, slot);
  const aEnd = { device: a.id, interface: aName, ipv4: hostIn(net4, 0, 31), ipv6: hostIn(net6, 0, 127) };
  const bEnd = { device: b.id, interface: bName, ipv4: hostIn(net4, 1, 31), ipv6: hostIn(net6, 1, 127) };
  const ifKind: Record<Link['kind'], [Interface['kind'], Interface['kind']]> = {
    uplink: ['downlink', 'uplink'],
    peer: ['peer', 'peer'],
    exit: ['exit', 'exit'],
  };
  a.interfaces.push({
    name: aName,
    kind: ifKind[kind][0],
    link: id,
    ipv4: aEnd.ipv4,
    ipv6: aEnd.ipv6,
    bandwidthMbps,
    description: `${description} to ${b.id}`,
    passive: false,
  });
  b.interfaces.push({
    name: bName,
    kind: ifKind[kind][1],
    link: id,
    ipv4: bEnd.ipv4,
    ipv6: bEnd.ipv6,
    bandwidthMbps,
    description: `${description} to ${a.id}`,
    passive: false,
  });
  return {
    id,
    tier,
    kind,
    bandwidthMbps,
    a: aEnd,
    b: bEnd,
    subnet: { ipv4: `${formatAddress('ipv4', net4.network)}/31`, ipv6: `${formatAddress('ipv6', net6.network)}/127` },
    area,
  };
}

function tierFor(inv: Inventory, tiers: Tier[], parent: Level, child: Level): Tier {
  const t = tiers.find((x) => x.parent === parent && x.child === child);
  if (!t) throw inputError('E_MISSING_TIER', inv.paths.province!, 'tiers', `no tier for ${parent} → ${child} links`);
  return t;
}

/**
 * A child's position inside its parent's block, counted in infra-sized units so that children of
 * different sizes (cities and departments under the province) never share a number. Stable,
 * because both blocks come from the ledger.
 */
function childSlot(parent: SiteBlocks, child: SiteBlocks): number {
  return Number((child.block.ipv4.network - parent.block.ipv4.network) >> BigInt(32 - parent.infra.ipv4.length));
}

const formatPrefix4 = (p: Prefix) => `${formatAddress('ipv4', p.network)}/${p.length}`;
const formatPrefix6 = (p: Prefix) => `${formatAddress('ipv6', p.network)}/${p.length}`;

const bfdTimers = (t: BfdTimersFile): BfdTimers => ({ minTxMs: t.min_tx_ms, minRxMs: t.min_rx_ms, multiplier: t.multiplier });

/** Link tier ids of the r1–r2 links and the exits' links (see connect() calls above). */
const PEER_TIER = 'internal';
const EXIT_TIER = 'internet-exit';

function ospfSecurityOf(file: OspfSecurityFile, tiers: Tier[]): OspfSecurity {
  const bfdByTier: Record<string, BfdTimers> = { [PEER_TIER]: bfdTimers(file.bfd.peer), [EXIT_TIER]: bfdTimers(file.bfd.exit) };
  for (const t of tiers) if (t.bfd) bfdByTier[t.id] = t.bfd;
  return { ospfv2: file.authentication.ospfv2, ospfv3: file.authentication.ospfv3, bfdByTier };
}
