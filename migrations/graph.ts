/**
 * Strongly connected components of the dependency graph (Tarjan, iterative so that a 10,000-system
 * chain cannot overflow the stack). Systems in one component call each other, directly or around a
 * cycle: they must move in the same wave. Components come out dependencies first (a component is
 * emitted after every component it calls), which is the order waves are filled in. O(V + E).
 */
export interface Components {
  /** Component of each node. */
  of: Int32Array;
  /** Nodes of each component, components in dependency-first order. */
  members: number[][];
}

/** `edges[v]` lists the nodes v depends on (calls). */
export function stronglyConnected(edges: ReadonlyArray<readonly number[]>): Components {
  const n = edges.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const of = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  const members: number[][] = [];
  const callNode: number[] = [];
  const callEdge: number[] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    callNode.push(root);
    callEdge.push(0);
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (callNode.length) {
      const v = callNode[callNode.length - 1]!;
      const out = edges[v]!;
      const e = callEdge[callEdge.length - 1]!;
      if (e < out.length) {
        callEdge[callEdge.length - 1] = e + 1;
        const w = out[e]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          callNode.push(w);
          callEdge.push(0);
        } else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      callNode.pop();
      callEdge.pop();
      if (callNode.length) {
        const parent = callNode[callNode.length - 1]!;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === index[v]) {
        const comp: number[] = [];
        const id = members.length;
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          of[w] = id;
          comp.push(w);
        } while (w !== v);
        members.push(comp);
      }
    }
  }
  return { of, members };
}
