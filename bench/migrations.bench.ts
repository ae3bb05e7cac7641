/**
 * Migration benchmarks.
 * 1. Planning: 10,000 generated systems with exactly 30,000 dependencies — assessment (7 Rs),
 *    placement on the default inventory's clouds and wave planning (target ≤ 2 s), and the wave
 *    planner alone.
 * 2. Execution: small HTTP services with data moved between network namespaces running sshd, at two
 *    concurrency bounds (bounded concurrent SSH sessions); prints systems migrated per minute.
 * Needs root for part 2 (namespaces); without root it prints why and skips that part.
 */
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
import type { MigrationSystem } from '../migrations/schema.js';
import type { Runbook } from '../migrations/runbook.js';
import { startNameServer } from '../lab/name-server.js';
import { ensureTsigKey } from '../lab/secrets.js';

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

  buildPlan(systems, registry, { generated: { seed: 7, count: 10_000 } }); // warm-up
  const times: number[] = [];
  let plan = buildPlan(systems, registry, { generated: { seed: 7, count: 10_000 } });
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    plan = buildPlan(systems, registry, { generated: { seed: 7, count: 10_000 } });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`planning (assess + placement + waves) median: ${times[2]!.toFixed(0)} ms (target ≤ 2000 ms)`);
  console.log(`planning result: ${plan.summary.moving} moving in ${plan.waves.length} waves, ${plan.retained.length} retained, ${plan.blocked.length} blocked`);

  const assessed = assess(systems, registry);
  const byId = new Map(systems.map((s) => [s.id, s]));
  const movers = assessed.filter((a) => a.targetCloud).map((a) => ({ id: a.id, strategy: a.strategy, targetCloud: a.targetCloud!, dataGiB: byId.get(a.id)!.dataGiB, dependsOn: byId.get(a.id)!.dependsOn }));
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
    const i = 1 + (k++ * 7919) % (systems.length - 1);
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
  const id = `mb${process.pid % 10000}`;
  const dir = await mkdtemp(join(tmpdir(), `stacks-mig-${id}-`));
  await destroyMigrationLab(id);
  try {
    const hostNames = [...Array.from({ length: SOURCES }, (_, i) => `dept${i + 1}`), 'vm1', 'vm2', 'dns'];
    const t0 = performance.now();
    const lab = await createMigrationLab({ id, dir: join(dir, 'hosts'), hosts: [...hostNames, 'client'], subnet: '169.254.203' });
    console.log(`execution lab: ${lab.hosts.length} namespaces with sshd up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const host = (n: string) => lab.hosts.find((h) => h.name === n)!;
    const secrets = join(dir, 'secrets.json');
    const key = await ensureTsigKey(secrets, 'stacks-migrate');
    await startNameServer({ dir: join(host('dns').dir, 'named'), address: host('dns').address, port: 53, zone: 'gov.sn.cn', key, records: {}, ttl: 300, netns: host('dns').ns });
    for (const concurrency of (process.env.BENCH_CONCURRENCY ?? '2,8').split(',').map(Number)) {
      const runbook: Runbook = { ssh: { user: 'root', identity: lab.identity, known_hosts: lab.knownHosts, port: 22 }, names: { server: host('dns').address, port: 53, zone: 'gov.sn.cn', tsig_key: 'stacks-migrate', secrets, ttl: 300, wave_ttl: 5 }, replication: { min_rounds: 1, max_rounds: 10, interval_s: 0.2, converge_bytes: 1024 * 1024, rate_scale: 1 }, systems: {} };
      const systems: MigrationSystem[] = [];
      for (let i = 0; i < N; i++) {
        const sid = `bench-c${concurrency}-${String(i).padStart(3, '0')}`;
        const src = host(`dept${(i % SOURCES) + 1}`);
        const dst = host(i % 2 ? 'vm2' : 'vm1');
        const data = join(lab.dir, src.name, 'srv', sid);
        await mkdir(data, { recursive: true });
        await writeFile(join(data, 'index.html'), `<h1>${sid}</h1>`);
        await writeFile(join(data, 'data.bin'), Buffer.alloc(2 * 1024 * 1024, i));
        runbook.systems[sid] = { source: { host: src.address, data_dir: data }, target: { host: dst.address, data_dir: join(lab.dir, dst.name, 'srv', sid) }, service: { name: `${sid}.gov.sn.cn`, port: 9000 + i + concurrency * 100, start: 'python3 -m http.server {port} --bind {address} --directory {data_dir}' } };
        systems.push({ id: sid, name: sid, department: 'finance', level: 'province', classification: 'internal', location: { kind: 'department-room', site: 'dept.finance' }, dependsOn: [], dataGiB: 0.002, vcpu: 1, ramGiB: 1, protectionClass: 'p2', platform: 'x86-vm', lifecycle: 'active' });
      }
      const pool = new SshPool({ user: 'root', privateKey: readFileSync(lab.identity), pinned: readKnownHosts(lab.knownHosts) });
      for (const s of systems) await startService(pool.get(runbook.systems[s.id]!.source.host), runbook.systems[s.id]!, runbook.systems[s.id]!.source);
      pool.close();
      const plan = buildPlan(systems, registry, { generated: { seed: 0, count: N } }, { maxSystemsPerWave: 1000, maxPerCloudPerWave: 1000 });
      const stateDir = join(dir, `state-${concurrency}`);
      const t1 = performance.now();
      const result = await runWave({ stateDir, plan, wave: 1, runbook, concurrency });
      const seconds = (performance.now() - t1) / 1000;
      console.log(`execution concurrency ${concurrency}: ${result.finalized}/${N} finalized in ${seconds.toFixed(1)} s`);
      if (result.finalized < N) {
        const j = new Journal(join(stateDir, 'migrations', 'journal.db'), { readonly: true });
        for (const s of j.steps().filter((x) => x.status !== 'done')) console.log(`  not done: ${s.system} ${s.step} ${s.status} attempts ${s.attempts} ${s.detail ?? ''}`);
        j.close();
      }
      console.log(`execution systems migrated per minute (concurrency ${concurrency}): ${((result.finalized / seconds) * 60).toFixed(1)} systems/min`);
    }
  } finally {
    await destroyMigrationLab(id, dir);
    await rm(dir, { recursive: true, force: true });
    const left = await migrationLabLeftovers(id);
    console.log(`execution leftovers after teardown: ${left.namespaces.length + left.links.length + left.processes.length} objects`);
  }
}

await planning();
await execution();
clearTimeout(hardStop);
