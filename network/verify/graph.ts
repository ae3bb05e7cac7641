/**
 * The topology as a compact undirected graph per address family and per destination, the shape
 * every graph check (reachability, bridges, articulation points) walks. Nodes are the devices plus
 * one virtual node standing for the destination: "the internet" (joined to every exit router with
 * an internet hand-off in the family) or "the province core" (joined to every province core
 * router). Reaching that node is reaching the destination by a real path; a path *through* it is
 * never needed, which is why each destination gets its own graph — in one graph holding both, two
 * exits could "reach the core" through the internet. A link is an edge of a family only when both
 * its ends carry an address of that family, so an IPv4-only link does not exist in the IPv6 graph.
 * Adjacency is stored as CSR (offset + target arrays): 6,000+ nodes and their links fit in a few
 * typed arrays, which keeps the per-family walks fast and allocation-free.
 */
import type { Device, Family, Topology } from '../types.js';

export type Destination = 'core' | 'exit';

export interface FamilyGraph {
  family: Family;
  destination: Destination;
  /** Device ids by node index; the destination node (when present) is index `devices.length`. */
  devices: string[];
  /** Site id of each device node. */
  siteOfNode: string[];
  /** Index of the virtual destination node, or -1 when there is none (no upstream address). */
  upstream: number;
  nodeCount: number;
  /** Edge ids: link ids, `internet:<exit>` for a hand-off, `core:<router>` for the virtual core edges. */
  edgeIds: string[];
  /** Edges that are not a link or circuit that can fail (the virtual core edges). */
  virtualEdges: Set<number>;
  /** CSR adjacency: neighbours of node n are targets[offsets[n] .. offsets[n+1]). */
  offsets: Int32Array;
  targets: Int32Array;
  /** Edge index of each half-edge, parallel to `targets` (parallel links stay distinct). */
  edgeOfHalf: Int32Array;
  /** Nodes that are province core routers (the targets of the "reach the core" check). */
  coreNodes: number[];
}

const UPSTREAM_NODE_ID = 'internet';
const CORE_NODE_ID = 'core';

function hasFamily(value: string | undefined): boolean {
  return typeof value === 'string' && value.length > 0;
}

/** Exit devices that face the internet in `family` (an `internet` interface with such an address). */
function internetFacing(device: Device, family: Family): boolean {
  return device.interfaces.some((i) => i.kind === 'internet' && hasFamily(i[family]));
}

/** What every family/destination graph of one topology shares: device indices and link endpoints. */
export interface GraphBase {
  devices: string[];
  siteOfNode: string[];
  index: Map<string, number>;
  /** Endpoint node indices per link (parallel to topology.links; -1 when a device is unknown). */
  linkU: Int32Array;
  linkV: Int32Array;
}

/** Walk the topology's objects once for all four graphs of a verification. */
export function graphBase(topology: Topology): GraphBase {
  const devices = topology.devices.map((d) => d.id);
  const siteOfNode = topology.devices.map((d) => d.site);
  const index = new Map<string, number>();
  devices.forEach((id, i) => index.set(id, i));
  const linkU = new Int32Array(topology.links.length);
  const linkV = new Int32Array(topology.links.length);
  topology.links.forEach((link, k) => {
    linkU[k] = index.get(link.a.device) ?? -1;
    linkV[k] = index.get(link.b.device) ?? -1;
  });
  return { devices, siteOfNode, index, linkU, linkV };
}

export function buildFamilyGraph(topology: Topology, family: Family, destination: Destination = 'exit', base: GraphBase = graphBase(topology)): FamilyGraph {
  const { devices, siteOfNode, index, linkU, linkV } = base;
  const edgeIds: string[] = [];
  const us: number[] = [];
  const vs: number[] = [];
  const links = topology.links;
  for (let k = 0; k < links.length; k++) {
    const u = linkU[k]!;
    const v = linkV[k]!;
    if (u < 0 || v < 0 || u === v) continue;
    const link = links[k]!;
    if (!hasFamily(link.a[family]) || !hasFamily(link.b[family])) continue;
    edgeIds.push(link.id);
    us.push(u);
    vs.push(v);
  }

  const provinceSite = topology.province.id;
  const coreNodes: number[] = [];
  topology.devices.forEach((d, i) => {
    if (d.site === provinceSite && d.role === 'core') coreNodes.push(i);
  });

  let upstream = -1;
  const virtualEdges = new Set<number>();
  if (destination === 'core') {
    upstream = devices.length;
    for (const n of coreNodes) {
      virtualEdges.add(edgeIds.length);
      edgeIds.push(`${CORE_NODE_ID}:${devices[n]}`);
      us.push(upstream);
      vs.push(n);
    }
  } else if (hasFamily(topology.exit.upstream[family])) {
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

  return { family, destination, devices, siteOfNode, upstream, nodeCount, edgeIds, virtualEdges, offsets, targets, edgeOfHalf, coreNodes };
}

/** Name of a node for messages: a device id, or the destination (`internet`, `core`). */
export function nodeName(g: FamilyGraph, node: number): string {
  if (node !== g.upstream) return g.devices[node]!;
  return g.destination === 'core' ? CORE_NODE_ID : UPSTREAM_NODE_ID;
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
