/**
 * OSPF route computation over one family's network, per destination (a prefix, or a router for
 * ASBR reachability), the way RFC 2328 §16 builds it: intra-area routes by SPF inside each area
 * that holds the destination; inter-area routes from the summaries ABRs originate (an ABR
 * summarises into the backbone what it reaches intra-area elsewhere, and into each other area what
 * it reaches intra-area or through the backbone; an ABR itself examines only backbone summaries);
 * intra before inter. Each area's SPF is a multi-source Dijkstra on the reversed area graph from
 * the routers that advertise the destination, seeded with their own cost, so one run labels every
 * router of the area with its distance and its next hops follow from its neighbours' labels.
 *
 * Failures: a scenario takes interfaces, links or devices down. Only areas whose graph the failure
 * touches, or whose ABRs now advertise different costs, are recomputed; every other area's labels
 * are the base run's, shared. That is what makes every single failure of a 2,000-router province
 * affordable: a township uplink failure recomputes one city's area, not the province.
 */
import type { Edge, FamilyNet } from './adjacency.js';

export interface Scenario {
  /** Interfaces (indices into FamilyNet.ifaces) taken down. */
  ifaces: number[];
  /** Devices (node indices) taken down: every interface of theirs and of their neighbours towards them. */
  nodes: number[];
}

/** A destination's origins: routers advertising it, per area, with their own cost to it. */
export interface Origin {
  node: number;
  area: number;
  cost: number;
}

/** Distance labels of one area for one destination; `local` indexes the area's routers. */
export type Label = Float64Array;

export interface DestinationRoutes {
  key: string;
  origins: Set<number>;
  intra: Array<Label | undefined>;
  inter: Array<Label | undefined>;
  /** Per area, the ABRs whose summaries seed its inter label, with the cost each advertises. */
  interSources: Array<Array<[number, number]> | undefined>;
}

export interface OspfRoute {
  kind: 'intra' | 'inter';
  cost: number;
  /** Areas whose label gives the next hops (several when equal-cost across areas). */
  areas: number[];
  inter: boolean;
}

interface AreaGraph {
  nodes: number[];
  /** In-edges per local router (reverse SPF), and out-edges (next hops), as edge index lists. */
  inEdges: number[][];
  outEdges: number[][];
}

export class ControlPlane {
  readonly areaGraphs: AreaGraph[];
  /** Global node → local index, per area (-1 when not in it). */
  private readonly localOf: Int32Array[];
  readonly ifaceUp: Uint8Array;
  readonly edgeUp: Uint8Array;
  readonly nodeUp: Uint8Array;
  /** Areas a router has an up OSPF interface in, per node. */
  attached: number[][];
  private readonly baseAttached: number[][];
  private dirtyAreas = new Set<number>();
  /** Areas a touched router belongs to: their ABR set (and so their summaries) may have changed. */
  private touchedAreas = new Set<number>();
  /** Areas each router has an interface in (up or not). */
  private readonly memberOf: number[][];
  private touchedNodes = new Set<number>();
  private baseCache = new Map<string, DestinationRoutes>();
  private cache = new Map<string, DestinationRoutes>();
  private inScenario = false;
  private readonly ifaceArea: Int32Array;
  private downIfaces: number[] = [];
  private downEdges: number[] = [];
  private downNodes: number[] = [];
  /** The scenario's down edges per area (what an incremental SPF repairs). */
  private downEdgesOfArea = new Map<number, number[]>();
  /** Areas whose every edge costs more than 0: shortest-path supports then point strictly downhill. */
  private readonly positiveArea: Uint8Array;
  /** Per area, its routers that are ABRs with every element up (in the area's order). */
  private readonly baseAbrs: number[][];
  private readonly stubsByKey = new Map<string, Origin[]>();
  private readonly stubIfaces = new Map<string, number[]>();

  constructor(readonly net: FamilyNet) {
    const n = net.configs.length;
    this.ifaceUp = Uint8Array.from(net.ifaces, (i) => (i.up ? 1 : 0));
    this.edgeUp = new Uint8Array(net.edges.length).fill(1);
    this.nodeUp = new Uint8Array(n).fill(1);
    this.localOf = net.areas.map(() => new Int32Array(n).fill(-1));
    this.areaGraphs = net.areas.map(() => ({ nodes: [], inEdges: [], outEdges: [] }));
    const member = (a: number, node: number) => {
      const local = this.localOf[a]!;
      if (local[node]! < 0) {
        const g = this.areaGraphs[a]!;
        local[node] = g.nodes.length;
        g.nodes.push(node);
        g.inEdges.push([]);
        g.outEdges.push([]);
      }
      return local[node]!;
    };
    net.ifaces.forEach((i) => {
      if (i.ospf) member(net.areas.indexOf(i.ospf.area), i.node);
    });
    net.edges.forEach((e, idx) => {
      const g = this.areaGraphs[e.area]!;
      g.outEdges[member(e.area, e.from)]!.push(idx);
      g.inEdges[member(e.area, e.to)]!.push(idx);
    });
    for (const s of net.stubs) {
      const list = this.stubsByKey.get(s.key) ?? this.stubsByKey.set(s.key, []).get(s.key)!;
      list.push({ node: s.node, area: s.area, cost: s.cost });
      const ifs = this.stubIfaces.get(s.key) ?? this.stubIfaces.set(s.key, []).get(s.key)!;
      ifs.push(s.iface);
    }
    this.ifaceArea = Int32Array.from(net.ifaces, (i) => (i.ospf ? net.areas.indexOf(i.ospf.area) : -1));
    this.baseAttached = net.configs.map((_, node) => this.attachedOf(node));
    this.memberOf = net.configs.map(() => []);
    this.localOf.forEach((local, a) => {
      for (const node of this.areaGraphs[a]!.nodes) if (local[node]! >= 0) this.memberOf[node]!.push(a);
    });
    this.attached = this.baseAttached;
    this.positiveArea = new Uint8Array(net.areas.length).fill(1);
    for (const e of net.edges) if (!(e.cost > 0)) this.positiveArea[e.area] = 0;
    this.baseAbrs = this.areaGraphs.map((g) => g.nodes.filter((node) => this.isAbr(node)));
  }

  private attachedOf(node: number): number[] {
    const out: number[] = [];
    for (const i of this.net.ifacesOf[node]!) {
      const a = this.ifaceArea[i]!;
      if (a >= 0 && this.ifaceUp[i] && !out.includes(a)) out.push(a);
    }
    return out;
  }

  localIndex(area: number, node: number): number {
    return this.localOf[area]![node]!;
  }

  /**
   * The routers of an area that may be ABRs now, in the area's order: the failure-free ABRs and the
   * routers the scenario touched (only theirs can have changed), so summaries need not scan the area.
   */
  private abrCandidates(area: number): number[] {
    const base = this.baseAbrs[area]!;
    if (!this.inScenario || !this.touchedAreas.has(area)) return base;
    const local = this.localOf[area]!;
    const extra = [...this.touchedNodes].filter((node) => local[node]! >= 0 && !base.includes(node));
    return extra.length ? [...base, ...extra].sort((x, y) => local[x]! - local[y]!) : base;
  }

  isAbr(node: number): boolean {
    const a = this.attached[node]!;
    return a.length > 1 && a.includes(this.net.backbone);
  }

  /** Take the scenario's elements down (after restoring the base state). */
  apply(s: Scenario): void {
    this.restore();
    if (!s.ifaces.length && !s.nodes.length) return;
    this.inScenario = true;
    const down = new Set(s.ifaces);
    for (const node of s.nodes) {
      this.nodeUp[node] = 0;
      this.downNodes.push(node);
      for (const i of this.net.ifacesOf[node]!) down.add(i);
    }
    for (const i of [...down]) {
      // A point-to-point link's far end loses carrier too.
      const peer = this.net.ifaces[i]!.peer;
      if (peer !== undefined) down.add(peer);
    }
    for (const i of down) {
      const iface = this.net.ifaces[i]!;
      if (this.ifaceUp[i]) this.downIfaces.push(i);
      this.ifaceUp[i] = 0;
      this.touchedNodes.add(iface.node);
      if (this.ifaceArea[i]! >= 0) this.dirtyAreas.add(this.ifaceArea[i]!);
      if (iface.link) {
        for (const e of this.net.edgesOfLink.get(iface.link) ?? []) {
          if (this.edgeUp[e]) {
            this.downEdges.push(e);
            const area = this.net.edges[e]!.area;
            (this.downEdgesOfArea.get(area) ?? this.downEdgesOfArea.set(area, []).get(area)!).push(e);
          }
          this.edgeUp[e] = 0;
        }
      }
    }
    this.attached = this.baseAttached.slice();
    for (const node of this.touchedNodes) {
      this.attached[node] = this.attachedOf(node);
      for (const a of this.memberOf[node]!) this.touchedAreas.add(a);
    }
  }

  restore(): void {
    if (!this.inScenario) return;
    for (const i of this.downIfaces) this.ifaceUp[i] = 1;
    for (const e of this.downEdges) this.edgeUp[e] = 1;
    for (const n of this.downNodes) this.nodeUp[n] = 1;
    this.downIfaces = [];
    this.downEdges = [];
    this.downNodes = [];
    this.downEdgesOfArea.clear();
    this.attached = this.baseAttached;
    this.dirtyAreas.clear();
    this.touchedNodes.clear();
    this.touchedAreas.clear();
    this.cache.clear();
    this.inScenario = false;
  }

  get dirty(): ReadonlySet<number> {
    return this.dirtyAreas;
  }

  get touched(): ReadonlySet<number> {
    return this.touchedNodes;
  }

  /** The scenario took the device down or one of its interfaces (its own state may differ from the base). */
  touches(node: number): boolean {
    return !this.nodeUp[node] || this.touchedNodes.has(node);
  }

  /** Routes towards a prefix advertised as a stub (interface prefix) by some routers. */
  prefix(key: string): DestinationRoutes {
    return this.destination(key, () => {
      const origins = this.stubsByKey.get(key) ?? [];
      const ifs = this.stubIfaces.get(key) ?? [];
      return origins.filter((_, k) => this.ifaceUp[ifs[k]!]);
    });
  }

  /** Routes towards a router itself (what ASBR-summary LSAs carry). */
  router(node: number): DestinationRoutes {
    return this.destination(`router:${node}`, () => (this.nodeUp[node] ? this.attached[node]!.map((area) => ({ node, area, cost: 0 })) : []));
  }

  private destination(key: string, origins: () => Origin[]): DestinationRoutes {
    const cache = this.inScenario ? this.cache : this.baseCache;
    const hit = cache.get(key);
    if (hit) return hit;
    const base = this.inScenario ? this.baseCache.get(key) : undefined;
    const result = this.compute(key, origins(), base);
    cache.set(key, result);
    return result;
  }

  /** The routes of the base state (no failure) for a destination key, if computed. */
  baseRoutes(key: string): DestinationRoutes | undefined {
    return this.baseCache.get(key);
  }

  /** Base routes for a set of destinations, computed before any scenario is applied. */
  baseline(keys: string[], routers: number[]): void {
    if (this.inScenario) throw new Error('baseline() runs before apply()');
    for (const k of keys) this.prefix(k);
    for (const r of routers) this.router(r);
  }

  private compute(key: string, origins: Origin[], base: DestinationRoutes | undefined): DestinationRoutes {
    const areas = this.net.areas.length;
    const bb = this.net.backbone;
    const out: DestinationRoutes = {
      key,
      origins: new Set(origins.map((o) => o.node)),
      intra: new Array(areas),
      inter: new Array(areas),
      interSources: new Array(areas),
    };
    const byArea = new Map<number, Array<[number, number]>>();
    for (const o of origins) {
      const list = byArea.get(o.area) ?? byArea.set(o.area, []).get(o.area)!;
      list.push([o.node, o.cost]);
    }
    for (const [a, sources] of byArea) out.intra[a] = this.label(a, sources, base?.intra[a], base ? sig(base, 'intra', a) : undefined);
    const intraCost = (node: number, exclude: number): number => {
      let best = Infinity;
      for (const a of this.attached[node]!) {
        if (a === exclude) continue;
        const l = out.intra[a];
        if (!l) continue;
        const v = l[this.localOf[a]![node]!]!;
        if (v < best) best = v;
      }
      return best;
    };
    const hasIntraIn = (node: number, area: number): boolean => {
      const l = out.intra[area];
      return !!l && l[this.localOf[area]![node]!]! < Infinity;
    };
    // In a failure, an area's summaries are the base ones when nothing they follow from changed: the
    // intra-area labels (every area's), the area's own graph and its ABRs. Skipping the per-ABR work
    // then is what keeps a township's failure from costing a province-wide pass per destination.
    let sameIntra = base !== undefined;
    for (let a = 0; sameIntra && a < areas; a++) if (out.intra[a] !== base!.intra[a]) sameIntra = false;
    const reusable = (a: number) => sameIntra && !this.dirtyAreas.has(a) && !this.touchedAreas.has(a);
    // Into the backbone: ABRs' intra-area routes from the other areas — an ABR's own networks in
    // another area included (its label there is its own cost: RFC 2328 §12.4.3 summarises every
    // intra-area route of an attached area, whether it is the ABR's own stub or a neighbour's).
    if (bb >= 0 && reusable(bb)) {
      out.inter[bb] = base!.inter[bb];
      out.interSources[bb] = base!.interSources[bb];
    } else if (bb >= 0) {
      const sources: Array<[number, number]> = [];
      for (const node of this.abrCandidates(bb)) {
        if (!this.nodeUp[node] || !this.isAbr(node)) continue;
        if (hasIntraIn(node, bb) && intraCost(node, -1) === out.intra[bb]![this.localOf[bb]![node]!]) continue; // its best is backbone-internal
        const c = intraCost(node, bb);
        if (c < Infinity) sources.push([node, c]);
      }
      if (sources.length) {
        out.inter[bb] = this.label(bb, sources, base?.inter[bb], base ? sig(base, 'inter', bb) : undefined);
        out.interSources[bb] = sources;
      }
    }
    // Into every other area: what each ABR reaches, intra elsewhere or through the backbone.
    const sameBackbone = bb < 0 || out.inter[bb] === base?.inter[bb];
    for (let a = 0; a < areas; a++) {
      if (a === bb) continue;
      if (sameBackbone && reusable(a)) {
        out.inter[a] = base!.inter[a];
        out.interSources[a] = base!.interSources[a];
        continue;
      }
      const sources: Array<[number, number]> = [];
      for (const node of this.abrCandidates(a)) {
        if (!this.nodeUp[node] || !this.isAbr(node) || !this.attached[node]!.includes(a)) continue;
        const r = this.summaryRoute(out, node);
        if (!r) continue;
        if (r.kind === 'intra' && r.areas.includes(a)) continue;
        sources.push([node, r.cost]);
      }
      if (sources.length) {
        out.inter[a] = this.label(a, sources, base?.inter[a], base ? sig(base, 'inter', a) : undefined);
        out.interSources[a] = sources;
      }
    }
    return out;
  }

  /**
   * The route an ABR summarises into its other areas: its own networks count (cost: its own cost to
   * them, as the label holds it), unlike in `route`, where a router's own network is connected.
   */
  private summaryRoute(d: DestinationRoutes, node: number): OspfRoute | undefined {
    return this.route(d, node, true);
  }

  /** A router's OSPF route to the destination (undefined: none, or it advertises the destination itself). */
  route(d: DestinationRoutes, node: number, ownCounts = false): OspfRoute | undefined {
    if ((!ownCounts && d.origins.has(node)) || !this.nodeUp[node]) return undefined;
    let best = Infinity;
    let areas: number[] = [];
    for (const a of this.attached[node]!) {
      const l = d.intra[a];
      if (!l) continue;
      const v = l[this.localOf[a]![node]!]!;
      if (v < best) {
        best = v;
        areas = [a];
      } else if (v === best && v < Infinity) areas.push(a);
    }
    if (best < Infinity) return { kind: 'intra', cost: best, areas, inter: false };
    const candidates = this.isAbr(node) ? [this.net.backbone] : this.attached[node]!;
    for (const a of candidates) {
      const l = d.inter[a];
      if (!l) continue;
      const v = l[this.localOf[a]![node]!]!;
      if (v < best) {
        best = v;
        areas = [a];
      } else if (v === best && v < Infinity) areas.push(a);
    }
    return best < Infinity ? { kind: 'inter', cost: best, areas, inter: true } : undefined;
  }

  /** Next-hop edges of a router along a route: neighbours whose label plus the link cost is its own. */
  nextHopEdges(d: DestinationRoutes, node: number, r: OspfRoute): Edge[] {
    const out: Edge[] = [];
    for (const a of r.areas) {
      const l = (r.kind === 'intra' ? d.intra : d.inter)[a]!;
      const local = this.localOf[a]!;
      const mine = l[local[node]!]!;
      for (const e of this.areaGraphs[a]!.outEdges[local[node]!]!) {
        if (!this.edgeUp[e]) continue;
        const edge = this.net.edges[e]!;
        if (edge.cost + l[local[edge.to]!]! === mine) out.push(edge);
      }
    }
    return out;
  }

  /**
   * An inter-area route's next hops per ABR it runs through (ABR → next-hop edges), for dialects
   * that install only one ABR's path (DialectBehaviour.ospfv3SingleAbrPath). One entry: one ABR.
   */
  nextHopEdgesPerAbr(d: DestinationRoutes, node: number, r: OspfRoute): Map<number, Edge[]> {
    const out = new Map<number, Edge[]>();
    if (r.kind !== 'inter') return out;
    for (const a of r.areas) {
      for (const [abr, cost] of d.interSources[a] ?? []) {
        if (abr === node) continue;
        const toAbr = this.router(abr);
        const l = toAbr.intra[a];
        const local = this.localOf[a]![node]!;
        if (!l || local < 0 || l[local]! + cost !== r.cost) continue;
        const edges = this.nextHopEdges(toAbr, node, { kind: 'intra', cost: l[local]!, areas: [a], inter: false });
        if (edges.length) out.set(abr, [...(out.get(abr) ?? []), ...edges]);
      }
    }
    return out;
  }

  /**
   * Multi-source Dijkstra on the reversed area graph; the base label when nothing it depends on
   * changed, and the base label repaired (`repair`) when the same sources remain and only edges went down.
   */
  private label(area: number, sources: Array<[number, number]>, base: Label | undefined, baseSig: string | undefined): Label {
    const signature = sources
      .map(([n, c]) => `${n}:${c}`)
      .sort()
      .join(',');
    if (base && baseSig === signature) {
      if (!this.dirtyAreas.has(area)) return base;
      if (this.positiveArea[area]) {
        const l = this.repair(area, sources, base, this.downEdgesOfArea.get(area) ?? []);
        if (l !== base) SIGNATURES.set(l, signature);
        return l;
      }
    }
    const l = this.dijkstra(area, sources);
    SIGNATURES.set(l, signature);
    return l;
  }

  /**
   * Incremental SPF after edges went down (the same sources, every cost > 0): only the routers
   * whose every shortest path used a down edge lose their distance. Those are found walking up the
   * shortest-path DAG from the down edges in order of base distance (a router's supports — a source
   * at its own distance, or an up edge to a router one cost nearer — all sit strictly nearer, so
   * they are settled before it is examined); then a Dijkstra over just them, seeded from their
   * neighbours that kept their distance, gives their new ones. The result equals a full run.
   */
  private repair(area: number, sources: Array<[number, number]>, base: Label, down: number[]): Label {
    const g = this.areaGraphs[area]!;
    const local = this.localOf[area]!;
    const edges = this.net.edges;
    const seed = new Map<number, number>();
    for (const [node, cost] of sources) {
      const i = local[node]!;
      if (!(cost >= (seed.get(i) ?? Infinity))) seed.set(i, cost);
    }
    const tight = (e: number) => {
      const edge = edges[e]!;
      return edge.cost + base[local[edge.to]!]! === base[local[edge.from]!]!;
    };
    const queued = new Uint8Array(g.nodes.length);
    const lost = new Uint8Array(g.nodes.length);
    const heap = new MinHeap(down.length + 4);
    const enqueue = (i: number) => {
      if (queued[i] || base[i] === Infinity) return;
      queued[i] = 1;
      heap.push(base[i]!, i);
    };
    for (const e of down) if (tight(e)) enqueue(local[edges[e]!.from]!);
    if (!heap.size) return base;
    const invalid: number[] = [];
    while (heap.size) {
      const [d, i] = heap.pop();
      let supported = seed.get(i) === d;
      for (const e of g.outEdges[i]!) {
        if (supported) break;
        if (this.edgeUp[e] && tight(e) && !lost[local[edges[e]!.to]!]) supported = true;
      }
      if (supported) continue;
      lost[i] = 1;
      invalid.push(i);
      for (const e of g.inEdges[i]!) if (this.edgeUp[e] && tight(e)) enqueue(local[edges[e]!.from]!);
    }
    if (!invalid.length) return base;
    const dist = Float64Array.from(base);
    const redo = new MinHeap(invalid.length + 4);
    for (const i of invalid) {
      let best = seed.get(i) ?? Infinity;
      for (const e of g.outEdges[i]!) {
        if (!this.edgeUp[e]) continue;
        const edge = edges[e]!;
        const to = local[edge.to]!;
        if (!lost[to] && edge.cost + base[to]! < best) best = edge.cost + base[to]!;
      }
      dist[i] = best;
      if (best < Infinity) redo.push(best, i);
    }
    while (redo.size) {
      const [d, m] = redo.pop();
      if (d > dist[m]!) continue;
      for (const e of g.inEdges[m]!) {
        if (!this.edgeUp[e]) continue;
        const edge = edges[e]!;
        const n = local[edge.from]!;
        if (!lost[n]) continue;
        const nd = d + edge.cost;
        if (nd < dist[n]!) {
          dist[n] = nd;
          redo.push(nd, n);
        }
      }
    }
    return dist;
  }

  private dijkstra(area: number, sources: Array<[number, number]>): Label {
    const g = this.areaGraphs[area]!;
    const local = this.localOf[area]!;
    const dist = new Float64Array(g.nodes.length).fill(Infinity);
    const heap = new MinHeap(g.nodes.length + sources.length);
    for (const [node, cost] of sources) {
      const i = local[node]!;
      if (cost < dist[i]!) {
        dist[i] = cost;
        heap.push(cost, i);
      }
    }
    const edges = this.net.edges;
    while (heap.size) {
      const [d, m] = heap.pop();
      if (d > dist[m]!) continue;
      for (const e of g.inEdges[m]!) {
        if (!this.edgeUp[e]) continue;
        const edge = edges[e]!;
        const n = local[edge.from]!;
        const nd = d + edge.cost;
        if (nd < dist[n]!) {
          dist[n] = nd;
          heap.push(nd, n);
        }
      }
    }
    return dist;
  }
}

const SIGNATURES = new WeakMap<Label, string>();

function sig(d: DestinationRoutes, kind: 'intra' | 'inter', area: number): string | undefined {
  const l = d[kind][area];
  return l ? SIGNATURES.get(l) : '';
}

/** Binary heap of (distance, index) pairs in typed arrays. */
class MinHeap {
  private keys: Float64Array;
  private vals: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(4, capacity));
    this.vals = new Int32Array(Math.max(4, capacity));
  }
  push(k: number, v: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.size * 2);
      keys.set(this.keys);
      const vals = new Int32Array(this.size * 2);
      vals.set(this.vals);
      this.keys = keys;
      this.vals = vals;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p]! <= k) break;
      this.keys[i] = this.keys[p]!;
      this.vals[i] = this.vals[p]!;
      i = p;
    }
    this.keys[i] = k;
    this.vals[i] = v;
  }
  pop(): [number, number] {
    const k = this.keys[0]!;
    const v = this.vals[0]!;
    const lastK = this.keys[--this.size]!;
    const lastV = this.vals[this.size]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.size) break;
      if (c + 1 < this.size && this.keys[c + 1]! < this.keys[c]!) c++;
      if (this.keys[c]! >= lastK) break;
      this.keys[i] = this.keys[c]!;
      this.vals[i] = this.vals[c]!;
      i = c;
    }
    this.keys[i] = lastK;
    this.vals[i] = lastV;
    return [k, v];
  }
}
