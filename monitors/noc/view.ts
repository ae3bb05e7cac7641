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

/** The map of `targets`, every object still unknown (the daemon fills states in as it learns them). */
export function backboneMap(targets: readonly PollTarget[]): BackboneMap {
  const nodes: MapNode[] = targets.map((t) => {
    const p = t.placement ?? { site: t.device, city: 'unknown', level: 'unknown' };
    return { id: t.device, site: p.site, city: p.city, level: p.level, ring: ringOf(p.level), state: 'unknown' };
  });
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
