/**
 * What the NOC page draws, pure: the backbone as a graph of the polled devices (placed in rings by
 * the level of their site: province in the middle, then cities, departments and data centres, then
 * counties, then townships) and the links between them, each with its state and its utilisation
 * against its tier's rate. Built from the daemon's own targets — the same bindings the poller
 * raises link faults from — so the page shows exactly what the daemon watches.
 *
 * At the province's zoom the page draws each county's townships as one aggregate (a `MapGroup`, with
 * one `MapGroupEdge` per county router their uplinks end on): 1,768 townships and their 3,536
 * uplinks are most of the map's elements, and the first frame of all of them in software-rendered
 * Chromium alone took longer than the page's 2 s budget. The page opens a county's townships when
 * one zooms in on them or clicks the aggregate.
 *
 * Invariants: a link is drawn only when both of its ends are polled devices (an uplink out of a lab
 * scope has no second node to end on); a link is `down` when any end reports it down, `up` when an
 * end has reported it up and none down, `unknown` before anyone has said anything. An aggregate is
 * `down` as soon as one of its townships or one of their links is down (a fault on a township shows
 * on its county at once), `unknown` while any of them is unseen, else `up`.
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

/** A county's townships drawn as one node (see the file's comment). */
export interface MapGroup {
  /** `townships:<county site>`: never a device id (those have no colon). */
  id: string;
  /** The county's site. */
  site: string;
  city: string;
  /** The township devices it stands for. */
  members: string[];
  /** At the middle of its members' arc on the townships' ring. */
  x: number;
  y: number;
  /** Drawn diameter, in map units: grows with its members. */
  size: number;
  state: ObjectState;
  devicesDown: number;
  linksDown: number;
  /** Members and links not yet seen up or down. */
  unseen: number;
}

/** The members' links that end on one device outside the group, drawn as one edge while the group is closed. */
export interface MapGroupEdge {
  /** `<group id>>device`. */
  id: string;
  /** The group. */
  source: string;
  /** The device outside it (a county router). */
  target: string;
  tier: string;
  members: string[];
  state: ObjectState;
  /** Busiest member link (0…1+); null before any was measured. */
  utilisation: number | null;
}

export interface BackboneMap {
  nodes: MapNode[];
  edges: MapEdge[];
  groups: MapGroup[];
  groupEdges: MapGroupEdge[];
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
  return { nodes, edges, ...groupTownships(nodes, edges) };
}

/** The county a township's site belongs to: its site id without the last part (`xian.yanta.t01` → `xian.yanta`). */
function countyOf(site: string): string {
  const dot = site.lastIndexOf('.');
  return dot > 0 ? site.slice(0, dot) : site;
}

/** Every county's townships as one group, and their links to the rest as one edge per device they end on. */
function groupTownships(nodes: readonly MapNode[], edges: readonly MapEdge[]): Pick<BackboneMap, 'groups' | 'groupEdges'> {
  const groups = new Map<string, MapGroup>();
  const groupOf = new Map<string, MapGroup>();
  for (const n of nodes) {
    if (n.level !== 'township') continue;
    const site = countyOf(n.site);
    const id = `townships:${site}`;
    const g = groups.get(id) ?? { id, site, city: n.city, members: [], x: 0, y: 0, size: 0, state: 'unknown', devicesDown: 0, linksDown: 0, unseen: 0 };
    g.members.push(n.id);
    groups.set(id, g);
    groupOf.set(n.id, g);
  }
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const g of groups.values()) {
    // the mean of the members' places, pushed back out onto their ring (the mean of an arc lies inside it)
    const at = g.members.map((m) => byId.get(m)!);
    const mx = at.reduce((s, n) => s + n.x, 0) / at.length;
    const my = at.reduce((s, n) => s + n.y, 0) / at.length;
    const radius = at.reduce((s, n) => s + Math.hypot(n.x, n.y), 0) / at.length;
    const len = Math.hypot(mx, my);
    const scale = len > 0 ? radius / len : 1;
    g.x = Math.round(mx * scale * 10) / 10;
    g.y = Math.round(my * scale * 10) / 10;
    g.size = Math.min(40, (NODE_SIZE[3] ?? 5) + 2 * Math.sqrt(g.members.length) * 3);
  }
  const groupEdges = new Map<string, MapGroupEdge>();
  for (const e of edges) {
    const gs = groupOf.get(e.source);
    const gt = groupOf.get(e.target);
    // a link inside one county's townships stays inside the aggregate; between two counties' townships
    // (the topology has none) it is drawn only when both are open
    if ((gs === undefined) === (gt === undefined)) continue;
    const g = (gs ?? gt)!;
    const outside = gs ? e.target : e.source;
    const id = `${g.id}>${outside}`;
    const ge = groupEdges.get(id) ?? { id, source: g.id, target: outside, tier: e.tier, members: [], state: 'unknown' as ObjectState, utilisation: null };
    ge.members.push(e.id);
    groupEdges.set(id, ge);
  }
  const list = [...groups.values()];
  const edgeList = [...groupEdges.values()];
  for (const g of list) Object.assign(g, groupState(g, byId, membersLinks(g, edgeList, edges)));
  for (const ge of edgeList) Object.assign(ge, groupEdgeState(ge, new Map(edges.map((e) => [e.id, e]))));
  return { groups: list, groupEdges: edgeList };
}

function membersLinks(g: MapGroup, groupEdges: readonly MapGroupEdge[], edges: readonly MapEdge[]): MapEdge[] {
  const ids = new Set(groupEdges.filter((ge) => ge.source === g.id).flatMap((ge) => ge.members));
  return edges.filter((e) => ids.has(e.id));
}

/** Worst first: one down makes the aggregate down; then one unseen makes it unknown. */
function worst(states: Iterable<ObjectState>): ObjectState {
  let unknown = false;
  let any = false;
  for (const s of states) {
    any = true;
    if (s === 'down') return 'down';
    if (s === 'unknown') unknown = true;
  }
  return unknown || !any ? 'unknown' : 'up';
}

/** A group's state and counts from its members' devices and links as they are now. */
export function groupState(
  g: Pick<MapGroup, 'members'>,
  nodes: ReadonlyMap<string, Pick<MapNode, 'state'>>,
  links: Iterable<Pick<MapEdge, 'state'>>,
): Pick<MapGroup, 'state' | 'devicesDown' | 'linksDown' | 'unseen'> {
  const devices = g.members.map((m) => nodes.get(m)?.state ?? 'unknown');
  const linkStates = [...links].map((l) => l.state);
  const all = [...devices, ...linkStates];
  return {
    state: worst(all),
    devicesDown: devices.filter((s) => s === 'down').length,
    linksDown: linkStates.filter((s) => s === 'down').length,
    unseen: all.filter((s) => s === 'unknown').length,
  };
}

/** A group edge's state (worst of its links) and utilisation (the busiest). */
export function groupEdgeState(
  ge: Pick<MapGroupEdge, 'members'>,
  edges: ReadonlyMap<string, Pick<MapEdge, 'state' | 'utilisation'>>,
): Pick<MapGroupEdge, 'state' | 'utilisation'> {
  const members = ge.members.map((id) => edges.get(id)).filter((e) => e !== undefined);
  const used = members.map((e) => e.utilisation).filter((u) => u !== null);
  return { state: worst(members.map((e) => e.state)), utilisation: used.length ? Math.max(...used) : null };
}

/** A link's state from what its ends last said (true = that end sees it down). */
export function linkState(endsDown: ReadonlyMap<string, boolean> | undefined): ObjectState {
  if (!endsDown || endsDown.size === 0) return 'unknown';
  for (const down of endsDown.values()) if (down) return 'down';
  return 'up';
}
