import { describe, expect, it } from 'vitest';
import type { Device, Link, Topology } from '../types.js';
import { buildFamilyGraph, components, type FamilyGraph } from './graph.js';
import { lowLink } from './tarjan.js';

/** A bare topology from an edge list: device i at site `s<i>`, every link dual-stack. */
function graphOf(n: number, edges: Array<[number, number]>): FamilyGraph {
  const dev = (i: number): Device => ({
    id: `d${i}`,
    site: `s${i}`,
    role: 'core',
    index: 1,
    hostname: `d${i}`,
    routerId: `0.0.0.${i}`,
    loopback: { ipv4: '', ipv6: '' },
    area: '0.0.0.0',
    interfaces: [],
    originatesDefault: false,
  });
  const links: Link[] = edges.map(([u, v], k) => ({
    id: `e${k}`,
    tier: 't',
    kind: 'uplink',
    bandwidthMbps: 1,
    a: { device: `d${u}`, interface: 'x', ipv4: '10.0.0.0/31', ipv6: '2001:db8::/127' },
    b: { device: `d${v}`, interface: 'y', ipv4: '10.0.0.1/31', ipv6: '2001:db8::1/127' },
    subnet: { ipv4: '10.0.0.0/31', ipv6: '2001:db8::/127' },
    area: '0.0.0.0',
  }));
  const topo: Topology = {
    province: { id: 'p', name: 'p' },
    sites: [],
    devices: Array.from({ length: n }, (_, i) => dev(i)),
    links,
    tiers: [],
    exit: { site: 'p', primary: 'd0', standby: 'd0', bandwidthMbps: 1, upstream: { ipv4: '', ipv6: '' }, handoffs: [] },
    supernets: { ipv4: '', ipv6: '' },
  };
  return buildFamilyGraph(topo, 'ipv4');
}

/** Brute force: nodes that lose the root when `skipEdge` or `skipNode` is removed. */
function cutOffBrute(g: FamilyGraph, root: number, skipEdge = -1, skipNode = -1): number[] {
  const seen = new Uint8Array(g.nodeCount);
  const stack = [root];
  seen[root] = 1;
  while (stack.length) {
    const u = stack.pop()!;
    for (let h = g.offsets[u]!; h < g.offsets[u + 1]!; h++) {
      const v = g.targets[h]!;
      if (g.edgeOfHalf[h] === skipEdge || v === skipNode || seen[v]) continue;
      seen[v] = 1;
      stack.push(v);
    }
  }
  return [...Array(g.nodeCount).keys()].filter((v) => !seen[v] && v !== skipNode);
}

function reachable(g: FamilyGraph, root: number): Set<number> {
  const label = components(g);
  return new Set([...Array(g.nodeCount).keys()].filter((v) => label[v] === label[root]));
}

function subtreeNodes(ll: ReturnType<typeof lowLink>, children: number[]): number[] {
  return children.flatMap((c) => [...ll.order.slice(ll.disc[c]!, ll.disc[c]! + ll.size[c]!)]).sort((a, b) => a - b);
}

describe('iterative Tarjan', () => {
  it('finds the bridge and articulation points of two triangles joined by one edge', () => {
    const g = graphOf(6, [
      [0, 1],
      [1, 2],
      [2, 0],
      [2, 3],
      [3, 4],
      [4, 5],
      [5, 3],
    ]);
    const ll = lowLink(g, 0);
    expect(ll.bridges.map((b) => g.edgeIds[b.edge])).toEqual(['e3']);
    expect([...ll.articulation.keys()].sort()).toEqual([2, 3]);
    expect(subtreeNodes(ll, ll.articulation.get(2)!)).toEqual([3, 4, 5]);
  });

  it('treats parallel links as redundancy, not as a bridge', () => {
    const g = graphOf(2, [
      [0, 1],
      [0, 1],
    ]);
    expect(lowLink(g, 0).bridges).toEqual([]);
  });

  it('handles a 50,000-node path without recursion', () => {
    const n = 50_000;
    const edges: Array<[number, number]> = [];
    for (let i = 1; i < n; i++) edges.push([i - 1, i]);
    const ll = lowLink(graphOf(n, edges), 0);
    expect(ll.bridges.length).toBe(n - 1);
    expect(ll.articulation.size).toBe(n - 2);
  });

  it('agrees with brute force removal on random graphs (edges and nodes)', () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 60; round++) {
      const n = 3 + Math.floor(rand() * 14);
      const m = n - 1 + Math.floor(rand() * n);
      const edges: Array<[number, number]> = [];
      for (let i = 1; i < n; i++) edges.push([Math.floor(rand() * i), i]); // spanning tree
      while (edges.length < m) {
        const u = Math.floor(rand() * n);
        const v = Math.floor(rand() * n);
        if (u !== v) edges.push([u, v]);
      }
      const g = graphOf(n, edges);
      const root = Math.floor(rand() * n);
      const ll = lowLink(g, root);
      expect(reachable(g, root).size).toBe(n);
      const bridgeOf = new Map(ll.bridges.map((b) => [b.edge, b.child]));
      for (let e = 0; e < edges.length; e++) {
        const brute = cutOffBrute(g, root, e);
        const child = bridgeOf.get(e);
        expect(child === undefined ? [] : subtreeNodes(ll, [child]), `round ${round} edge ${e}`).toEqual(brute);
      }
      for (let v = 0; v < n; v++) {
        if (v === root) continue;
        const brute = cutOffBrute(g, root, -1, v);
        const kids = ll.articulation.get(v);
        expect(kids ? subtreeNodes(ll, kids) : [], `round ${round} node ${v}`).toEqual(brute);
      }
    }
  });
});
