/**
 * What the NOC page draws, pure: the backbone as a graph of the polled devices (placed in rings by
 * the level of their site: province in the middle, then cities, departments and data centres, then
 * counties, then townships) and the links between them, each with its state and its utilisation
 * against its tier's rate. Built from the daemon's own targets — the same bindings the poller
 * raises link faults from — so the page shows exactly what the daemon watches.
 *
 * Invariants: a link is drawn only when both of its ends are polled devices (an uplink out of a lab
 * scope has no second node to end on); a link is `down` when any end reports it down, `up` when an
 * end has reported it up and none down, `unknown` before anyone has said anything.
 */
import type { PollTarget } from '../types.js';

export type ObjectState = 'up' | 'down' | 'unknown';

export interface MapNode {
  id: string;
  site: string;
  city: string;
  level: string;
  /** Ring on the map: 0 is the middle. */
  ring: number;
  /** Where the page draws it (its preset layout): computed here, once, not by the browser. */
  x: number;
  y: number;
  state: ObjectState;
}

export interface MapEdge {
  id: string;
  source: string;
  target: string;
  tier: string;
  bandwidthMbps: number;
  state: ObjectState;
  /** Highest utilisation of the two ends' last polls against the tier's rate (0…1+); null before two polls. */
  utilisation: number | null;
}

export interface BackboneMap {
  nodes: MapNode[];
  edges: MapEdge[];
}

const RING: Record<string, number> = { province: 0, city: 1, department: 1, datacenter: 1, county: 2, township: 3 };

export function ringOf(level: string): number {
  return RING[level] ?? 2;
}

/** Drawn diameter of a node per ring, in map units (the page draws the same: page/app.mjs NODE_SIZE). */
const NODE_SIZE = [22, 14, 8, 5];

/**
 * Each ring's nodes evenly spaced on a circle, sorted by city so that a city's counties and
 * townships sit in the same sector as the city; a ring's radius is what its nodes need side by side
 * and clears the ring inside it. Computed here because Cytoscape's own concentric layout took 6 s
 * of the page's load for the full province (2,052 nodes) in headless Chromium; placing them is O(n).
 */
function placeRings(nodes: Array<Omit<MapNode, 'x' | 'y'>>): MapNode[] {
  const sparse = nodes.length <= 200; // a lab scope: room for labels
  const rings = new Map<number, Array<Omit<MapNode, 'x' | 'y'>>>();
  for (const n of nodes) rings.set(n.ring, [...(rings.get(n.ring) ?? []), n]);
  const at = new Map<string, { x: number; y: number }>();
  let inner = 0;
  for (const r of [...rings.keys()].sort((a, b) => a - b)) {
    const list = rings.get(r)!.sort((a, b) => (a.city + a.id < b.city + b.id ? -1 : 1));
    const size = NODE_SIZE[r] ?? 6;
    const spacing = sparse ? 60 : size + 3;
    const radius = list.length === 1 && inner === 0 ? 0 : Math.max(inner + (sparse ? 80 : 4 * size), (list.length * spacing) / (2 * Math.PI));
    // every other ring turned by half a step, so a link between rings does not run through a node
    const turn = r % 2 === 0 ? Math.PI / list.length : 0;
    list.forEach((n, i) => {
      const angle = (2 * Math.PI * i) / list.length - Math.PI / 2 + turn;
      at.set(n.id, { x: Math.round(radius * Math.cos(angle) * 10) / 10, y: Math.round(radius * Math.sin(angle) * 10) / 10 });
    });
    inner = radius + size;
  }
  return nodes.map((n) => ({ ...n, ...at.get(n.id)! }));
}

/** The map of `targets`, every object still unknown (the daemon fills states in as it learns them). */
export function backboneMap(targets: readonly PollTarget[]): BackboneMap {
  const nodes = placeRings(
    targets.map((t) => {
      const p = t.placement ?? { site: t.device, city: 'unknown', level: 'unknown' };
      return { id: t.device, site: p.site, city: p.city, level: p.level, ring: ringOf(p.level), state: 'unknown' as const };
    }),
  );
  const ends = new Map<string, { devices: string[]; tier: string; bandwidthMbps: number }>();
  for (const t of targets) {
    for (const b of Object.values(t.interfaces ?? {})) {
      const e = ends.get(b.link) ?? { devices: [], tier: b.tier, bandwidthMbps: b.bandwidthMbps };
      if (!e.devices.includes(t.device)) e.devices.push(t.device);
      ends.set(b.link, e);
    }
  }
  const edges: MapEdge[] = [];
  for (const [id, e] of [...ends].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (e.devices.length !== 2) continue;
    edges.push({ id, source: e.devices[0]!, target: e.devices[1]!, tier: e.tier, bandwidthMbps: e.bandwidthMbps, state: 'unknown', utilisation: null });
  }
  return { nodes, edges };
}

/** A link's state from what its ends last said (true = that end sees it down). */
export function linkState(endsDown: ReadonlyMap<string, boolean> | undefined): ObjectState {
  if (!endsDown || endsDown.size === 0) return 'unknown';
  for (const down of endsDown.values()) if (down) return 'down';
  return 'up';
}
