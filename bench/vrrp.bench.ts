/**
 * VRRP takeover time (issue 11 part 4), on the smallest lab with a dual-router LAN (province core,
 * both exits, Xi'an's two cores; real FRR 8.4 vrrpd over macvlan). A host namespace on Xi'an's LAN
 * switch, its default gateway the virtual address in each family, pings the province core's
 * loopback every 20 ms in both families, and xian-r1 (the master) goes away in one of two ways:
 * - shutdown: `stacks lab fault device xian-r1 down` (every interface shut, as the lab test does):
 *   vrrpd sees its tracked uplinks and LAN go and gives the group up at once;
 * - silent: everything r1 sends or receives is dropped (nftables in its namespace, links up), as a
 *   power or CPU failure would: r2 takes over only when the master-down interval runs out.
 * The takeover time is read from the replies: from the first echo that went unanswered (sent one
 * interval after the last reply before the gap) to the first reply after it; a round that lost no
 * echo counts as < 20 ms. r1 is then brought back (it preempts again) and the round repeats; prints
 * each round and the median of 3 per way and family, against the lab test's 3 s bound.
 * Needs root and the heavy lock (`flock /tmp/stacks-heavy.lock npm run bench -- vrrp`).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { deployLab } from '../lab/deploy.js';
import { destroyLab } from '../lab/destroy.js';
import { faultDevice } from '../lab/fault.js';
import { addLanHost, lanHostReaches, removeLanHost } from '../test/support/lan-host.js';
import { deviceNs, labPaths } from '../lab/names.js';
import { loadLabModel } from '../lab/model.js';
import { DeviceSession } from '../lab/ssh.js';
import { labDriver } from '../lab/driver.js';

const SCOPE = 'cities=xian;counties=0;townships=0;departments=0;datacenters=none';
const LAB = 'avrrp';
const HOST = `stx-${LAB}-host`;
const ROUNDS = 3;
const INTERVAL_MS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ping every INTERVAL_MS from the host; stop() gives the reply times (ms) by sequence number. */
function pinger(address: string): { stop: () => Promise<Map<number, number>> } {
  const child = spawn('ip', ['netns', 'exec', HOST, 'ping', '-n', '-D', '-i', String(INTERVAL_MS / 1000), '-W', '1', address], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const closed = new Promise<void>((r) => child.on('close', () => r()));
  return {
    stop: async () => {
      child.kill('SIGINT');
      await closed;
      return new Map([...out.matchAll(/^\[(\d+\.\d+)\] \d+ bytes from .* icmp_seq=(\d+)/gm)].map((m) => [Number(m[2]), Number(m[1]) * 1000]));
    },
  };
}

/** The first gap in the replies after `from` (ms): first lost echo → first reply after it. */
function takeover(replies: Map<number, number>, from: number): number | undefined {
  const seqs = [...replies.keys()].sort((a, b) => a - b);
  for (let i = 1; i < seqs.length; i++) {
    const [prev, next] = [seqs[i - 1]!, seqs[i]!];
    if (next === prev + 1 || replies.get(next)! < from) continue;
    return Math.round(replies.get(next)! - (replies.get(prev)! + INTERVAL_MS));
  }
  return undefined;
}

const reaches = (address: string) => lanHostReaches(HOST, address);

async function until(what: string, ok: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** A takeover as printed: no echo lost means under one probe interval. */
const show = (ms: number | undefined) => (ms === undefined ? `<${INTERVAL_MS}` : String(ms));

/** `nft -f -` in a namespace, the script on stdin. */
function nft(ns: string, script: string): void {
  execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: script });
}
const SILENCE = [
  'table inet stxsilent {',
  ...['input', 'output', 'forward'].map(
    (hook) => ` chain ${hook} { type filter hook ${hook} priority -300; policy accept; ${hook === 'output' ? 'oifname' : 'iifname'} != "lo" drop; }`,
  ),
  '}',
  // ARP too (not in the inet family): a silent router answers nothing, not even for the virtual address
  'table arp stxsilent {',
  ' chain input { type filter hook input priority 0; policy drop; }',
  ' chain output { type filter hook output priority 0; policy drop; }',
  '}',
  '',
].join('\n');

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('vrrp: skipped (needs root for network namespaces)');
    return;
  }
  console.log(`load_average_at_start: ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} (shared host)`);
  const stateDir = mkdtempSync(join(tmpdir(), 'stx-vrrp-bench-'));
  const base = { stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, lab: LAB, scope: SCOPE };
  let hostMade = false;
  try {
    await deployLab({ ...base, parallel: 4, confirmSeconds: 300, checkTimeoutMs: 90_000 });
    const scoped = await loadLabModel(DEFAULT_INVENTORY_DIR, SCOPE);
    const xian = scoped.sites.find((s) => s.id === 'xian')!;
    const coreDevice = scoped.devices.find((d) => d.id === 'shaanxi-r1')!;
    const core = { ipv4: coreDevice.loopback.ipv4.split('/')[0]!, ipv6: coreDevice.loopback.ipv6.split('/')[0]! };
    hostMade = true;
    addLanHost(LAB, xian, HOST);

    const paths = labPaths(stateDir, LAB);
    /** r2 is Backup in every group again: r1, back, has preempted. */
    const r1Master = async () => {
      const state = JSON.parse(readFileSync(paths.state, 'utf8')) as { devices: Record<string, { mgmt: { device: string }; hostKey: string }> };
      const s = await DeviceSession.connect({
        device: 'xian-r2',
        host: state.devices['xian-r2']!.mgmt.device,
        privateKey: readFileSync(paths.deployKey),
        pinnedHostKey: state.devices['xian-r2']!.hostKey,
      });
      try {
        const groups = await labDriver(s).getVrrpGroups();
        return groups.length > 0 && groups.every((g) => g.state === 'Backup');
      } finally {
        s.close();
      }
    };
    const r1 = deviceNs(LAB, 'xian-r1');
    const ways = {
      shutdown: { down: () => faultDevice(base, 'xian-r1', 'down'), up: () => faultDevice(base, 'xian-r1', 'up') },
      silent: { down: async () => nft(r1, SILENCE), up: async () => nft(r1, 'delete table inet stxsilent\ndelete table arp stxsilent\n') },
    };
    for (const [way, act] of Object.entries(ways)) {
      const rounds: Record<'ipv4' | 'ipv6', Array<number | undefined>> = { ipv4: [], ipv6: [] };
      for (let n = 1; n <= ROUNDS; n++) {
        await until(
          'r1 master, the host reaching the core in both families',
          async () => reaches(core.ipv4) && reaches(core.ipv6) && (await r1Master()),
          90_000,
        );
        await sleep(2000);
        const v4 = pinger(core.ipv4);
        const v6 = pinger(core.ipv6);
        await sleep(1500);
        const downAt = Date.now();
        await act.down();
        await sleep(6000);
        const [r4, r6] = await Promise.all([v4.stop(), v6.stop()]);
        const t = { ipv4: takeover(r4, downAt), ipv6: takeover(r6, downAt) };
        console.log(
          `${way} round ${n}: VRRP takeover IPv4 ${show(t.ipv4)} ms, IPv6 ${show(t.ipv6)} ms (load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})`,
        );
        rounds.ipv4.push(t.ipv4);
        rounds.ipv6.push(t.ipv6);
        await act.up();
      }
      for (const f of ['ipv4', 'ipv6'] as const) {
        const m = median(rounds[f].map((x) => x ?? 0));
        console.log(
          `vrrp_takeover_${way}_${f}: ${m === 0 ? `<${INTERVAL_MS}` : m} ms median of ${ROUNDS} (${rounds[f].map(show).join(', ')}); target < 3000 ms`,
        );
      }
    }
  } finally {
    if (hostMade) removeLanHost(HOST);
    await destroyLab({ stateDir, lab: LAB });
    rmSync(stateDir, { recursive: true, force: true });
  }
}

await main();
