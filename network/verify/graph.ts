/**
 * The topology as a compact undirected graph per address family, the shape every graph check
 * (reachability, bridges, articulation points) walks. Nodes are devices plus one virtual node for
 * "the internet" beyond the exit; a link is an edge of a family only when both its ends carry an
 * address of that family, so an IPv4-only link simply does not exist in the IPv6 graph.
 * Adjacency is stored as CSR (offset + target arrays): 6,000+ nodes and their links fit in a few
 * typed arrays, which keeps the per-family walks fast and allocation-free.
 */
import type { Device, Family, Topology } from '../types.js';

export interface FamilyGraph {
  family: Family;
  /** Device ids by node index; the upstream node (when present) is index `devices.length`. */
  devices: string[];
  /** Site id of each device node. */
  siteOfNode: string[];
  /** Index of the virtual internet node, or -1 when the family has no upstream at all. */
  upstream: number;
  nodeCount: number;
  /** Edge ids (link ids, or `internet:<exit device>` for an exit's upstream edge). */
  edgeIds: string[];
  /** CSR adjacency: neighbours of node n are targets[offsets[n] .. offsets[n+1]). */
  offsets: Int32Array;
  targets: Int32Array;
  /** Edge index of each half-edge, parallel to `targets` (parallel links stay distinct). */
  edgeOfHalf: Int32Array;
  /** Nodes that are province core routers (the targets of the "reach the core" check). */
  coreNodes: number[];
}

export const UPSTREAM_NODE_ID = 'internet';

function hasFamily(value: string | undefined): boolean {
  return typeof value === 'string' && value.length > 0;
}

/** Exit devices that face the internet in `family` (an `internet` interface with such an address). */
function internetFacing(device: Device, family: Family): boolean {
  return device.interfaces.some((i) => i.kind === 'internet' && hasFamily(i[family]));
}

export function buildFamilyGraph(topology: Topology, family: Family): FamilyGraph {
  const devices = topology.devices.map((d) => d.id);
  const siteOfNode = topology.devices.map((d) => d.site);
  const index = new Map<string, number>();
  devices.forEach((id, i) => index.set(id, i));

  const edgeIds: string[] = [];
  const us: number[] = [];
  const vs: number[] = [];
  for (const link of topology.links) {
    if (!hasFamily(link.a[family]) || !hasFamily(link.b[family])) continue;
    const u = index.get(link.a.device);
    const v = index.get(link.b.device);
    if (u === undefined || v === undefined || u === v) continue;
    edgeIds.push(link.id);
    us.push(u);
    vs.push(v);
  }

  let upstream = -1;
  if (hasFamily(topology.exit.upstream[family])) {
    upstream = devices.length;
    const exits = new Set([topology.exit.primary, topology.exit.standby]);
    for (const device of topology.devices) {
      if (!exits.has(device.id) || !internetFacing(device, family)) continue;
      edgeIds.push(`${UPSTREAM_NODE_ID}:${device.id}`);
      us.push(upstream);
      vs.push(index.get(device.id)!);
    }
  }
  const nodeCount = devices.length + (upstream >= 0 ? 1 : 0);

  const degree = new Int32Array(nodeCount + 1);
  for (let e = 0; e < us.length; e++) {
    degree[us[e]! + 1]!++;
    degree[vs[e]! + 1]!++;
  }
  const offsets = new Int32Array(nodeCount + 1);
  for (let n = 0; n < nodeCount; n++) offsets[n + 1] = offsets[n]! + degree[n + 1]!;
  const fill = offsets.slice(0, nodeCount);
  const targets = new Int32Array(us.length * 2);
  const edgeOfHalf = new Int32Array(us.length * 2);
  for (let e = 0; e < us.length; e++) {
    const u = us[e]!;
    const v = vs[e]!;
    targets[fill[u]!] = v;
    edgeOfHalf[fill[u]!++] = e;
    targets[fill[v]!] = u;
    edgeOfHalf[fill[v]!++] = e;
  }

  const provinceSite = topology.province.id;
  const coreNodes: number[] = [];
  topology.devices.forEach((d, i) => {
    if (d.site === provinceSite && d.role === 'core') coreNodes.push(i);
  });
  return { family, devices, siteOfNode, upstream, nodeCount, edgeIds, offsets, targets, edgeOfHalf, coreNodes };
}

/** Name of a node for messages: a device id, or `internet`. */
export function nodeName(g: FamilyGraph, node: number): string {
  return node === g.upstream ? UPSTREAM_NODE_ID : g.devices[node]!;
}

/** Component label of every node (BFS with an array queue); -1 never happens after the call. */
export function components(g: FamilyGraph): Int32Array {
  const label = new Int32Array(g.nodeCount).fill(-1);
  const queue = new Int32Array(g.nodeCount);
  let next = 0;
  for (let start = 0; start < g.nodeCount; start++) {
    if (label[start] !== -1) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    label[start] = next;
    while (head < tail) {
      const n = queue[head++]!;
      for (let h = g.offsets[n]!; h < g.offsets[n + 1]!; h++) {
        const m = g.targets[h]!;
        if (label[m] === -1) {
          label[m] = next;
          queue[tail++] = m;
        }
      }
    }
    next++;
  }
  return label;
}
