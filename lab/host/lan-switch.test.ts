/**
 * The LAN switch of a two-router LAN (vrrp.ts) is kept by inspection: on a namespace this test
 * creates (root, as CI runs) and removes, the commands made from what is there build the bridge
 * and its ports; read again, nothing is left to do (a redeploy starts no `ip` for it); a port that
 * left the bridge or went down is put back, and only that.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readLinksOf } from '../realize.js';
import { applyVrrpHost, LAN_BRIDGE, lanSwitchCommands } from './vrrp.js';

const NS = `stx-ls${process.pid % 100000}-lan`;
const PORTS = ['r1', 'r2'];
const ip = (...args: string[]) => execFileSync('ip', ['-n', NS, ...args], { stdio: 'pipe' });
const links = async () => (await readLinksOf([NS])).get(NS)!;

beforeAll(() => {
  expect(process.getuid?.()).toBe(0);
  execFileSync('ip', ['netns', 'add', NS]);
  for (const p of PORTS) ip('link', 'add', p, 'type', 'veth', 'peer', 'name', `${p}-p`);
});

afterAll(() => {
  execFileSync('ip', ['netns', 'del', NS]);
});

describe('lanSwitchCommands', () => {
  it('builds the bridge and its ports, then has nothing left to do', async () => {
    expect(lanSwitchCommands(PORTS, await links())).toEqual([
      `link add ${LAN_BRIDGE} type bridge`,
      `link set ${LAN_BRIDGE} up`,
      ...PORTS.flatMap((p) => [`link set ${p} master ${LAN_BRIDGE}`, `link set ${p} up`]),
    ]);
    await applyVrrpHost(NS, [], await links(), PORTS);
    const now = await links();
    for (const p of PORTS) expect(now.get(p)).toMatchObject({ up: true, master: LAN_BRIDGE });
    expect(lanSwitchCommands(PORTS, now)).toEqual([]);
  });

  it('puts back only what changed: a port off the bridge, a port down', async () => {
    ip('link', 'set', 'r1', 'nomaster');
    ip('link', 'set', 'r2', 'down');
    expect(lanSwitchCommands(PORTS, await links())).toEqual([`link set r1 master ${LAN_BRIDGE}`, 'link set r2 up']);
    await applyVrrpHost(NS, [], await links(), PORTS);
    expect(lanSwitchCommands(PORTS, await links())).toEqual([]);
  });
});
