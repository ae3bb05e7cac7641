import { describe, expect, it } from 'vitest';
import { stronglyConnected } from './graph.js';

describe('stronglyConnected', () => {
  it('groups cycles and emits dependencies first', () => {
    // 0 → 1 → 2 → 1 (1,2 a cycle), 3 → 0, 4 alone
    const c = stronglyConnected([[1], [2], [1], [0], []]);
    expect(c.of[1]).toBe(c.of[2]);
    expect(c.of[0]).not.toBe(c.of[1]);
    const pos = (node: number) => c.members.findIndex((m) => m.includes(node));
    expect(pos(1)).toBeLessThan(pos(0));
    expect(pos(0)).toBeLessThan(pos(3));
    expect(c.members).toHaveLength(4);
  });
  it('handles a 200,000-node chain without recursion', () => {
    const n = 200_000;
    const edges = Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : []));
    const c = stronglyConnected(edges);
    expect(c.members).toHaveLength(n);
    expect(c.members[0]).toEqual([n - 1]);
  });
});
