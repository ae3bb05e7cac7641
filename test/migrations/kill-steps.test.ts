/**
 * `kill -9` of `stacks migrate run` inside the steps where a kill hurts (root; runs in CI), on real
 * hosts (sshd in namespaces) and the real BIND name server: freeze (source stopped), final-sync (a
 * large delta in flight under freeze), start-target (service started on the target), switch-name
 * (the name server updated by RFC 2136, the journal not yet marked) and finalize (TTL restored).
 * One wave of five systems at concurrency 1; each run is killed at the next system's kill point and
 * restarted, until a run finishes the wave. Then: every system finalized, the killed step redone at
 * most once and no other step redone, the name switched exactly once (our audit trail and BIND's own
 * update log) and pointing at the target, one service process on the target, the service answering
 * through its name, and every write a client had acknowledged on the target.
 *
 * Landing the kill after a step's effect but before the journal says `done` is a window of
 * milliseconds for the short steps, so the run is pinned there: SIGSTOP (the remote command, or the
 * nsupdate child, still completes), wait for the effect, SIGKILL; no effect yet → SIGCONT for a few
 * milliseconds and try again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { join } from 'node:path';
import { REPO, runCli } from '../support/cli.js';
import { buildScenario, readJournalOf, startWriter, type Scenario } from './support.js';
import { destroyMigrationLab, inHost, migrationLabLeftovers } from './lab-hosts.js';
import type { Journal, StepRow } from '../../migrations/journal.js';
import { RUNBOOKS } from '../../migrations/lifecycle.js';
import { stateDirOf } from '../../migrations/runbook.js';
import type { MigrationPlan } from '../../migrations/plan.js';
import { run, sleep } from '../../lab/shell.js';

const root = process.getuid?.() === 0;
const ID = `mk${process.pid % 10000}`;
/** Written into the final-sync system's source while it is being frozen: the final delta the kill lands in. */
const DELTA_MIB = 24;
const DELTA_SECONDS = 6;
let sc: Scenario;
let state: string;
const readJournal = <T>(fn: (j: Journal) => T): T | undefined => readJournalOf(state, fn);
const stepOf = (system: string, step: string): StepRow | undefined => readJournal((j) => j.step(system, step));

interface KillPoint {
  system: string;
  step: string;
  port: number;
  source: string;
  /** The step's effect is visible on the hosts or the name server. */
  effect: () => Promise<boolean>;
}

const serves = async (host: string, port: number) => {
  try {
    const r = await fetch(`http://${host}:${port}/`, { signal: AbortSignal.timeout(500) });
    await r.arrayBuffer();
    return r.status === 200;
  } catch {
    return false;
  }
};

async function ttlOf(name: string): Promise<number | undefined> {
  const r = await inHost(sc.client, 'dig', ['+noall', '+answer', '+time=1', '+tries=1', name, 'A']);
  const ttl = Number(r.stdout.trim().split(/\s+/)[1]);
  return Number.isFinite(ttl) ? ttl : undefined;
}

const SYSTEMS = [
  { id: 'k-freeze', department: 'agriculture', source: 'dept1', target: 'cloudvm', port: 8121, drainSeconds: 1 },
  { id: 'k-final', department: 'big-data', source: 'dept2', target: 'cloudvm', port: 8122, drainSeconds: 2 },
  { id: 'k-start', department: 'civil-affairs', source: 'dept3', target: 'cloudvm', port: 8123 },
  { id: 'k-switch', department: 'drc', source: 'dept4', target: 'cloudvm', port: 8124 },
  { id: 'k-finalize', department: 'housing', source: 'dept5', target: 'cloudvm', port: 8125 },
];

function killPoints(): KillPoint[] {
  const ep = (id: string) => sc.runbook.systems[id]!;
  const cloud = sc.host('cloudvm').address;
  const at = (id: string, step: string, effect: () => Promise<boolean>): KillPoint => {
    const s = SYSTEMS.find((x) => x.id === id)!;
    return { system: id, step, port: s.port, source: s.source, effect };
  };
  return [
    // the source's service is stopped (stopService removes its pid file last)
    at('k-freeze', 'freeze', async () => !existsSync(join(stateDirOf(ep('k-freeze').source), 'service.pid'))),
    // rsync is writing the delta on the target (its temporary file, `.delta.bin.XXXXXX`, is there)
    at('k-final', 'final-sync', async () => readdirSync(ep('k-final').target.data_dir).some((f) => f.startsWith('.delta.bin.'))),
    // the service runs on the target
    at('k-start', 'start-target', () => serves(cloud, 8123)),
    // the name server has the new address
    at('k-switch', 'switch-name', async () => (await sc.names.lookup(sc.serviceName('k-switch'))) === cloud),
    // finalize's last act: the TTL is back up
    at('k-finalize', 'finalize', async () => (await ttlOf(sc.serviceName('k-finalize'))) === 300),
  ];
}

/** Pids of the rsync processes of `system`'s replication on its source host (their command line names its key). */
async function rsyncOf(system: string): Promise<string[]> {
  const src = sc.host(SYSTEMS.find((x) => x.id === system)!.source);
  const key = join(stateDirOf(sc.runbook.systems[system]!.source), 'replication_key');
  const pids = (await run('ip', ['netns', 'pids', src.ns])).stdout.split('\n').filter(Boolean);
  return pids.filter((p) => {
    try {
      const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      return argv[0]?.endsWith('rsync') && argv.some((a) => a.includes(key));
    } catch {
      return false;
    }
  });
}

/**
 * Pin the run inside `k.step` after its effect: stop it, wait (up to 600 ms: a remote command or the
 * nsupdate child in flight finishes meanwhile) for the effect, kill -9; no effect → let it run for a
 * moment and stop it again. `after-done` when the step had already been marked done (too short to hit).
 */
async function pinAndKill(pid: number, k: KillPoint): Promise<{ where: 'inside' | 'after-done'; cycles: number }> {
  for (let cycle = 1; cycle <= 400; cycle++) {
    process.kill(pid, 'SIGSTOP');
    const until = Date.now() + 600;
    let hit = false;
    while (!hit && Date.now() < until) {
      hit = stepOf(k.system, k.step)?.status === 'done' || (await k.effect());
      if (!hit) await sleep(10);
    }
    if (hit) {
      process.kill(pid, 'SIGKILL');
      return { where: stepOf(k.system, k.step)?.status === 'running' ? 'inside' : 'after-done', cycles: cycle };
    }
    process.kill(pid, 'SIGCONT');
    await sleep(1);
  }
  process.kill(pid, 'SIGKILL');
  throw new Error(`${k.system}: ${k.step} showed no effect`);
}

describe.skipIf(!root)('migrate run: kill -9 inside freeze, final-sync, start-target, switch-name and finalize', () => {
  beforeAll(async () => {
    await destroyMigrationLab(ID);
    sc = await buildScenario(ID, '169.254.208', ['dept1', 'dept2', 'dept3', 'dept4', 'dept5', 'cloudvm'], SYSTEMS);
    state = join(sc.dir, 'state');
    const plan = await runCli(['--state-dir', state, 'migrate', 'plan', '--systems', sc.systemsFile]);
    expect(plan.code, plan.stderr).toBe(0);
    // scale the wave's throttle so that k-final's delta takes about DELTA_SECONDS: the kill lands mid-transfer
    // and the killed run's rsync is still going when the next run starts (the other systems hold only KiBs)
    const planned = JSON.parse(readFileSync(join(state, 'migrations', 'plan.json'), 'utf8')) as MigrationPlan;
    const throttle = planned.waves[0]!.systems.find((x) => x.id === 'k-final')!.throttle_mbps!;
    sc.runbook.replication.rate_scale = (throttle * 1e6) / 8 / ((DELTA_MIB * 2 ** 20) / DELTA_SECONDS);
    writeFileSync(sc.runbookFile, stringify(sc.runbook));
  });

  afterAll(async () => {
    await destroyMigrationLab(ID, sc?.dir);
    expect(await migrationLabLeftovers(ID)).toEqual({ namespaces: [], links: [], processes: [] });
  });

  it('resumes every killed step from the journal without doubling it', async () => {
    const t0 = Date.now();
    const writers = new Map(SYSTEMS.map((s) => [s.id, startWriter(sc.names, sc.serviceName(s.id), s.port)]));
    // the final delta: written on k-final's source while its service drains (freeze), after the last incremental round
    let deltaWritten = false;
    let watching = true;
    const delta = (async () => {
      while (watching && !deltaWritten) {
        if (stepOf('k-final', 'freeze')?.status === 'running') {
          await run('dd', [
            'if=/dev/urandom',
            `of=${join(sc.runbook.systems['k-final']!.source.data_dir, 'delta.bin')}`,
            'bs=1M',
            `count=${DELTA_MIB}`,
            'status=none',
          ]);
          deltaWritten = true;
        }
        await sleep(10);
      }
    })();

    const points = killPoints();
    let leftover: string[] = [];
    const landed = new Map<string, 'inside' | 'after-done'>();
    const cycles = new Map<string, number>();
    const killedAt = new Map<string, number>();
    const args = ['--state-dir', state, 'migrate', 'run', '--wave', '1', '--runbook', sc.runbookFile, '--concurrency', '1'];
    for (let runs = 0; landed.size < points.length; runs++) {
      expect(runs, `kills so far: ${JSON.stringify([...landed])}`).toBeLessThan(points.length);
      const child = spawn(process.execPath, [join(REPO, 'bin', 'stacks.js'), ...args], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      let exitCode: number | null | undefined;
      const exited = new Promise<void>((res) => child.on('exit', (code, signal) => ((exitCode = signal === 'SIGKILL' ? 137 : code), res())));
      // the first kill point that comes up in this run (concurrency 1: one system is in flight)
      let k: KillPoint | undefined;
      while (!k && exitCode === undefined) {
        k = points.filter((p) => !landed.has(p.system)).find((p) => stepOf(p.system, p.step)?.status === 'running');
        if (!k) await sleep(5);
      }
      expect(k, `run ${runs} ended (${exitCode}) before a kill point: ${stderr.slice(-800)}`).toBeDefined();
      const pinned = await pinAndKill(child.pid!, k!);
      killedAt.set(k!.system, Date.now());
      landed.set(k!.system, pinned.where);
      cycles.set(k!.system, pinned.cycles);
      await exited;
      expect(exitCode).toBe(137);
      if (k!.system === 'k-final') leftover = await rsyncOf('k-final');
    }
    const last = await runCli(['--state-dir', state, '--json', ...args.slice(2)], { timeoutMs: 120_000 });
    expect(last.code, last.stdout + last.stderr).toBe(0);
    expect(JSON.parse(last.stdout).finalized).toBe(SYSTEMS.length);
    watching = false;
    await delta;
    expect(deltaWritten).toBe(true);
    await sleep(300); // a few writes land on the targets after the last switch
    const written = new Map<string, { acked: string[]; attempts: number }>();
    for (const [id, w] of writers) written.set(id, await w.stop());

    const cloud = sc.host('cloudvm');
    const namedLog = readFileSync(join(sc.host('dns').dir, 'named', 'named.log'), 'utf8');
    const summary: string[] = [];
    for (const k of points) {
      const steps = readJournal((j) => j.steps(k.system))!;
      const attempts = Object.fromEntries(steps.map((s) => [s.step, s.attempts]));
      const order: string[] = RUNBOOKS.rehost.map((s) => s.step);
      const at = order.indexOf(k.step);
      expect(readJournal((j) => j.system(k.system)?.state)).toBe('finalized');
      // the killed step ran again once; every step before it ran once; after it nothing ran twice
      // (killed just after `done`, the next step may have been marked running: it is redone, once)
      expect(attempts[k.step], `${k.system} ${JSON.stringify(attempts)}`).toBe(landed.get(k.system) === 'inside' ? 2 : 1);
      for (const [i, step] of order.entries()) {
        if (i === at) continue;
        const allowed = landed.get(k.system) === 'after-done' && i === at + 1 ? 2 : 1;
        expect(attempts[step], `${k.system} ${step} ${JSON.stringify(attempts)}`).toBeLessThanOrEqual(allowed);
        if (i < at) expect(attempts[step], `${k.system} ${step}`).toBe(1);
      }

      // switched exactly once, to the target: our audit trail, and the name server's own update log
      const name = sc.serviceName(k.system);
      expect(
        sc.names.changes(name).filter((c) => c.why.startsWith('cutover')),
        k.system,
      ).toHaveLength(1);
      const adds = namedLog.split('\n').filter((l) => l.includes(`adding an RR at '${name}' A ${cloud.address}`));
      // one add by the switch, one by finalize's TTL restore (a delete and an add of the same address)
      expect(adds, k.system).toHaveLength(2);
      expect(await sc.names.lookup(name)).toBe(cloud.address);
      expect(await sc.resolve(k.system)).toBe(cloud.address);

      // one service process on the target, none on the source; it answers through its name
      const pids = (await run('ip', ['netns', 'pids', cloud.ns])).stdout.split('\n').filter(Boolean);
      const services = pids.filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes(String(k.port));
        } catch {
          return false;
        }
      });
      expect(services, k.system).toHaveLength(1);
      expect(await serves(sc.host(k.source).address, k.port)).toBe(false);
      const r = await sc.clientGet(k.system, '/records/data.json', k.port);
      expect(JSON.parse(r.body).system).toBe(k.system);

      // nothing acknowledged is lost
      const w = written.get(k.system)!;
      const target = sc.runbook.systems[k.system]!.target.data_dir;
      expect(w.acked.length, k.system).toBeGreaterThan(10);
      expect(
        w.acked.filter((f) => !existsSync(join(target, f))),
        k.system,
      ).toEqual([]);
      const downtime = (JSON.parse(steps.find((s) => s.step === 'switch-name')!.detail ?? '{}') as { downtime_seconds?: number }).downtime_seconds;
      // the downtime counts from the first stop of the source, also when the killed attempt made it
      const switched = Date.parse(steps.find((s) => s.step === 'switch-name')!.finished_at!);
      if (k.step === 'freeze') expect(downtime! * 1000, k.system).toBeGreaterThan(switched - killedAt.get(k.system)!);
      summary.push(
        `${k.system}: killed ${landed.get(k.system)} ${k.step} (pinned after ${cycles.get(k.system)} stop(s)), ${w.acked.length}/${w.attempts} writes acknowledged, downtime ${downtime?.toFixed(1)} s`,
      );
    }
    const finals = readJournal((j) => j.rounds('k-final').filter((r) => r.kind === 'final'))!;
    summary.push(
      `k-final: final rounds after the resume: ${finals.map((r) => `${(r.bytes_sent / 2 ** 20).toFixed(1)} MiB in ${r.seconds.toFixed(1)} s`).join(', ')}`,
    );
    // the killed run's rsync was still writing to the target; the resumed round stopped it before its own
    expect(leftover.length, 'the killed final round left no rsync running (too fast to tell)').toBeGreaterThan(0);
    const stoppedEvents = readJournal((j) => j.events('k-final').filter((e) => e.kind === 'replication-leftover-stopped'))!;
    expect(stoppedEvents.map((e) => e.detail!.split(' ')[1])).toEqual(expect.arrayContaining([leftover[0]]));
    expect(await rsyncOf('k-final')).toEqual([]);
    const delta0 = readFileSync(join(sc.runbook.systems['k-final']!.source.data_dir, 'delta.bin'));
    expect(readFileSync(join(sc.runbook.systems['k-final']!.target.data_dir, 'delta.bin')).equals(delta0)).toBe(true);
    console.log(`${summary.join('\n')}\n${points.length} kills and resumes in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }, 300_000);
});
