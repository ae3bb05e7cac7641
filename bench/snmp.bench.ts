/**
 * SNMP monitoring benchmark. Prints `name: value unit` lines.
 *  1. Against the same 20 real snmpd agents (loopback, v2c), our daemon's polls per CPU-second vs
 *     prometheus-snmp-exporter's (Debian 0.21, module written by hand for the same OIDs) and the
 *     ratio (target ≥ 1).
 *  2. 2,000 lightweight agents (net-snmp's agent, 127.80.x.y) polled every 60 s by the daemon in its
 *     own process: CPU as % of one core (target ≤ 15%) and peak RSS (target ≤ 300 MB).
 *  3. Trap-to-fault latency: linkDown trap sent → fault stored; median (target ≤ 1 s).
 * STACKS_BENCH_QUICK=1 shortens the scale window (30 s interval) for a smoke run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { stringify } from 'yaml';
import { pino } from 'pino';
import { MonitorDaemon } from '../monitors/daemon.js';
import { daemonPolicy } from '../monitors/daemon-policy.js';
import { loadInventory } from '../inventory/load.js';
import { SqliteFaultStore } from '../monitors/store/sqlite.js';
import type { FaultStore } from '../monitors/store/store.js';
import type { PollTarget } from '../monitors/types.js';
import { POLLED_COLUMNS, OID } from '../monitors/snmp/oids.js';
import { bulkWalk, openSession, DEFAULT_SESSION_SETTINGS } from '../monitors/snmp/session.js';
import { SimAgent } from './support/sim-agent.js';
import { simAddress } from './support/sim-agents-host.js';

/** The embedded inventory's counting rules, as `stacks daemon` passes them. */
const counting = await daemonPolicy(await loadInventory());

const COMMUNITY = 'bench-community';
const QUICK = process.env.STACKS_BENCH_QUICK === '1';
const work = mkdtempSync(join(tmpdir(), 'stacks-snmp-bench-'));
const children: ChildProcess[] = [];
const out = (name: string, value: number | string, unit = '') =>
  process.stdout.write(`${name}: ${typeof value === 'number' ? +value.toFixed(3) : value}${unit ? ' ' + unit : ''}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function cpuMsOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(f[11]) + Number(f[12]);
  return (ticks * 1000) / 100; // USER_HZ = 100 on Linux
}

function startSnmpd(i: number): { address: string; child: ChildProcess } {
  const address = `127.81.0.${i + 1}`;
  const d = join(work, `snmpd${i}`);
  mkdirSync(join(d, 'persist'), { recursive: true });
  writeFileSync(join(d, 'snmpd.conf'), `agentAddress udp:${address}:1161\nrocommunity ${COMMUNITY} 127.0.0.0/8\n`);
  const child = spawn('snmpd', ['-f', '-Lf', join(d, 'log'), '-C', '-c', join(d, 'snmpd.conf'), '-m', ''], {
    env: { ...process.env, SNMP_PERSISTENT_DIR: join(d, 'persist') },
    stdio: 'ignore',
  });
  children.push(child);
  return { address, child };
}

const target = (device: string, address: string): PollTarget => ({ device, address, port: 1161, credentials: { version: 'v2c', community: COMMUNITY } });

/** Whether a program is on PATH (checked before anything starts, so nothing is left running). */
const installed = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

async function compareWithExporter(): Promise<void> {
  const missing = ['snmpd', 'prometheus-snmp-exporter'].filter((c) => !installed(c));
  if (missing.length) {
    const pkgs = missing.map((c) => (c === 'snmpd' ? 'snmpd' : 'prometheus-snmp-exporter'));
    process.stderr.write(
      `snmp bench: the comparison needs ${missing.join(' and ')}: install with \`apt-get install ${pkgs.join(' ')}\` (both are in scripts/system-packages.txt); skipping it\n`,
    );
    out('snmp_exporter_comparison', 0, `skipped: ${missing.join(', ')} not installed`);
    return;
  }
  const agents = Array.from({ length: 20 }, (_, i) => startSnmpd(i));
  await sleep(1500);
  const rounds = QUICK ? 20 : 60;
  // ours: the daemon's own poll path (GetBulk walk, parse, counters, faults, metrics)
  const store = new SqliteFaultStore(join(work, 'cmp.sqlite'));
  const daemon = new MonitorDaemon({
    targets: agents.map((a, i) => target(`d${i}`, a.address)),
    platforms: [],
    store,
    logger: pino({ level: 'silent' }),
    intervalMs: 3_600_000,
    ...counting,

    debounce: { ...counting.debounce, openAfterMs: 0, closeAfterMs: 0 },
    processMetrics: false,
    session: { timeoutMs: 2000, retries: 1 },
  });
  await daemon.start();
  await Promise.all(agents.map((_, i) => daemon.pollNow(`d${i}`)));
  let ok = 0;
  const c0 = process.cpuUsage();
  let failure = '';
  for (let r = 0; r < rounds; r++)
    for (const o of await Promise.all(agents.map((_, i) => daemon.pollNow(`d${i}`))))
      if (o?.ok) ok++;
      else failure ||= JSON.stringify(o);
  if (failure) process.stderr.write(`compare: a poll failed: ${failure}\n`);
  const c = process.cpuUsage(c0);
  await daemon.stop();
  await store.close();
  const oursCpuS = (c.user + c.system) / 1e6;
  const ours = ok / oursCpuS;

  // the floor: a bare net-snmp GetBulk walk loop over the same agents (collection only: no
  // parsing, counters, faults, store or metrics) — what any Node poller on net-snmp pays
  const sessions = agents.map((a) => openSession(target('bare', a.address), DEFAULT_SESSION_SETTINGS));
  await Promise.all(sessions.map((x) => bulkWalk(x, DEFAULT_SESSION_SETTINGS.maxRepetitions)));
  let bareOk = 0;
  const b0 = process.cpuUsage();
  for (let r = 0; r < rounds; r++)
    for (const w of await Promise.all(
      sessions.map((x) =>
        bulkWalk(x, DEFAULT_SESSION_SETTINGS.maxRepetitions).then(
          () => 1,
          () => 0,
        ),
      ),
    ))
      bareOk += w;
  const b = process.cpuUsage(b0);
  for (const x of sessions) x.close();
  const bare = bareOk / ((b.user + b.system) / 1e6);

  // theirs: prometheus-snmp-exporter with a hand-written module for the same OIDs
  const metric = (name: string, oid: string, type: string) => ({ name, oid, type, indexes: [{ labelname: 'ifIndex', type: 'gauge' }] });
  const module = {
    if_mib: {
      version: 2,
      auth: { community: COMMUNITY },
      max_repetitions: 25,
      retries: 1,
      timeout: '2s',
      get: [OID.sysUpTime],
      walk: [...POLLED_COLUMNS],
      metrics: [
        { name: 'sysUpTime', oid: '1.3.6.1.2.1.1.3', type: 'gauge' },
        metric('ifName', OID.ifName, 'DisplayString'),
        metric('ifAdminStatus', OID.ifAdminStatus, 'gauge'),
        metric('ifOperStatus', OID.ifOperStatus, 'gauge'),
        metric('ifHCInOctets', OID.ifHCInOctets, 'counter'),
        metric('ifHCOutOctets', OID.ifHCOutOctets, 'counter'),
        metric('ifInErrors', OID.ifInErrors, 'counter'),
        metric('ifOutErrors', OID.ifOutErrors, 'counter'),
      ],
    },
  };
  writeFileSync(join(work, 'snmp.yml'), stringify(module));
  const port = await freePort();
  const exporter = spawn(
    'prometheus-snmp-exporter',
    [`--config.file=${join(work, 'snmp.yml')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(exporter);
  // a spawn failure is an event, not an exception: report it instead of crashing with agents left running
  exporter.on('error', (err) => process.stderr.write(`snmp bench: prometheus-snmp-exporter did not start: ${err.message}\n`));
  let exporterErr = '';
  exporter.stderr!.on('data', (d: Buffer) => (exporterErr += d.toString()));
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`http://127.0.0.1:${port}/`)
        .then((r) => r.ok)
        .catch(() => false)
    )
      break;
    await sleep(100);
  }
  const scrapeAll = () =>
    Promise.all(
      agents.map((a) =>
        fetch(`http://127.0.0.1:${port}/snmp?module=if_mib&target=${a.address}:1161`).then(async (r) =>
          r.ok && (await r.text()).includes('ifOperStatus') ? 1 : 0,
        ),
      ),
    );
  await scrapeAll();
  let theirOk = 0;
  const e0 = cpuMsOf(exporter.pid!);
  for (let r = 0; r < rounds; r++) theirOk += (await scrapeAll()).reduce((s: number, v: number) => s + v, 0);
  const theirCpuS = (cpuMsOf(exporter.pid!) - e0) / 1000;
  const theirs = theirOk / theirCpuS;
  if (!theirOk) process.stderr.write(`exporter answered nothing useful: ${exporterErr.slice(0, 500)}\n`);
  out('snmp_agents_compared', agents.length, 'snmpd agents');
  out('stacks_polls', ok, 'polls');
  out('stacks_polls_per_cpu_second', ours, 'polls/cpu-s');
  out('bare_netsnmp_walks_per_cpu_second', bare, 'walks/cpu-s (floor: collection only)');
  out('ratio_stacks_to_bare_netsnmp', ours / bare, 'x (target >= 0.9)');
  out('snmp_exporter_polls', theirOk, 'polls');
  out('snmp_exporter_polls_per_cpu_second', theirs, 'polls/cpu-s');
  out('ratio_stacks_to_snmp_exporter', ours / theirs, 'x (target >= 1)');
  exporter.kill('SIGKILL');
  for (const a of agents) a.child.kill('SIGKILL');
}

async function scale(): Promise<void> {
  const count = 2000;
  const hosts = [0, 1].map((h) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'support', 'sim-agents-host.js'), String(80 + h), String(count / 2), '4', COMMUNITY], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(child);
    return new Promise<void>((res) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && res()));
  });
  await Promise.all(hosts);
  const targets: PollTarget[] = [];
  for (let h = 0; h < 2; h++) for (let i = 0; i < count / 2; i++) targets.push(target(`sim${h}-${i}`, simAddress(80 + h, i)));
  writeFileSync(join(work, 'targets.json'), JSON.stringify(targets));
  const interval = QUICK ? 30_000 : 60_000;
  const r = spawnSync(
    process.execPath,
    [join(import.meta.dirname, 'support', 'snmp-scale-worker.js'), join(work, 'targets.json'), String(interval), String(interval + 5000), String(interval)],
    { encoding: 'utf8', timeout: 4 * interval + 60_000 },
  );
  if (r.status !== 0) throw new Error(`scale worker failed: ${r.stderr}`);
  const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as { polls: number; cpuMs: number; wallMs: number; maxRssMb: number; okPolls: number };
  out('scale_targets', count, 'agents');
  out('scale_poll_interval', interval / 1000, 's');
  out('scale_polls_in_window', m.polls, 'polls');
  out('scale_polls_answered', m.okPolls, 'polls');
  out('scale_cpu_share_of_one_core', (100 * m.cpuMs) / m.wallMs, '% (target <= 15)');
  out('scale_peak_rss', m.maxRssMb, 'MB (target <= 300)');
  for (const c of children.splice(0)) c.kill('SIGKILL');
}

async function trapLatency(): Promise<void> {
  const agent = new SimAgent({ address: '127.82.0.1', port: 1161, interfaces: 200, community: COMMUNITY });
  await agent.start();
  const inner = new SqliteFaultStore(join(work, 'trap.sqlite'));
  const openedAt = new Map<string, number>();
  // the store as the daemon sees it, noting when each fault reaches it
  const store: FaultStore = Object.assign(Object.create(inner) as FaultStore, {
    apply: async (events: Parameters<FaultStore['apply']>[0]) => {
      const applied = await inner.apply(events);
      const now = performance.now();
      for (const a of applied) if (a.changed && a.event.type === 'open') openedAt.set(a.event.object, now);
      return applied;
    },
  });
  const trapPort = await freePort();
  const daemon = new MonitorDaemon({
    targets: [target('t0', '127.82.0.1')],
    platforms: [],
    store,
    logger: pino({ level: 'silent' }),
    intervalMs: 3_600_000,
    ...counting,

    debounce: { ...counting.debounce, openAfterMs: 0, closeAfterMs: 0 },
    processMetrics: false,
    traps: { listen: [{ address: '127.0.0.1', port: trapPort }], credentials: [{ version: 'v2c', community: COMMUNITY }] },
  });
  await daemon.start();
  const first = await daemon.pollNow('t0');
  if (!first?.ok) process.stderr.write(`trap bench: first poll failed: ${JSON.stringify(first)}\n`);
  const session = agent.trapSession({ address: '127.0.0.1', port: trapPort });
  const latencies: number[] = [];
  for (let i = 0; i < 200; i++) {
    const sent = performance.now();
    await agent.trap(session, i, false);
    const object = `interface:t0/${agent.ifName(i)}`;
    for (let k = 0; k < 400 && !openedAt.has(object); k++) await sleep(2);
    if (openedAt.has(object)) latencies.push(openedAt.get(object)! - sent);
  }
  latencies.sort((a, b) => a - b);
  session.close();
  await daemon.stop();
  await inner.close();
  await agent.close();
  out('trap_to_fault_samples', latencies.length, 'traps');
  out('trap_to_fault_median', latencies[Math.floor(latencies.length / 2)] ?? NaN, 'ms (target <= 1000)');
  out('trap_to_fault_p95', latencies[Math.floor(latencies.length * 0.95)] ?? NaN, 'ms');
}

async function main(): Promise<void> {
  const deadline = setTimeout(() => {
    process.stderr.write('snmp bench: time bound reached\n');
    for (const c of children) c.kill('SIGKILL');
    process.exit(1);
  }, 10 * 60_000);
  try {
    const only = process.env.STACKS_BENCH_ONLY;
    if (!only || only === 'trap') await trapLatency();
    if (!only || only === 'compare') await compareWithExporter();
    if (!only || only === 'scale') await scale();
  } finally {
    clearTimeout(deadline);
    for (const c of children) c.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
  process.exit(0);
}

void main();
