/**
 * readLinksOf (one process for many namespaces) reads what readLinks reads one namespace at a time,
 * on namespaces this test creates (root, as CI runs) and removes; a namespace that is gone reads empty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readLinks, readLinksOf } from './realize.js';

const A = `stx-rl${process.pid % 100000}-a`;
const B = `stx-rl${process.pid % 100000}-b`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

beforeAll(() => {
  expect(process.getuid?.()).toBe(0);
  ip('netns', 'add', A);
  ip('netns', 'add', B);
  ip('link', 'add', 'name', 'v0', 'netns', A, 'type', 'veth', 'peer', 'name', 'v1', 'netns', B);
  ip('-n', A, 'addr', 'add', '10.255.0.0/31', 'dev', 'v0');
  ip('-n', A, 'addr', 'add', 'fd00:255::/127', 'dev', 'v0');
  ip('-n', A, 'link', 'set', 'v0', 'up');
});

afterAll(() => {
  for (const ns of [A, B]) ip('netns', 'del', ns);
});

describe('readLinksOf', () => {
  it('gives each namespace what readLinks gives it, and an empty map for one that is gone', async () => {
    const gone = `stx-rl${process.pid % 100000}-gone`;
    const many = await readLinksOf([A, B, gone]);
    expect([...many.keys()]).toEqual([A, B, gone]);
    for (const ns of [A, B]) expect([...many.get(ns)!]).toEqual([...(await readLinks(ns))]);
    expect(many.get(A)!.get('v0')).toMatchObject({ up: true, addresses: ['10.255.0.0/31', 'fd00:255::/127'] });
    expect(many.get(B)!.get('v1')).toMatchObject({ up: false, addresses: [] });
    expect(many.get(gone)!.size).toBe(0);
  });

  it('takes a name with shell characters as a name, not as script', async () => {
    const odd = 'x"; touch /tmp/stx-rl-injected; echo "';
    expect((await readLinksOf([odd])).get(odd)!.size).toBe(0);
    expect(() => execFileSync('test', ['-e', '/tmp/stx-rl-injected'])).toThrow();
  });
});
