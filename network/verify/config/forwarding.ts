/**
 * One device's forwarding decision for a prefix and for a destination address, in the current
 * scenario: connected routes, static routes (active while their interface is up, or their next hop
 * sits on an up subnet), OSPF intra/inter-area routes (spf.ts) and OSPF externals — here the
 * defaults the exits originate, each only while its origination condition holds: always with
 * `always`, otherwise only while the exit holds a default of its own that OSPF did not give it.
 * The best source by the device's own preferences wins (FRR: static 1 < OSPF 110; VRP: OSPF 10 <
 * static 60 < ASE 150), then longest prefix match across prefixes.
 */
import type { RouteProtocol } from './rib.js';
import type { DefaultOrigination } from './model.js';
import type { FamilyNet } from './adjacency.js';
import { prefixKey } from './adjacency.js';
import { containsHex, maskHex } from './address.js';
import type { ControlPlane, DestinationRoutes, OspfRoute } from './spf.js';

export interface Hop {
  /** Outgoing interface (index into FamilyNet.ifaces). */
  iface: number;
  /** The neighbour the packet goes to, when the interface is wired to one. */
  toNode?: number;
  /** Next-hop address as hex (statics; OSPF IPv4 next hops take the neighbour's address). */
  viaHex?: string;
  /** Leaves the modelled network: to the upstream (an internet hand-off) or onto an attached subnet. */
  out?: 'upstream' | 'attached';
}

export interface Decision {
  protocol: RouteProtocol;
  key: string;
  length: number;
  metric: number;
  /** Empty: a discard route. */
  hops: Hop[];
  /**
   * The device installs exactly one of these hop groups, not all of `hops` (their union): one per
   * ABR, where the dialect keeps only one ABR's path (DialectBehaviour.ospfv3SingleAbrPath).
   */
  alternatives?: Hop[][];
}

interface Asbr {
  node: number;
  metric: number;
  metricType: 1 | 2;
}

const DEFAULT_KEY = (family: 'ipv4' | 'ipv6') => prefixKey(family === 'ipv4' ? '0'.repeat(8) : '0'.repeat(32), 0);

export class Forwarding {
  private readonly net: FamilyNet;
  private readonly stubKeys: Set<string>;
  /** Every prefix any device has a route source for: length → set of network hex. */
  private readonly prefixesByLength = new Map<number, Set<string>>();
  private readonly candidates = new Map<string, Array<{ key: string; length: number }>>();
  private readonly defaultKey: string;
  private asbrCache: Asbr[] | undefined;
  /** The ASBRs while no originator is touched (see asbrs), shared by every such scenario. */
  private untouchedAsbrs: Asbr[] | undefined;
  private readonly originators: number[];
  /** Interfaces (ascending) holding an address in a prefix, by prefix key; and holding an address, by its hex. */
  private readonly ifacesByNetwork = new Map<string, Array<{ iface: number; length: number }>>();
  private readonly ifacesByAddress = new Map<string, number[]>();

  constructor(readonly cp: ControlPlane) {
    this.net = cp.net;
    this.defaultKey = DEFAULT_KEY(this.net.family);
    this.stubKeys = new Set(this.net.stubs.map((s) => s.key));
    this.originators = this.net.originate.flatMap((o, node) => (o ? [node] : []));
    const add = (hex: string, length: number) => (this.prefixesByLength.get(length) ?? this.prefixesByLength.set(length, new Set()).get(length)!).add(hex);
    for (const s of this.net.stubs) add(s.networkHex, s.length);
    for (const i of this.net.ifaces) for (const a of i.addrs) add(a.networkHex, a.length);
    for (const list of this.net.statics) for (const s of list) add(s.networkHex, s.length);
    if (this.net.originate.some(Boolean)) add(this.defaultKey.split('/')[0]!, 0);
    // Indices instead of scanning a device's interfaces per lookup: a city router has hundreds.
    this.net.ifaces.forEach((i, iface) => {
      for (const a of i.addrs) {
        const key = prefixKey(a.networkHex, a.length);
        (this.ifacesByNetwork.get(key) ?? this.ifacesByNetwork.set(key, []).get(key)!).push({ iface, length: a.length });
        const at = this.ifacesByAddress.get(a.hex) ?? this.ifacesByAddress.set(a.hex, []).get(a.hex)!;
        if (at[at.length - 1] !== iface) at.push(iface);
      }
    });
  }

  /** Every prefix key with a route source somewhere (the RIB's rows). */
  allPrefixes(): Array<{ key: string; length: number }> {
    const out: Array<{ key: string; length: number }> = [];
    for (const [length, set] of this.prefixesByLength) for (const hex of set) out.push({ key: prefixKey(hex, length), length });
    return out;
  }

  /** Prefixes that contain the address, longest first (the order of a lookup). */
  candidatesFor(hex: string): Array<{ key: string; length: number }> {
    let list = this.candidates.get(hex);
    if (!list) {
      list = [];
      for (const [length, set] of this.prefixesByLength) {
        const net = maskHex(hex, length);
        if (set.has(net)) list.push({ key: prefixKey(net, length), length });
      }
      list.sort((a, b) => b.length - a.length);
      this.candidates.set(hex, list);
    }
    return list;
  }

  /** Call after ControlPlane.apply: the origination conditions may have changed. */
  reset(): void {
    this.asbrCache = undefined;
  }

  /** Exits (ASBRs) originating the default right now, with their metric. */
  asbrs(): Asbr[] {
    if (this.asbrCache) return this.asbrCache;
    // Whether an exit originates reads only its own state (up, attached, its own interfaces' carrier
    // for a connected or static default): while a scenario touches no exit, the list is the intact one.
    const untouched = this.originators.every((node) => !this.cp.touches(node));
    if (untouched && this.untouchedAsbrs) return (this.asbrCache = this.untouchedAsbrs);
    const out: Asbr[] = [];
    this.net.originate.forEach((o, node) => {
      if (!o || !this.cp.nodeUp[node] || !this.cp.attached[node]!.length) return;
      if (o.always || this.nonOspfDefault(node, o)) out.push({ node, metric: o.metric, metricType: o.metricType });
    });
    this.asbrCache = out;
    if (untouched) this.untouchedAsbrs = out;
    return out;
  }

  /** The device holds a default of its own (connected or an active static), which is what `originate` without `always` needs. */
  private nonOspfDefault(node: number, o: DefaultOrigination): boolean {
    const own = this.connected(node, this.defaultKey) ?? this.staticRoute(node, this.defaultKey);
    if (!own) return false;
    const allowed = o.routeMap?.matchInterfaces;
    // a route map that matches nothing (or is undefined) admits nothing
    if (o.routeMap) return !!allowed && own.hops.some((h) => allowed.includes(this.net.ifaces[h.iface]!.name));
    return true;
  }

  /** Local address of the device (an up interface holds it): the packet has arrived. */
  isLocal(node: number, hex: string): boolean {
    for (const i of this.ifacesByAddress.get(hex) ?? []) if (this.net.ifaces[i]!.node === node && this.cp.ifaceUp[i]) return true;
    return false;
  }

  /** Longest-prefix match for an address. */
  lookup(node: number, hex: string): Decision | undefined {
    for (const c of this.candidatesFor(hex)) {
      const d = this.route(node, c.key, c.length);
      if (d) return d;
    }
    return undefined;
  }

  /** The device's RIB entry for one prefix, or undefined. */
  route(node: number, key: string, length: number): Decision | undefined {
    if (!this.cp.nodeUp[node]) return undefined;
    const prefs = this.net.prefs[node]!;
    let best: Decision | undefined;
    let bestPref = Infinity;
    const consider = (d: Decision | undefined, pref: number) => {
      if (d && pref < bestPref) {
        best = d;
        bestPref = pref;
      }
    };
    consider(this.connected(node, key), prefs.connected);
    consider(this.staticRoute(node, key), prefs.static);
    if (this.net.runsOspf[node]) {
      if (this.stubKeys.has(key)) consider(this.ospf(node, key, length), prefs.ospfInternal);
      if (key === this.defaultKey && bestPref > prefs.ospfExternal) consider(this.external(node), prefs.ospfExternal);
    }
    return best;
  }

  private connected(node: number, key: string): Decision | undefined {
    // the device's first up interface (in interface order) with an address in the prefix
    for (const { iface: i, length } of this.ifacesByNetwork.get(key) ?? []) {
      if (this.net.ifaces[i]!.node !== node || !this.cp.ifaceUp[i]) continue;
      // The hand-off subnet is the upstream's side: what leaves through it has left the network.
      return { protocol: 'connected', key, length, metric: 0, hops: [{ iface: i, out: this.net.ifaces[i]!.kind === 'internet' ? 'upstream' : 'attached' }] };
    }
    return undefined;
  }

  private staticRoute(node: number, key: string): Decision | undefined {
    const hops: Hop[] = [];
    let length = 0;
    for (const s of this.net.statics[node]!) {
      if (s.key !== key) continue;
      const iface = s.iface ?? this.onLink(node, s.nextHop);
      if (iface === undefined || !this.cp.ifaceUp[iface]) continue;
      if (s.iface !== undefined && s.nextHop !== undefined && !this.net.ifaces[iface]!.addrs.some((a) => containsHex(a.networkHex, a.length, s.nextHop!)))
        continue;
      length = s.length;
      hops.push(this.hopOut(iface, s.nextHop));
    }
    return hops.length ? { protocol: 'static', key, length, metric: 0, hops } : undefined;
  }

  private onLink(node: number, hex: string | undefined): number | undefined {
    if (hex === undefined) return undefined;
    for (const i of this.net.ifacesOf[node]!) {
      if (this.cp.ifaceUp[i] && this.net.ifaces[i]!.addrs.some((a) => containsHex(a.networkHex, a.length, hex))) return i;
    }
    return undefined;
  }

  private hopOut(iface: number, viaHex: string | undefined): Hop {
    const i = this.net.ifaces[iface]!;
    const base = { iface, ...(viaHex ? { viaHex } : {}) };
    if (i.peer !== undefined) return { ...base, toNode: this.net.ifaces[i.peer]!.node };
    return { ...base, out: i.kind === 'internet' ? 'upstream' : 'attached' };
  }

  private ospf(node: number, key: string, length: number): Decision | undefined {
    const d = this.cp.prefix(key);
    const r = this.cp.route(d, node);
    if (!r) return undefined;
    const hops = this.cp.nextHopEdges(d, node, r).map((e) => this.edgeHop(e.fromIface, e.toIface, e.to));
    const alternatives = this.singleAbr(node) ? this.perAbr(d, node, r) : undefined;
    return { protocol: r.kind === 'intra' ? 'ospf-intra' : 'ospf-inter', key, length, metric: r.cost, hops, ...(alternatives ? { alternatives } : {}) };
  }

  private singleAbr(node: number): boolean {
    return this.net.family === 'ipv6' && this.net.configs[node]!.parsed.behaviour?.ospfv3SingleAbrPath === true;
  }

  /** Hop groups per ABR when there are several (else undefined: every hop is installed). */
  private perAbr(d: DestinationRoutes, node: number, r: OspfRoute): Hop[][] | undefined {
    const per = this.cp.nextHopEdgesPerAbr(d, node, r);
    if (per.size < 2) return undefined;
    return [...per.values()].map((edges) => edges.map((e) => this.edgeHop(e.fromIface, e.toIface, e.to)));
  }

  private edgeHop(fromIface: number, toIface: number, toNode: number): Hop {
    const via = this.net.family === 'ipv4' ? this.net.ifaces[toIface]!.addrs[0]?.hex : undefined;
    return { iface: fromIface, toNode, ...(via ? { viaHex: via } : {}) };
  }

  /** RFC 2328 §16.4: type 1 before type 2; type 2 by its metric, then the distance to the ASBR. */
  private external(node: number): Decision | undefined {
    let best: { type: number; metric: number; dist: number } | undefined;
    let chosen: Array<{ asbr: number; cost: number }> = [];
    for (const a of this.asbrs()) {
      if (a.node === node) continue;
      const d = this.cp.router(a.node);
      const r = this.cp.route(d, node);
      if (!r) continue;
      const cand = a.metricType === 1 ? { type: 1, metric: a.metric + r.cost, dist: 0 } : { type: 2, metric: a.metric, dist: r.cost };
      const cmp = !best ? -1 : cand.type - best.type || cand.metric - best.metric || cand.dist - best.dist;
      if (cmp < 0) {
        best = cand;
        chosen = [{ asbr: a.node, cost: r.cost }];
      } else if (cmp === 0) chosen.push({ asbr: a.node, cost: r.cost });
    }
    if (!best) return undefined;
    const hops: Hop[] = [];
    const seen = new Set<number>();
    for (const c of chosen) {
      const d = this.cp.router(c.asbr);
      for (const e of this.cp.nextHopEdges(d, node, this.cp.route(d, node)!)) {
        if (seen.has(e.fromIface)) continue;
        seen.add(e.fromIface);
        hops.push(this.edgeHop(e.fromIface, e.toIface, e.to));
      }
    }
    // One ASBR reached inter-area through several ABRs: the path to it is one ABR's (see singleAbr).
    let alternatives: Hop[][] | undefined;
    if (chosen.length === 1 && this.singleAbr(node)) {
      const d = this.cp.router(chosen[0]!.asbr);
      alternatives = this.perAbr(d, node, this.cp.route(d, node)!);
    }
    return {
      protocol: best.type === 1 ? 'ospf-external-1' : 'ospf-external-2',
      key: this.defaultKey,
      length: 0,
      metric: best.metric,
      hops,
      ...(alternatives ? { alternatives } : {}),
    };
  }
}
