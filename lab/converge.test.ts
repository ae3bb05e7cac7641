/**
 * pingFromEach (one process pings from many namespaces) answers per namespace what that namespace
 * reaches, on namespaces this test creates (root, as CI runs) and removes: its own addresses
 * answer, an address nobody holds does not, a namespace that is gone reaches nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { pingFromEach } from './converge.js';

const A = `stx-pf${process.pid % 100000}-a`;
const B = `stx-pf${process.pid % 100000}-b`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

beforeAll(() => {
  expect(process.getuid?.()).toBe(0);
  for (const [ns, n] of [
    [A, 1],
    [B, 2],
  ] as const) {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'addr', 'add', `10.255.${n}.1/32`, 'dev', 'lo');
    ip('-n', ns, 'addr', 'add', `fd00:255::${n}/128`, 'dev', 'lo');
  }
});

afterAll(() => {
  for (const ns of [A, B]) ip('netns', 'del', ns);
});

describe('pingFromEach', () => {
  it('gives each namespace the addresses that answered it, in the order asked', async () => {
    const gone = `stx-pf${process.pid % 100000}-gone`;
    const all = ['10.255.1.1', 'fd00:255::1', '10.255.2.1', 'fd00:255::2'];
    const r = await pingFromEach([
      { ns: A, targets: all },
      { ns: gone, targets: all },
      { ns: B, targets: ['fd00:255::2', '10.255.2.1'] },
      { ns: A, targets: [] },
    ]);
    expect(r.map((s) => [...s].sort())).toEqual([['10.255.1.1', 'fd00:255::1'], [], ['10.255.2.1', 'fd00:255::2'], []]);
  });

  it('refuses a target that is not an address (it goes to a shell word-split)', async () => {
    await expect(pingFromEach([{ ns: A, targets: ['10.0.0.1;touch /tmp/x'] }])).rejects.toThrow(/not an address/);
  });
});
