/**
 * What every config dialect shares: a per-topology index (so rendering all devices stays linear),
 * the OSPF area and cost of each interface, the exit's default gateway, and tagged config lines.
 * Pure: model in, plain data out.
 */
import { StacksError } from '../../lib/errors.js';
import { addressOf, formatAddress, parseAddress, parsePrefix } from '../../lib/ip.js';
import type { Device, Family, Interface, Link, Site, Topology } from '../types.js';
import type { OspfKeyring } from '../ospf-keyring.js';

export interface RenderOptions {
  /** 1 s hello / 3 s dead and no SPF/LSA hold-down: the lab needs convergence in seconds. */
  fastTimers?: boolean;
  /** Each area's OSPF key ids and the one sent (state of `stacks secrets rotate ospf`); absent: key 1 everywhere. */
  ospfKeys?: OspfKeyring;
}

/**
 * One line of a rendered config. `iface` names the interface the line exists for (its stanza and any
 * process-level line about it), so the merge plan can attribute changed lines to the link that moves.
 */
export interface ConfigLine {
  text: string;
  iface?: string;
}

/** Reference bandwidth (Mbps) for OSPF costs: 100G, so 10G = 10, 2G = 50, 200M = 500 stay distinct. */
export const REFERENCE_BANDWIDTH_MBPS = 100_000;
export const FAST_TIMERS = { helloSeconds: 1, deadSeconds: 3 } as const;
const BACKBONE_AREA = '0.0.0.0';
/** The Linux loopback: FRR configs put the router's /32 and /128 on it (the lab cannot use dummy links). */
export const LOOPBACK_NAME = 'lo';

interface TopologyIndex {
  devices: Map<string, Device>;
  sites: Map<string, Site>;
  links: Map<string, Link>;
}

const INDEXES = new WeakMap<Topology, TopologyIndex>();

/** Built once per topology object and reused by every device render. */
export function indexTopology(topology: Topology): TopologyIndex {
  let index = INDEXES.get(topology);
  if (!index) {
    index = {
      devices: new Map(topology.devices.map((d) => [d.id, d])),
      sites: new Map(topology.sites.map((s) => [s.id, s])),
      links: new Map(topology.links.map((l) => [l.id, l])),
    };
    INDEXES.set(topology, index);
  }
  return index;
}

export function findDevice(topology: Topology, deviceId: string): Device {
  const device = indexTopology(topology).devices.get(deviceId);
  if (!device) {
    throw new StacksError({
      code: 'E_UNKNOWN_DEVICE',
      message: `no device "${deviceId}" in the topology`,
      hint: 'device ids look like shaanxi-r1, xian.yanta-r2',
    });
  }
  return device;
}

/** The OSPF area an interface runs in; undefined for interfaces outside OSPF (the internet side). */
export function interfaceArea(topology: Topology, device: Device, iface: Interface): string | undefined {
  if (iface.kind === 'internet') return undefined;
  if (iface.link === undefined) return device.area;
  const link = indexTopology(topology).links.get(iface.link);
  if (!link) {
    throw new StacksError({
      code: 'E_UNKNOWN_LINK',
      kind: 'runtime',
      message: `${device.id} ${iface.name} names link "${iface.link}", which the topology lacks`,
    });
  }
  return link.area;
}

/**
 * OSPFv3 runs in one area, the backbone, in both dialects; OSPFv2 keeps an area per city. Why: FRR
 * 8.4 ospf6d (the lab's routers, and any white-box router on Debian's FRR) mishandles an area with
 * two ABRs, which every city area has. It takes the other ABR's summaries from the non-backbone
 * area into account (an ABR should examine only backbone summaries, RFC 2328 §16.2), so a city's
 * ABR pair withdraws its inter-area-router LSAs for the exits — at random after a deploy and after
 * every exit failover (FRRouting/frr#16197): the lab showed Xi'an's townships without ::/0 until
 * `clear ipv6 ospf6 process` on the ABRs. The area designs that avoid the inter-area-router LSA fail
 * in 8.4 too (tried in the lab): a stub city area makes the ABRs prefer each other's stub default and
 * re-summarise it into the backbone (a loop), and an NSSA's type-7 default is never installed (8.4
 * wants the E bit on the NSSA ABR). One OSPFv3 area of 2,052 routers holds about two LSAs per router
 * (router + intra-area-prefix) and one SPF per change; IPv4 keeps the city areas' smaller SPFs.
 */
export function ospfv3Area(_area: string): string {
  return BACKBONE_AREA;
}

/** Links form one adjacency each: p2p saves the DR election and a network LSA per link. */
export function isPointToPoint(iface: Interface): boolean {
  return iface.link !== undefined && iface.kind !== 'lan' && iface.kind !== 'internet';
}

/**
 * Explicit cost from the circuit's bandwidth in the model, not the port speed: a 200M circuit rides a
 * GE port and the lab's veth pairs report no speed at all.
 */
export function ospfCost(bandwidthMbps: number): number {
  return Math.min(65535, Math.max(1, Math.round(REFERENCE_BANDWIDTH_MBPS / bandwidthMbps)));
}

/** The exit's interfaces facing the internet, by name. */
export function internetInterfaces(device: Device): Interface[] {
  return sortInterfaces(device.interfaces.filter((i) => i.kind === 'internet'));
}

/**
 * Next hop of the static default on an internet-facing interface: the hand-off peer the model names;
 * failing that the upstream address when it sits in the interface's subnet, else the other end of a
 * /31 (/127), else the first host that is not ours.
 */
export function defaultGateway(topology: Topology, device: Device, iface: Interface, family: Family): string | undefined {
  const handoff = (topology.exit.handoffs ?? []).find((h) => h.device === device.id && h.interface === iface.name);
  if (handoff) return family === 'ipv4' ? handoff.peerIpv4 : handoff.peerIpv6;
  const upstream = topology.exit.upstream;
  const cidr = iface[family];
  if (!cidr) return undefined;
  const subnet = parsePrefix(cidr, { allowHostBits: true });
  const own = parseAddress(addressOf(cidr), family);
  const bits = family === 'ipv4' ? 32 : 128;
  const up = upstream[family];
  if (up) {
    const upValue = parseAddress(addressOf(up), family);
    const hostBits = BigInt(bits - subnet.length);
    if (upValue >> hostBits === subnet.network >> hostBits && upValue !== own) return formatAddress(family, upValue);
  }
  if (subnet.length === bits) return undefined;
  if (subnet.length === bits - 1) return formatAddress(family, own ^ 1n);
  const first = subnet.network + 1n;
  return formatAddress(family, first === own ? first + 1n : first);
}

/*
 * IPv4 as 32-bit numbers: VRP needs masks, wildcards and network addresses for every interface, and
 * plain number arithmetic keeps rendering 2,000 devices well under a second (lib/ip's BigInt and
 * ip-address parsing are for IPAM, where exactness across both families matters more than speed).
 */
function ipv4ToNumber(text: string): number {
  const p = text.split('.');
  if (p.length !== 4) throw new StacksError({ code: 'E_BAD_ADDRESS', kind: 'runtime', message: `"${text}" is not an IPv4 address` });
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}

function numberToIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function maskNumber(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

/** Dotted mask and wildcard of an IPv4 prefix length (VRP speaks both). */
export function dottedMask(length: number, wildcard = false): string {
  const mask = maskNumber(length);
  return numberToIpv4(wildcard ? ~mask >>> 0 : mask);
}

/** IPv4 `10.0.0.1/31` → network `10.0.0.0`, its number (for sorting) and length 31. */
export function networkOf(cidr: string): { network: string; value: number; length: number } {
  const [addr, len] = cidr.split('/');
  const length = Number(len ?? 32);
  const value = (ipv4ToNumber(addr!) & maskNumber(length)) >>> 0;
  return { network: numberToIpv4(value), value, length };
}

/** Dotted area ids in numeric order. */
export function compareAreas(a: string, b: string): number {
  return ipv4ToNumber(a) - ipv4ToNumber(b);
}

/** Natural order (eth2 before eth10) without locale tables, so output is the same on every machine. */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      // Compare whole digit runs by value, then by length (d01 after d1).
      let ei = i;
      let ej = j;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      const diff = Number(a.slice(i, ei)) - Number(b.slice(j, ej));
      if (diff !== 0) return diff;
      if (ei - i !== ej - j) return ei - i - (ej - j);
      i = ei;
      j = ej;
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  return a.length - i - (b.length - j);
}

const isDigit = (c: number) => c >= 48 && c <= 57;

const SORTED = new WeakMap<readonly Interface[], Interface[]>();

/** Interfaces in natural name order; cached per interface array (the model is not mutated). */
export function sortInterfaces(ifaces: readonly Interface[]): Interface[] {
  let sorted = SORTED.get(ifaces);
  if (!sorted) {
    sorted = [...ifaces].sort((a, b) => naturalCompare(a.name, b.name));
    SORTED.set(ifaces, sorted);
  }
  return sorted;
}

/** Descriptions are free text in the model; configs take one line of printable characters. */
export function cleanDescription(text: string, max = 200): string {
  const clean = /[\r\n\t]|\s\s|^\s|\s$/.test(text) ? text.replace(/\s+/g, ' ').trim() : text;
  return clean.length > max ? clean.slice(0, max) : clean;
}

export function joinLines(lines: readonly ConfigLine[]): string {
  return lines.map((l) => l.text).join('\n') + '\n';
}

/** Separator and closing lines carry no configuration; counts of changed lines skip them. */
function isSeparator(text: string): boolean {
  return text === '!' || text === '#' || text === '';
}

export interface LineCounts {
  /** Configuration lines of the device (separators excluded). */
  total: number;
  /** Of those, the lines that exist because of each interface. */
  byInterface: Record<string, number>;
}

export function countLines(lines: readonly ConfigLine[]): LineCounts {
  const byInterface: Record<string, number> = {};
  let total = 0;
  for (const line of lines) {
    if (isSeparator(line.text)) continue;
    total++;
    if (line.iface !== undefined) byInterface[line.iface] = (byInterface[line.iface] ?? 0) + 1;
  }
  return { total, byInterface };
}
