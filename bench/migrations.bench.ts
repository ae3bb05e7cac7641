/**
 * Migration benchmarks.
 * 1. Planning: 10,000 generated systems with exactly 30,000 dependencies — assessment (7 Rs),
 *    placement on the default inventory's clouds and wave planning (target ≤ 2 s), and the wave
 *    planner alone.
 * 2. Execution: 24 small HTTP services with data, on 8 department servers, moved to 2 cloud VMs (with
 *    the name server: 11 hosts, network namespaces running sshd), at two concurrency bounds (bounded
 *    concurrent SSH sessions); prints systems migrated per minute (target ≥ 40 at concurrency 8), the
 *    median time of each step, and the median cutover downtime (freeze → name switched on the lab's
 *    BIND; target ≤ 30 s) while a writer keeps uploading to every service through its name: every
 *    acknowledged upload must be on the target afterwards (0 lost).
 * 3. Throttle: one system of BENCH_GIB GiB (default 1) replicated over a township's 200M uplink shaped
 *    by tc at 1/BENCH_RATE_SCALE (default 2: a 100 Mbit/s link, ~3 min for the GiB), throttled to half
 *    of it; prints the measured rate against the throttle (target within 10 %), and the rate a TCP
 *    flow (iperf3) gets over the same link meanwhile: the other traffic's share, the link less the throttle.
 * Needs root for part 2 (namespaces); without root it prints why and skips that part.
 */
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadInventory } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { loadClouds } from '../cloud/load.js';
import { buildRegistry } from '../cloud/registry.js';
import { contextFromInventory, generateSystems } from '../migrations/generate-systems.js';
import { buildPlan } from '../migrations/plan.js';
import { planWaves, DEFAULT_WAVE_OPTIONS } from '../migrations/waves.js';
import { assess } from '../migrations/assess.js';
import { runWave } from '../migrations/execute.js';
import { Journal } from '../migrations/journal.js';
import { createMigrationLab, destroyMigrationLab, migrationLabLeftovers } from '../test/migrations/lab-hosts.js';
import { SshPool, readKnownHosts } from '../migrations/ssh.js';
import { startService } from '../migrations/steps.js';
import { sleep } from '../lab/shell.js';
import type { MigrationSystem } from '../migrations/schema.js';
import type { Runbook } from '../migrations/runbook.js';
import { startNameServer } from '../lab/name-server.js';
import { ensureTsigKey } from '../lab/secrets.js';
import { DnsNames } from '../migrations/names.js';
import { RUNBOOKS } from '../migrations/lifecycle.js';

/** The sample service of the migration tests: GET its data, PUT acknowledged (fsynced) uploads. */
const UPLOAD_SERVER = join(import.meta.dirname, '..', '..', 'test', 'migrations', 'upload-server.py');

const hardStop = setTimeout(() => {
  console.error('migrations bench: over its 15-minute budget, stopping');
  process.exit(1);
}, 15 * 60_000);
hardStop.unref();

async function planning(): Promise<void> {
  const inv = await loadInventory();
  const clouds = loadClouds(inv)!;
  const registry = buildRegistry(inv, buildTopology(inv), clouds);
  const systems = generateSystems(contextFromInventory(inv, clouds), { seed: 7, count: 10_000, avgDependencies: 3.4 });
  fixDependencyCount(systems, 30_000);
  const deps = systems.reduce((n, s) => n + s.dependsOn.length, 0);
  console.log(`planning systems: ${systems.length} systems`);
  console.log(`planning dependencies: ${deps} edges`);

  const network = buildTopology(inv);
  buildPlan(systems, registry, { generated: { seed: 7, count: 10_000 } }, {}, { network }); // warm-up
  const times: number[] = [];
  let plan = buildPlan(systems, registry, { generated: { seed: 7, count: 10_000 } }, {}, { network });
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    plan = buildPlan(systems, registry, { generated: { seed: 7, count: 10_000 } }, {}, { network });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`planning findings: ${plan.findings.length}, bandwidth plans: ${plan.waves.filter((w) => w.bandwidth).length} waves`);
  console.log(`planning (assess + placement + waves + findings + bandwidth) median: ${times[2]!.toFixed(0)} ms (target ≤ 2000 ms)`);
  console.log(`planning result: ${plan.summary.moving} moving in ${plan.waves.length} waves, ${plan.retained.length} retained, ${plan.blocked.length} blocked`);

  const assessed = assess(systems, registry);
  const byId = new Map(systems.map((s) => [s.id, s]));
  const movers = assessed
    .filter((a) => a.targetCloud)
    .map((a) => ({ id: a.id, strategy: a.strategy, targetCloud: a.targetCloud!, dataGiB: byId.get(a.id)!.dataGiB, dependsOn: byId.get(a.id)!.dependsOn }));
  const wt: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    planWaves(movers, { ...DEFAULT_WAVE_OPTIONS, maxSystemsPerWave: 200, maxPerCloudPerWave: 100 });
    wt.push(performance.now() - t0);
  }
  wt.sort((a, b) => a - b);
  console.log(`wave planner alone (${movers.length} movers) median: ${wt[2]!.toFixed(1)} ms`);
}

/** Add edges to earlier systems (keeping the graph's shape) or drop the last ones, to exactly `want`. */
function fixDependencyCount(systems: MigrationSystem[], want: number): void {
  let total = systems.reduce((n, s) => n + s.dependsOn.length, 0);
  let k = 0;
  while (total < want) {
    const i = 1 + ((k++ * 7919) % (systems.length - 1));
    const s = systems[i]!;
    const t = systems[(k * 104729) % i]!;
    if (t.id !== s.id && !s.dependsOn.includes(t.id) && (s.classification === 'classified' || t.classification !== 'classified')) {
      s.dependsOn.push(t.id);
      total++;
    }
  }
  for (let i = systems.length - 1; total > want && i >= 0; i--) {
    while (total > want && systems[i]!.dependsOn.length) {
      const dropped = systems[i]!.dependsOn.pop()!;
      total--;
      // keep mutual pairs consistent enough: the other side may still call back (a smaller cycle)
      void dropped;
    }
  }
}

async function execution(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('execution: skipped (needs root for network namespaces)');
    return;
  }
  const inv = await loadInventory();
  const clouds = loadClouds(inv)!;
  const registry = buildRegistry(inv, buildTopology(inv), clouds);
  const SOURCES = 8;
  const N = 24;
  const id = `cb${process.pid % 10000}`;
  const dir = await mkdtemp(join(tmpdir(), `stacks-mig-${id}-`));
  await destroyMigrationLab(id);
  try {
    const hostNames = [...Array.from({ length: SOURCES }, (_, i) => `dept${i + 1}`), 'vm1', 'vm2', 'dns'];
    const t0 = performance.now();
    const lab = await createMigrationLab({ id, dir: join(dir, 'hosts'), hosts: hostNames, subnet: '169.254.207' });
    console.log(`execution lab: ${lab.hosts.length} namespaces with sshd up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const host = (n: string) => lab.hosts.find((h) => h.name === n)!;
    const secrets = join(dir, 'secrets.json');
    const key = await ensureTsigKey(secrets, 'stacks-migrate');
    const concurrencies = (process.env.BENCH_CONCURRENCY ?? '2,8').split(',').map(Number);
    const sid = (concurrency: number, i: number) => `bench-c${concurrency}-${String(i).padStart(3, '0')}`;
    const serviceName = (id: string) => `${id}.gov.sn.cn`;
    // every service's name points at its department server before the wave, as in a province
    const records = Object.fromEntries(
      concurrencies.flatMap((c) => Array.from({ length: N }, (_, i) => [serviceName(sid(c, i)), host(`dept${(i % SOURCES) + 1}`).address])),
    );
    await startNameServer({
      dir: join(host('dns').dir, 'named'),
      address: host('dns').address,
      port: 53,
      zone: 'gov.sn.cn',
      key,
      records,
      ttl: 300,
      netns: host('dns').ns,
    });
    const names = new DnsNames({
      server: host('dns').address,
      port: 53,
      zone: 'gov.sn.cn',
      key,
      ttl: 300,
      waveTtl: 5,
      log: join(dir, 'writer-names.log'),
      lockDir: dir,
    });
    for (const concurrency of concurrencies) {
      const runbook: Runbook = {
        ssh: { user: 'root', identity: lab.identity, known_hosts: lab.knownHosts, port: 22 },
        names: { server: host('dns').address, port: 53, zone: 'gov.sn.cn', tsig_key: 'stacks-migrate', secrets, ttl: 300, wave_ttl: 5 },
        replication: { min_rounds: 1, max_rounds: 10, interval_s: 0.2, converge_bytes: 1024 * 1024, rate_scale: 1 },
        systems: {},
      };
      const systems: MigrationSystem[] = [];
      for (let i = 0; i < N; i++) {
        const id = sid(concurrency, i);
        const src = host(`dept${(i % SOURCES) + 1}`);
        const dst = host(i % 2 ? 'vm2' : 'vm1');
        const data = join(lab.dir, src.name, 'srv', id);
        await mkdir(data, { recursive: true });
        await writeFile(join(data, 'index.html'), `<h1>${id}</h1>`);
        await writeFile(join(data, 'data.bin'), Buffer.alloc(2 * 1024 * 1024, i));
        runbook.systems[id] = {
          source: { host: src.address, data_dir: data },
          target: { host: dst.address, data_dir: join(lab.dir, dst.name, 'srv', id) },
          service: {
            name: serviceName(id),
            port: 9000 + i + concurrency * 100,
            start: `python3 ${UPLOAD_SERVER} {port} {address} {data_dir}`,
          },
        };
        systems.push({
          id,
          name: id,
          department: 'finance',
          level: 'province',
          classification: 'internal',
          location: { kind: 'department-room', site: 'dept.finance' },
          dependsOn: [],
          dataGiB: 0.002,
          vcpu: 1,
          ramGiB: 1,
          protectionClass: 'p2',
          platform: 'x86-vm',
          lifecycle: 'active',
        });
      }
      const pool = new SshPool({ user: 'root', privateKey: readFileSync(lab.identity), pinned: readKnownHosts(lab.knownHosts) });
      for (const s of systems) await startService(pool.get(runbook.systems[s.id]!.source.host), runbook.systems[s.id]!, runbook.systems[s.id]!.source);
      pool.close();
      const plan = buildPlan(systems, registry, { generated: { seed: 0, count: N } }, { maxSystemsPerWave: 1000, maxPerCloudPerWave: 1000 });
      const stateDir = join(dir, `state-${concurrency}`);
      const writer = startWriters(
        names,
        systems.map((x) => ({ id: x.id, name: serviceName(x.id), port: runbook.systems[x.id]!.service.port })),
      );
      const loadBefore = loadavg()[0]!.toFixed(1);
      const t1 = performance.now();
      const result = await runWave({ stateDir, plan, wave: 1, runbook, concurrency });
      const seconds = (performance.now() - t1) / 1000;
      const acked = await writer.stop();
      console.log(
        `execution concurrency ${concurrency}: ${result.finalized}/${N} finalized in ${seconds.toFixed(1)} s (load average before ${loadBefore}, after ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`,
      );
      if (result.finalized < N) {
        const j = new Journal(join(stateDir, 'migrations', 'journal.db'), { readonly: true });
        for (const s of j.steps().filter((x) => x.status !== 'done'))
          console.log(`  not done: ${s.system} ${s.step} ${s.status} attempts ${s.attempts} ${s.detail ?? ''}`);
        j.close();
      }
      console.log(
        `execution systems migrated per minute (concurrency ${concurrency}): ${((result.finalized / seconds) * 60).toFixed(1)} systems/min${concurrency === 8 ? ' (target ≥ 40)' : ''}`,
      );
      console.log(`execution step medians (concurrency ${concurrency}): ${stepMedians(join(stateDir, 'migrations', 'journal.db'))}`);
      // an acknowledged upload must be where the system now lives: the target once it moved, else the source
      const moved = new Set(result.systems.filter((x) => x.state === 'finalized').map((x) => x.id));
      const home = (id: string) => (moved.has(id) ? runbook.systems[id]!.target : runbook.systems[id]!.source).data_dir;
      const lost = acked.filter((w) => readIfThere(join(home(w.id), w.path)) !== w.body);
      const gaps = systems.map((x) => longestGap(acked.filter((w) => w.id === x.id).map((w) => w.at))).sort((a, b) => a - b);
      console.log(
        `execution writes (concurrency ${concurrency}): ${acked.length} acknowledged uploads through the names, ${lost.length} lost (target 0)${lost.length ? `, e.g. ${lost[0]!.id} ${lost[0]!.path}` : ''}; longest gap between a service's acknowledged uploads: median ${(gaps[Math.floor(gaps.length / 2)]! / 1000).toFixed(2)} s`,
      );
      const downtimes = result.systems
        .map((x) => x.downtime_seconds)
        .filter((x): x is number => x !== undefined)
        .sort((a, b) => a - b);
      if (downtimes.length)
        console.log(
          `execution cutover downtime (file systems, concurrency ${concurrency}): median ${downtimes[Math.floor(downtimes.length / 2)]!.toFixed(2)} s, max ${downtimes.at(-1)!.toFixed(2)} s (target median ≤ 30 s)`,
        );
    }
  } finally {
    await destroyMigrationLab(id, dir);
    await rm(dir, { recursive: true, force: true });
    const left = await migrationLabLeftovers(id);
    console.log(`execution leftovers after teardown: ${left.namespaces.length + left.links.length + left.processes.length} objects`);
  }
}

interface Upload {
  id: string;
  path: string;
  body: string;
  at: number;
}

/**
 * One writer per service: every ~250 ms an upload (PUT) to the address its name resolves to on the
 * lab's name server (no cache: each write looks the name up); an upload counts once it answered 201.
 */
function startWriters(names: DnsNames, services: Array<{ id: string; name: string; port: number }>): { stop(): Promise<Upload[]> } {
  const acked: Upload[] = [];
  let writing = true;
  const loops = services.map(async (svc) => {
    for (let n = 1; writing; n++) {
      const path = `uploads/w${String(n).padStart(5, '0')}.txt`;
      const body = `${svc.id} write ${n}\n`;
      try {
        const address = await names.lookup(svc.name);
        const res = await fetch(`http://${address}:${svc.port}/${path}`, { method: 'PUT', body, signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 201) acked.push({ id: svc.id, path, body, at: Date.now() });
      } catch {
        // not acknowledged: the service is frozen or moving; the next write tries again
      }
      await sleep(250);
    }
  });
  return {
    async stop() {
      await sleep(1000); // writes after the wave land on the targets too
      writing = false;
      await Promise.all(loops);
      return acked;
    },
  };
}

function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function longestGap(times: number[]): number {
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i]! - times[i - 1]!);
  return gap;
}

/** Median seconds of each runbook step over the wave's systems (from the journal), in runbook order. */
function stepMedians(journalFile: string): string {
  const j = new Journal(journalFile, { readonly: true });
  const by = new Map<string, number[]>();
  for (const s of j.steps()) {
    if (s.status !== 'done' || !s.finished_at) continue;
    const list = by.get(s.step) ?? [];
    list.push((Date.parse(s.finished_at) - Date.parse(s.started_at)) / 1000);
    by.set(s.step, list);
  }
  j.close();
  const order: readonly string[] = RUNBOOKS.rehost.map((x) => x.step);
  return [...by]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([step, xs]) => `${step} ${xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(2)}`)
    .join(', ');
}

async function throttle(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const gib = Number(process.env.BENCH_GIB ?? 1);
  const scale = Number(process.env.BENCH_RATE_SCALE ?? 2);
  const id = `ct${process.pid % 10000}`;
  const dir = await mkdtemp(join(tmpdir(), `stacks-mig-${id}-`));
  await destroyMigrationLab(id);
  try {
    const lab = await createMigrationLab({ id, dir: join(dir, 'hosts'), hosts: ['township', 'vm', 'dns'], subnet: '169.254.206' });
    const host = (n: string) => lab.hosts.find((h) => h.name === n)!;
    const secrets = join(dir, 'secrets.json');
    const key = await ensureTsigKey(secrets, 'stacks-migrate');
    await startNameServer({
      dir: join(host('dns').dir, 'named'),
      address: host('dns').address,
      port: 53,
      zone: 'gov.sn.cn',
      key,
      records: {},
      ttl: 300,
      netns: host('dns').ns,
    });
    const data = join(lab.dir, 'township', 'srv', 'bulk');
    await mkdir(data, { recursive: true });
    const { run } = await import('../lab/shell.js');
    await run('dd', ['if=/dev/urandom', `of=${join(data, 'bulk.bin')}`, 'bs=1M', `count=${Math.round(gib * 1024)}`, 'status=none']);
    const link = 200 / scale;
    await run('ip', [
      'netns',
      'exec',
      host('township').ns,
      'tc',
      'qdisc',
      'add',
      'dev',
      'eth0',
      'root',
      'tbf',
      'rate',
      `${link}mbit`,
      'burst',
      '64kbit',
      'latency',
      '400ms',
    ]);
    const runbook: Runbook = {
      ssh: { user: 'root', identity: lab.identity, known_hosts: lab.knownHosts, port: 22 },
      names: { server: host('dns').address, port: 53, zone: 'gov.sn.cn', tsig_key: 'stacks-migrate', secrets, ttl: 300, wave_ttl: 5 },
      replication: { min_rounds: 1, max_rounds: 5, interval_s: 0.2, converge_bytes: 1024 * 1024, rate_scale: scale },
      systems: {
        'bench-bulk': {
          source: { host: host('township').address, data_dir: data },
          target: { host: host('vm').address, data_dir: join(lab.dir, 'vm', 'srv', 'bulk') },
          service: { name: 'bulk.gov.sn.cn', port: 9990, start: 'python3 -m http.server {port} --bind {address} --directory {data_dir}' },
        },
      },
    };
    const inv = await loadInventory();
    const clouds = loadClouds(inv)!;
    const registry = buildRegistry(inv, buildTopology(inv), clouds);
    const sys: MigrationSystem = {
      id: 'bench-bulk',
      name: 'bench-bulk',
      department: 'finance',
      level: 'province',
      classification: 'internal',
      location: { kind: 'department-room', site: 'dept.finance' },
      dependsOn: [],
      dataGiB: gib,
      vcpu: 1,
      ramGiB: 1,
      protectionClass: 'p2',
      platform: 'x86-vm',
      lifecycle: 'active',
    };
    const plan = buildPlan([sys], registry, { generated: { seed: 0, count: 1 } });
    const throttleMbps = 100; // half of the township's 200M uplink (bandwidth.ts), the plan's default share
    plan.waves[0]!.systems[0]!.throttle_mbps = throttleMbps;
    const pool = new SshPool({ user: 'root', privateKey: readFileSync(lab.identity), pinned: readKnownHosts(lab.knownHosts) });
    await startService(pool.get(host('township').address), runbook.systems['bench-bulk']!, runbook.systems['bench-bulk']!.source);
    pool.close();
    const stateDir = join(dir, 'state');
    const wave = runWave({ stateDir, plan, wave: 1, runbook, concurrency: 1 });
    // the other traffic: a TCP flow over the same uplink while the initial sync runs
    const other = await sleep(5000).then(() => tcpFlow(host('township').ns, host('vm').ns, host('vm').address, Math.min(20, Math.max(5, gib * 40))));
    const result = await wave;
    const j = new Journal(join(stateDir, 'migrations', 'journal.db'), { readonly: true });
    const initial = j.rounds('bench-bulk').find((r) => r.kind === 'initial');
    j.close();
    const want = throttleMbps / scale;
    if (initial)
      console.log(
        `throttle: ${gib} GiB at ${initial.mbps} Mbit/s over a ${link} Mbit/s link (200M / ${scale}), throttle ${want} Mbit/s: ${(((initial.mbps - want) / want) * 100).toFixed(1)}% off (target within 10%); ${result.systems[0]!.state}, downtime ${result.systems[0]!.downtime_seconds?.toFixed(2)} s`,
      );
    console.log(
      `throttle: other traffic (one TCP flow, iperf3) over the same link meanwhile: ${other === undefined ? 'not measured' : `${other.toFixed(1)} Mbit/s`} (its share: the link less the throttle, ${link - want} Mbit/s)`,
    );
  } finally {
    await destroyMigrationLab(id, dir);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Mbit/s one TCP flow from `fromNs` to `address` (in `toNs`) gets over `seconds` (iperf3, the receiver's figure). */
async function tcpFlow(fromNs: string, toNs: string, address: string, seconds: number): Promise<number | undefined> {
  const { run } = await import('../lab/shell.js');
  const port = 5299;
  const server = run('ip', ['netns', 'exec', toNs, 'iperf3', '-s', '-1', '-B', address, '-p', String(port)], { allowFail: true });
  await sleep(500);
  const r = await run('ip', ['netns', 'exec', fromNs, 'iperf3', '-c', address, '-p', String(port), '-t', String(seconds), '-J'], { allowFail: true });
  await server;
  try {
    const doc = JSON.parse(r.stdout) as { end?: { sum_received?: { bits_per_second: number } } };
    const bps = doc.end?.sum_received?.bits_per_second;
    return bps === undefined ? undefined : bps / 1e6;
  } catch {
    return undefined;
  }
}

// BENCH_PARTS=planning,execution,throttle (default all three)
const parts = new Set((process.env.BENCH_PARTS ?? 'planning,execution,throttle').split(','));
if (parts.has('planning')) await planning();
if (parts.has('execution')) await execution();
if (parts.has('throttle')) await throttle();
clearTimeout(hardStop);
