/**
 * Bridges and articulation points by Tarjan's low-link DFS, written iteratively: a province has
 * 6,000+ devices in chains up to five levels deep, and a broken inventory can make a path of
 * thousands, which would overflow the JS call stack with a recursive DFS.
 *
 * Besides the classic answer it keeps the DFS preorder and subtree sizes, so the caller can tell
 * exactly which nodes a failure separates from the root: for a bridge (p, v) with v the DFS child,
 * the subtree of v; for an articulation point u, the subtrees of its children v with
 * low[v] ≥ disc[u]. Those subtrees are contiguous ranges of the preorder.
 */
import type { FamilyGraph } from './graph.js';

export interface LowLink {
  root: number;
  /** DFS discovery time (preorder rank), -1 for nodes not reachable from the root. */
  disc: Int32Array;
  low: Int32Array;
  /** Nodes in preorder: subtree of v = order[disc[v] .. disc[v] + size[v]). */
  order: Int32Array;
  size: Int32Array;
  /** Bridges as [edge index, child node (the side cut off from the root)]. */
  bridges: Array<{ edge: number; child: number }>;
  /** Articulation point → the DFS children whose subtrees it separates from the root. */
  articulation: Map<number, number[]>;
}

export function lowLink(g: FamilyGraph, root: number): LowLink {
  const n = g.nodeCount;
  const disc = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const size = new Int32Array(n);
  const order = new Int32Array(n);
  const parentEdge = new Int32Array(n).fill(-1);
  const parent = new Int32Array(n).fill(-1);
  // Explicit DFS stack: the node and the next half-edge to look at.
  const stackNode = new Int32Array(n);
  const stackHalf = new Int32Array(n);
  const bridges: Array<{ edge: number; child: number }> = [];
  const articulation = new Map<number, number[]>();
  if (n === 0 || root < 0) return { root, disc, low, order, size, bridges, articulation };

  let time = 0;
  let top = 0;
  disc[root] = low[root] = time;
  order[time++] = root;
  stackNode[0] = root;
  stackHalf[0] = g.offsets[root]!;
  let rootChildren = 0;

  while (top >= 0) {
    const u = stackNode[top]!;
    const h = stackHalf[top]!;
    if (h < g.offsets[u + 1]!) {
      stackHalf[top] = h + 1;
      const e = g.edgeOfHalf[h]!;
      if (e === parentEdge[u]) continue; // the tree edge we came in by (parallel links stay back edges)
      const v = g.targets[h]!;
      if (disc[v] === -1) {
        parent[v] = u;
        parentEdge[v] = e;
        disc[v] = low[v] = time;
        order[time++] = v;
        if (u === root) rootChildren++;
        top++;
        stackNode[top] = v;
        stackHalf[top] = g.offsets[v]!;
      } else if (disc[v]! < low[u]!) {
        low[u] = disc[v]!;
      }
      continue;
    }
    // u is finished: fold its low-link and size into its parent.
    top--;
    size[u] = time - disc[u]!;
    const p = parent[u]!;
    if (p < 0) continue;
    if (low[u]! < low[p]!) low[p] = low[u]!;
    if (low[u]! > disc[p]!) bridges.push({ edge: parentEdge[u]!, child: u });
    if (low[u]! >= disc[p]! && (p !== root || rootChildren > 1)) {
      const list = articulation.get(p);
      if (list) list.push(u);
      else articulation.set(p, [u]);
    }
  }
  // The root is an articulation point only with two or more DFS children; the check above used the
  // final count only for children finished after the second one was found, so settle it here.
  if (rootChildren > 1) {
    const kids: number[] = [];
    for (let i = 1; i < time; i++) if (parent[order[i]!] === root) kids.push(order[i]!);
    articulation.set(root, kids);
  } else {
    articulation.delete(root);
  }
  return { root, disc, low, order, size, bridges, articulation };
}
