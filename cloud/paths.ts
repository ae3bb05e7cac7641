/**
 * Paths over the backbone for replication traffic. Parallel links between two sites (dual homing:
 * each leaf router to both parent cores, OSPF spreading equal-cost traffic over them) form one
 * site-to-site edge whose capacity is their sum. The path is the widest one over that site graph
 * (largest bottleneck capacity, then fewest hops, then site ids). Pure, over the Topology.
 */
import type { Topology } from '../network/types.js';

interface BackboneHop {
  from: string;
  to: string;
  /** The parallel links between the two sites. */
  links: string[];
  capacityMbps: number;
}

export interface BackbonePath {
  /** Site ids from the source site to the target site. */
  sites: string[];
  hops: BackboneHop[];
  bottleneckMbps: number;
}

export interface PathFinder {
  widest(fromSite: string, toSite: string): BackbonePath | undefined;
}

export function pathFinder(topology: Topology): PathFinder {
  const siteOf = new Map(topology.devices.map((d) => [d.id, d.site]));
  const edges = new Map<string, BackboneHop>();
  const adj = new Map<string, string[]>();
  for (const l of topology.links) {
    const a = siteOf.get(l.a.device);
    const b = siteOf.get(l.b.device);
    if (!a || !b || a === b) continue;
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const key = `${x}>${y}`;
      let e = edges.get(key);
      if (!e) {
        edges.set(key, (e = { from: x, to: y, links: [], capacityMbps: 0 }));
        let list = adj.get(x);
        if (!list) adj.set(x, (list = []));
        list.push(y);
      }
      e.links.push(l.id);
      e.capacityMbps += l.bandwidthMbps;
    }
  }
  return {
    widest(fromSite, toSite) {
      if (!adj.has(fromSite) || !adj.has(toSite)) return undefined;
      // Dijkstra on (−bottleneck, hops, id): a maximin path with deterministic ties.
      const best = new Map<string, { width: number; hops: number; prev?: string }>([[fromSite, { width: Infinity, hops: 0 }]]);
      const queue = new Heap<{ id: string; width: number; hops: number }>(better);
      queue.push({ id: fromSite, width: Infinity, hops: 0 });
      const done = new Set<string>();
      while (queue.size) {
        const cur = queue.pop()!;
        if (done.has(cur.id)) continue;
        done.add(cur.id);
        if (cur.id === toSite) break;
        for (const next of adj.get(cur.id) ?? []) {
          if (done.has(next)) continue;
          const width = Math.min(cur.width, edges.get(`${cur.id}>${next}`)!.capacityMbps);
          const cand = { id: next, width, hops: cur.hops + 1 };
          const known = best.get(next);
          if (!known || better(cand, { id: next, ...known })) {
            best.set(next, { width, hops: cand.hops, prev: cur.id });
            queue.push(cand);
          }
        }
      }
      if (!done.has(toSite)) return undefined;
      const sites: string[] = [];
      for (let cur: string | undefined = toSite; cur !== undefined; cur = best.get(cur)!.prev) sites.unshift(cur);
      const hops = sites.slice(1).map((to, i) => edges.get(`${sites[i]}>${to}`)!);
      return { sites, hops, bottleneckMbps: best.get(toSite)!.width };
    },
  };
}

function better(a: { id: string; width: number; hops: number }, b: { id: string; width: number; hops: number }): boolean {
  if (a.width !== b.width) return a.width > b.width;
  if (a.hops !== b.hops) return a.hops < b.hops;
  return a.id < b.id;
}

/** A binary heap ordered by `first(a, b)` (true when a comes out before b). */
class Heap<T> {
  private items: T[] = [];
  constructor(private readonly first: (a: T, b: T) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.first(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.first(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.first(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
