/**
 * VRRP in the lab (issue 11 part 4), real FRR 8.4 vrrpd: the smallest scope with a dual-router LAN
 * (the province core and exits, Xi'an's two cores). A host namespace on Xi'an's LAN switch, its
 * default gateway the VRRP virtual address in each family, pings a province core loopback; Xi'an
 * r1 goes down (a device fault: every interface shut) and the host keeps reaching the core within
 * 3 s in both families, r2 now master.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_INVENTORY_DIR, loadInventory } from '../../inventory/load.js';
import { deployLab } from '../../lab/deploy.js';
import { destroyLab } from '../../lab/destroy.js';
import { faultDevice } from '../../lab/fault.js';
import { addLanHost, lanHostReaches, removeLanHost } from '../support/lan-host.js';
import { buildTopology } from '../../network/topology.js';

const LAB = `f${process.pid % 10000}`;
const SCOPE = 'cities=xian;counties=0;townships=0;departments=0;datacenters=none';
const stateDir = mkdtempSync(join(tmpdir(), 'stx-vrrp-'));
const base = { stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, lab: LAB, scope: SCOPE };
const HOST = `stx-${LAB}-host`;

/** Ping every 50 ms with timestamps; resolves with the longest silence between two replies (ms). */
function pinger(address: string): { stop: () => Promise<{ replies: number; maxGapMs: number; last: number }> } {
  const child = spawn('ip', ['netns', 'exec', HOST, 'ping', '-n', '-D', '-i', '0.05', address], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const closed = new Promise<void>((r) => child.on('close', () => r()));
  return {
    stop: async () => {
      child.kill('SIGINT');
      await closed;
      const times = [...out.matchAll(/^\[(\d+\.\d+)\] \d+ bytes from/gm)].map((m) => Number(m[1]) * 1000);
      let maxGapMs = 0;
      for (let i = 1; i < times.length; i++) maxGapMs = Math.max(maxGapMs, times[i]! - times[i - 1]!);
      return { replies: times.length, maxGapMs: Math.round(maxGapMs), last: times.at(-1) ?? 0 };
    },
  };
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const reaches = (address: string) => lanHostReaches(HOST, address);

let core: { ipv4: string; ipv6: string };

beforeAll(async () => {
  const topology = buildTopology(await loadInventory());
  const xian = topology.sites.find((s) => s.id === 'xian')!;
  core = {
    ipv4: topology.devices.find((d) => d.id === 'shaanxi-r1')!.loopback.ipv4.split('/')[0]!,
    ipv6: topology.devices.find((d) => d.id === 'shaanxi-r1')!.loopback.ipv6.split('/')[0]!,
  };
  await deployLab({ ...base, parallel: 4, confirmSeconds: 300, checkTimeoutMs: 90_000 });
  addLanHost(LAB, xian, HOST);
  await until('the host to reach the core through the virtual gateway in both families', () => reaches(core.ipv4) && reaches(core.ipv6), 60_000);
}, 300_000);

afterAll(async () => {
  removeLanHost(HOST);
  await destroyLab({ stateDir, lab: LAB });
  rmSync(stateDir, { recursive: true, force: true });
}, 120_000);

describe('VRRP on a city LAN', () => {
  test('the host keeps reaching the core in both families within 3 s of r1 going down, r2 serving the gateway', async () => {
    const v4 = pinger(core.ipv4);
    const v6 = pinger(core.ipv6);
    await new Promise((r) => setTimeout(r, 1500));
    const downAt = Date.now();
    await faultDevice(base, 'xian-r1', 'down');
    await new Promise((r) => setTimeout(r, 5000));
    const [r4, r6] = await Promise.all([v4.stop(), v6.stop()]);
    console.log(`VRRP failover gap: IPv4 ${r4.maxGapMs} ms, IPv6 ${r6.maxGapMs} ms (fault at ${downAt})`);
    for (const r of [r4, r6]) {
      expect(r.replies).toBeGreaterThan(40);
      // still answered at the end: the gateway moved, it did not just blip
      expect(r.last).toBeGreaterThan(downAt + 3000);
      expect(r.maxGapMs).toBeLessThan(3000);
    }
  }, 60_000);
});
