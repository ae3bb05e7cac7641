/**
 * FRR's own RIB, normalized into the verifier's DeviceRib shape (network/verify/config/rib.ts) so
 * that the differential check is a pure comparison. Pure: JSON text in, DeviceRib out; the I/O that
 * fetches the JSON from a lab device is in lab/rib-compare.ts.
 *
 * Read from `show ip route json` / `show ipv6 route json` (zebra's view: the selected route of each
 * prefix and its next hops) and `show ip ospf route json` / `show ipv6 ospf6 route` (the OSPF
 * path type of each prefix, which zebra does not keep: intra-area, inter-area, external type 1/2).
 * Only the selected route of a prefix counts, with its active next hops (ECMP: several); a
 * blackhole next hop makes a discard route (no next hops).
 *
 * Next hops are named as the verifier names them: outgoing interface; for IPv4 the neighbour's
 * address (`via`); the neighbour device found by that address (IPv4) or by the link-local address
 * the neighbour's interface holds (IPv6: OSPFv3 forwards to fe80::, which the configs do not decide,
 * so the IPv6 `via` is dropped). An address that belongs to no lab device (the upstream in the
 * internet namespace) leaves `neighbour` unset, as the model has no device there.
 *
 * Routes left out, because the design does not have them and the verifier cannot know them:
 * - the management link (`mgmt0`, a /31 of 169.254.64.0/18 to the host): the lab's own path for
 *   SSH and SNMP, outside OSPF and outside the province's addressing;
 * - IPv6 link-local fe80::/64 on every interface: created by the kernel, never routed;
 * - `kernel` routes: put there by something outside FRR (zebra mirrors the kernel table), not by
 *   the config; the lab adds none to device namespaces, so any that appears is someone's hand edit,
 *   listed in `ignored` so a caller can say so, never compared as if the config had made it.
 */
import type { Family } from '../network/types.js';
import type { DeviceRib, RibNextHop, RibRoute, RouteProtocol } from '../network/verify/config/rib.js';
import { formatPrefix, parsePrefix } from '../lib/ip.js';
import { MGMT_IF } from './names.js';

interface FrrNextHop {
  ip?: string;
  interfaceName?: string;
  active?: boolean;
  fib?: boolean;
  duplicate?: boolean;
  blackhole?: boolean;
  reject?: boolean;
  unreachable?: boolean;
  directlyConnected?: boolean;
}

interface FrrRoute {
  prefix?: string;
  protocol?: string;
  selected?: boolean;
  installed?: boolean;
  metric?: number;
  nexthops?: FrrNextHop[];
}

type FrrRouteTable = Record<string, FrrRoute[]>;

/** The device a next-hop address belongs to, seen from an outgoing interface; undefined: none in the lab. */
export type NeighbourResolver = (family: Family, iface: string, address: string) => string | undefined;

export interface IgnoredRoute {
  prefix: string;
  protocol: string;
  why: 'management' | 'link-local' | 'kernel';
}

export interface NormalizedRib {
  rib: DeviceRib;
  ignored: IgnoredRoute[];
}

const LINK_LOCAL = parsePrefix('fe80::/10');

function isLinkLocal(prefix: string): boolean {
  const p = parsePrefix(prefix, { allowHostBits: true });
  return p.family === 'ipv6' && p.length >= LINK_LOCAL.length && p.network >> 118n === LINK_LOCAL.network >> 118n;
}

/**
 * OSPF path type per canonical prefix. IPv4: `show ip ospf route json` (prefix → { routeType: "N" |
 * "N IA" | "N E1" | "N E2" }; router and ASBR entries are keyed without a length). IPv6: the text of
 * `show ipv6 ospf6 route`, whose best entries start with `*` (`*N IA 2001:db8::/64 fe80::… up0`):
 * ospf6d 8.4 keeps one route per advertising router and its JSON repeats the prefix as an object key
 * for each, so a JSON parser keeps whichever came last, often not the best one.
 */
export function ospfPathTypes(family: Family, output: string): Map<string, RouteProtocol> {
  const out = new Map<string, RouteProtocol>();
  if (family === 'ipv4') {
    const doc = JSON.parse(output || '{}') as Record<string, { routeType?: string }>;
    for (const [key, value] of Object.entries(doc)) {
      if (!key.includes('/')) continue;
      const type = String(value.routeType ?? '').trim();
      const proto =
        type === 'N' ? 'ospf-intra' : type === 'N IA' ? 'ospf-inter' : type === 'N E1' ? 'ospf-external-1' : type === 'N E2' ? 'ospf-external-2' : undefined;
      if (proto) out.set(canonical(key), proto);
    }
    return out;
  }
  const V6_TYPES: Record<string, RouteProtocol> = { IA: 'ospf-intra', IE: 'ospf-inter', E1: 'ospf-external-1', E2: 'ospf-external-2' };
  for (const line of output.split('\n')) {
    const m = /^\*N\s+(IA|IE|E1|E2)\s+(\S+)/.exec(line);
    if (m) out.set(canonical(m[2]!), V6_TYPES[m[1]!]!);
  }
  return out;
}

const canonical = (prefix: string) => formatPrefix(parsePrefix(prefix, { allowHostBits: true }));

function protocolOf(frr: string, prefix: string, ospf: Map<string, RouteProtocol>): RouteProtocol | 'unknown' {
  if (frr === 'connected' || frr === 'local') return 'connected';
  if (frr === 'static') return 'static';
  if (frr === 'kernel') return 'kernel';
  // zebra says OSPF; the path type comes from the OSPF daemon's own table (absent: the two disagree,
  // which the comparison then shows as a protocol mismatch rather than guessing).
  if (frr === 'ospf' || frr === 'ospf6') return ospf.get(prefix) ?? 'unknown';
  return 'unknown';
}

/**
 * One device's RIB in one family. `routeJson` is `show ip[v6] route json`, `ospfJson` the matching
 * OSPF route table; `resolve` names the neighbour device behind a next-hop address.
 */
export function normalizeFrrRib(device: string, family: Family, routeJson: string, ospfJson: string, resolve: NeighbourResolver): NormalizedRib {
  const table = JSON.parse(routeJson || '{}') as FrrRouteTable;
  const ospf = ospfPathTypes(family, ospfJson);
  const routes: RibRoute[] = [];
  const ignored: IgnoredRoute[] = [];
  for (const [key, entries] of Object.entries(table)) {
    const prefix = canonical(key);
    const selected = entries.find((e) => e.selected);
    if (!selected) continue;
    const frrProtocol = selected.protocol ?? 'unknown';
    const hops = (selected.nexthops ?? []).filter((h) => h.active && !h.duplicate);
    if (family === 'ipv6' && isLinkLocal(prefix)) {
      ignored.push({ prefix, protocol: frrProtocol, why: 'link-local' });
      continue;
    }
    if (hops.length > 0 && hops.every((h) => h.interfaceName === MGMT_IF)) {
      ignored.push({ prefix, protocol: frrProtocol, why: 'management' });
      continue;
    }
    const protocol = protocolOf(frrProtocol, prefix, ospf);
    if (protocol === 'kernel') {
      ignored.push({ prefix, protocol: frrProtocol, why: 'kernel' });
      continue;
    }
    const nextHops: RibNextHop[] = [];
    for (const h of hops) {
      if (h.blackhole || h.reject || h.unreachable || !h.interfaceName) continue;
      const hop: RibNextHop = { interface: h.interfaceName };
      if (protocol !== 'connected' && h.ip) {
        if (family === 'ipv4') hop.via = h.ip;
        const neighbour = resolve(family, h.interfaceName, h.ip);
        if (neighbour) hop.neighbour = neighbour;
      }
      nextHops.push(hop);
    }
    nextHops.sort((a, b) => (a.interface === b.interface ? (a.via ?? '').localeCompare(b.via ?? '') : a.interface < b.interface ? -1 : 1));
    routes.push({
      prefix,
      // An OSPF route the OSPF daemon's table does not explain keeps zebra's word for it, so the
      // comparison reports it instead of the reader inventing a path type.
      protocol: protocol === 'unknown' ? (frrProtocol as RouteProtocol) : protocol,
      // zebra's metric: the OSPF cost, and for an external type 2 route its type-2 metric (what
      // ospfd and ospf6d install; the forwarding cost to the ASBR only breaks ties).
      metric: protocol === 'connected' || protocol === 'static' ? 0 : (selected.metric ?? 0),
      nextHops,
    });
  }
  routes.sort((a, b) => comparePrefixes(a.prefix, b.prefix));
  return { rib: { device, family, routes }, ignored };
}

/**
 * One vtysh process runs several `-c` commands and prints their outputs back to back. The first
 * `count` are JSON objects (split where the brace depth returns to zero, strings skipped); whatever
 * follows is returned as text. One process instead of one per command: each vtysh start costs ~45 ms
 * of CPU.
 */
export function splitVtyshOutputs(output: string, count: number): { json: string[]; rest: string } {
  const json: string[] = [];
  let i = 0;
  while (json.length < count) {
    const start = output.indexOf('{', i);
    if (start < 0) throw new Error(`vtysh printed ${json.length} JSON documents, ${count} expected`);
    let depth = 0;
    let inString = false;
    let j = start;
    for (; j < output.length; j++) {
      const c = output[j];
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) break;
    }
    if (depth !== 0) throw new Error('vtysh output ends inside a JSON document');
    json.push(output.slice(start, j + 1));
    i = j + 1;
  }
  return { json, rest: output.slice(i) };
}

function comparePrefixes(a: string, b: string): number {
  const pa = parsePrefix(a);
  const pb = parsePrefix(b);
  return pa.network < pb.network ? -1 : pa.network > pb.network ? 1 : pa.length - pb.length;
}
