/**
 * Run one wave of the plan (`stacks migrate run --wave N`, or the daemon): stage by stage, at most
 * `concurrency` systems at a time, each through the runbook's steps. Every step is journaled before
 * and after it runs; a step already done is skipped, so a run killed at any point resumes where it
 * stopped and never cuts a system over twice. Transient SSH failures are retried with backoff; a
 * failed verification rolls the system back (source serving again). A lock file keeps two runs of
 * the same wave apart (a lock left by a killed run is taken over). Every lifecycle step of every
 * system, and the wave's outcome, is an audit record — here, so that both runners (the CLI and the
 * daemon's background wave) record the same steps.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { acquireLock } from '../lab/lock.js';
import { mapLimit } from '../lib/map-limit.js';
import { inputError, runtimeError, StacksError } from '../lib/errors.js';
import { Journal } from './journal.js';
import { RUNBOOKS, runbookFor, type LifecycleState, type RunbookKind } from './lifecycle.js';
import { DnsNames, type ServiceNames } from './names.js';
import { readTsigKey } from '../lab/secrets.js';
import { TargetFull } from './replication.js';
import { closingWave, type MigrationPlan } from './plan.js';
import type { Runbook } from './runbook.js';
import { readKnownHosts, SshPool, isTransient, withRetry } from './ssh.js';
import { rollback, VerifyFailed, type StepContext } from './steps.js';
import { STEP_IMPL } from './step-registry.js';
import { pgRollback } from './steps-pg.js';
import { audit } from '../audit/index.js';
import type { PlannedSystem } from './waves.js';
import type { MigrationMetrics } from './metrics.js';

export const journalPath = (stateDir: string) => join(stateDir, 'migrations', 'journal.db');
export const planPath = (stateDir: string) => join(stateDir, 'migrations', 'plan.json');

export interface RunWaveOptions {
  stateDir: string;
  plan: MigrationPlan;
  wave: number;
  runbook: Runbook;
  concurrency?: number;
  /** Step retries on transient SSH failures (default 3), base backoff in ms (default 250). */
  retries?: number;
  backoffMs?: number;
  metrics?: MigrationMetrics;
  /** Called after every state change (progress display). */
  onState?: (system: string, state: LifecycleState) => void;
}

export interface WaveResult {
  wave: number;
  systems: Array<{ id: string; state: LifecycleState; error?: string; downtime_seconds?: number }>;
  finalized: number;
  reverted: number;
  failed: number;
  skipped: number;
  seconds: number;
  /** Set when the wave stopped early (a target filled its disk): which system and why. */
  stopped?: { system: string; code: string; error: string };
}

export async function runWave(o: RunWaveOptions): Promise<WaveResult> {
  const wave = o.wave === 0 ? closingWave(o.plan) : o.plan.waves.find((w) => w.number === o.wave);
  if (!wave)
    throw inputError(
      'E_USAGE',
      '(command line)',
      '--wave',
      `the plan has no wave ${o.wave} (waves 1–${o.plan.waves.length}, or 0 for the retained and retired systems)`,
    );
  const missing = wave.systems.filter((s) => !o.runbook.systems[s.id]).map((s) => s.id);
  if (missing.length) {
    throw inputError(
      'E_RUNBOOK',
      '(runbook)',
      'systems',
      `wave ${o.wave} has ${missing.length} system(s) the runbook does not describe: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`,
      'add source, target and service for each',
    );
  }
  const lock = acquireLock(join(o.stateDir, 'migrations', `wave-${o.wave}.lock`), `migrate run --wave ${o.wave}`);
  const journal = new Journal(journalPath(o.stateDir));
  const started = Date.now();
  const runId = journal.runStarted(o.wave);
  const ssh = new SshPool(
    { user: o.runbook.ssh.user, port: o.runbook.ssh.port, privateKey: readFileSync(o.runbook.ssh.identity), pinned: readKnownHosts(o.runbook.ssh.known_hosts) },
    (host, attempt) => {
      journal.event(null, null, 'ssh-retry', `${host} attempt ${attempt}`);
      o.metrics?.sshRetries.inc();
    },
  );
  const n = o.runbook.names;
  const key = await readTsigKey(n.secrets, n.tsig_key);
  if (!key) {
    lock.release();
    journal.close();
    throw inputError(
      'E_RUNBOOK',
      n.secrets,
      `tsig.${n.tsig_key}`,
      `the secret store has no TSIG key "${n.tsig_key}"`,
      'the name server and the runbook must share it (lab: startNameServer creates it)',
    );
  }
  const names = new DnsNames({
    server: n.server,
    port: n.port,
    zone: n.zone,
    key,
    ttl: n.ttl,
    waveTtl: n.wave_ttl,
    log: join(o.stateDir, 'migrations', 'names.log'),
    lockDir: join(o.stateDir, 'migrations'),
  });
  const pinned = new Map(
    readFileSync(o.runbook.ssh.known_hosts, 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((p) => p.length >= 3 && !p[0]!.startsWith('#'))
      .flatMap((p) => p[0]!.split(',').map((h) => [h.replace(/^\[(.*)\]:\d+$/, '$1'), `${p[1]} ${p[2]}`] as const)),
  );
  let skipped = 0;
  let stopped: WaveResult['stopped'];
  // One audit record per lifecycle step, in the order the steps happened (the chain serialises
  // them), all written before the wave returns or throws.
  let audited: Promise<unknown> = Promise.resolve();
  const onState = (id: string, state: LifecycleState) => {
    audited = audited.then(() =>
      audit.record(o.stateDir, {
        action: 'migrate.step',
        objects: [`system:${id}`],
        input: { wave: o.wave, id, state },
        result: state === 'failed' ? 'failed' : state === 'reverted' ? 'rolled-back' : 'ok',
        detail: { wave: o.wave, state },
      }),
    );
    o.onState?.(id, state);
  };
  const run: RunWaveOptions = { ...o, onState };
  try {
    journal.register(o.wave, wave.systems);
    const stages = [...new Set(wave.systems.map((s) => s.stage))].sort((a, b) => a - b);
    for (const stage of stages) {
      const systems = wave.systems.filter((s) => s.stage === stage);
      await mapLimit(systems, o.concurrency ?? 4, async (s) => {
        const before = journal.system(s.id)!.state;
        if (before === 'finalized') {
          skipped++;
          return;
        }
        if (stopped) return;
        try {
          await migrateSystem(s, run, journal, ssh, names, pinned, () => stopped !== undefined);
        } catch (err) {
          if (!(err instanceof TargetFull)) throw err;
          stopped = { system: s.id, code: err.code, error: err.message };
          journal.event(s.id, null, 'wave-stopped', err.message);
        }
      });
      if (stopped) break;
    }
  } finally {
    ssh.close();
    const rows = journal.systems(o.wave);
    journal.runFinished(runId, rows.every((r) => r.state === 'finalized') ? 'ok' : 'incomplete');
    journal.close();
    lock.release();
    // A wave that threw still leaves the steps it took on record (the error is the one thrown).
    await audited.catch(() => undefined);
  }
  await audited;
  const reread = new Journal(journalPath(o.stateDir));
  const rows = reread.systems(o.wave);
  const downtime = new Map(
    rows.map((r) => [r.id, (JSON.parse(reread.step(r.id, 'switch-name')?.detail ?? '{}') as { downtime_seconds?: number | null }).downtime_seconds]),
  );
  reread.close();
  const result: WaveResult = {
    wave: o.wave,
    systems: rows.map((r) => ({
      id: r.id,
      state: r.state,
      ...(r.error ? { error: r.error } : {}),
      ...(typeof downtime.get(r.id) === 'number' ? { downtime_seconds: downtime.get(r.id)! } : {}),
    })),
    finalized: rows.filter((r) => r.state === 'finalized').length,
    reverted: rows.filter((r) => r.state === 'reverted').length,
    failed: rows.filter((r) => r.state === 'failed').length,
    skipped,
    seconds: (Date.now() - started) / 1000,
    ...(stopped ? { stopped } : {}),
  };
  await audit.record(o.stateDir, {
    action: 'migrate.run',
    objects: [`wave:${o.wave}`],
    input: { wave: o.wave, systems: result.systems.map((x) => [x.id, x.state]) },
    result: result.reverted || result.failed ? 'failed' : result.stopped ? 'stopped' : 'ok',
    detail: { wave: o.wave, finalized: result.finalized, reverted: result.reverted, failed: result.failed },
  });
  return result;
}

async function migrateSystem(
  planned: PlannedSystem,
  o: RunWaveOptions,
  journal: Journal,
  ssh: SshPool,
  names: ServiceNames,
  pinned: Map<string, string>,
  waveStopped: () => boolean,
): Promise<void> {
  const id = planned.id;
  const spec = o.runbook.systems[id]!;
  const setState = (state: LifecycleState, error: string | null = null) => {
    if (journal.system(id)?.state === state && error === null) return;
    journal.setState(id, state, error);
    o.onState?.(id, state);
  };
  // A reverted system starts afresh: its earlier attempt was rolled back.
  if (journal.system(id)?.state === 'reverted') journal.resetSteps(id);
  if (planned.database === 'postgresql' && !spec.database)
    throw inputError(
      'E_RUNBOOK',
      '(runbook)',
      `systems.${id}.database`,
      `${id} runs PostgreSQL (inventory) but the runbook gives no database URLs`,
      'add database: {kind: postgresql, source_url, target_url, source_conninfo}',
    );
  const kind: RunbookKind = runbookFor(planned.strategy, planned.database === 'postgresql' || spec.database !== undefined);
  if (!journal.events(id).some((e) => e.kind === 'runbook')) journal.event(id, null, 'runbook', `${kind}: ${RUNBOOKS[kind].map((x) => x.step).join(' → ')}`);
  const ctx: StepContext = {
    id,
    spec,
    source: ssh.get(spec.source.host),
    target: ssh.get(spec.target.host),
    names,
    journal,
    sshUser: o.runbook.ssh.user,
    sshPort: o.runbook.ssh.port,
    pinnedKey: (host) => pinned.get(host),
    replication: o.runbook.replication,
    stateDir: o.stateDir,
    strategy: planned.strategy,
    dependants: [...new Set(o.plan.findings?.filter((f) => f.depends_on === id).map((f) => f.system) ?? [])].sort(),
    ...(planned.throttle_mbps ? { throttleMbps: planned.throttle_mbps } : {}),
    ...(o.metrics ? { metrics: o.metrics } : {}),
    recorded: (step) => {
      const d = journal.step(id, step)?.detail;
      return d ? (JSON.parse(d) as unknown) : undefined;
    },
    finishedAt: (step) => {
      const row = journal.step(id, step);
      return row?.status === 'done' && row.finished_at ? Date.parse(row.finished_at) : undefined;
    },
  };
  for (const { step, during, after } of RUNBOOKS[kind]) {
    if (journal.step(id, step)?.status === 'done') continue;
    // another system filled its target: stop before the next step (this one stays resumable)
    if (waveStopped() && during !== 'cutting-over' && during !== 'cutover' && during !== 'verified') return;
    setState(during);
    journal.stepStarted(id, step);
    const t0 = Date.now();
    try {
      const detail = await withRetry(
        step,
        () => STEP_IMPL[step](ctx),
        o.retries ?? 3,
        o.backoffMs ?? 250,
        // No connection is dropped here: the hosts' connections are shared with the other systems of
        // the wave (a dropped target connection failed their commands too), and a broken one is
        // already gone (ssh2's close, the idle timeout), so the retry reconnects only what broke.
        (attempt, err) => journal.event(id, step, 'retry', `attempt ${attempt}: ${(err as Error).message}`),
      );
      journal.stepFinished(id, step, 'done', detail);
      o.metrics?.steps.inc({ step, result: 'done' });
      o.metrics?.stepSeconds.observe({ step }, (Date.now() - t0) / 1000);
      setState(after);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      journal.stepFinished(id, step, 'failed', { error: message });
      o.metrics?.steps.inc({ step, result: 'failed' });
      if (err instanceof VerifyFailed) {
        journal.event(id, step, 'rollback', message);
        const undo = await withRetry('rollback', () => (kind === 'database' ? pgRollback(ctx) : rollback(ctx)), o.retries ?? 3, o.backoffMs ?? 250);
        journal.event(id, 'rollback', 'rolled-back', JSON.stringify(undo));
        o.metrics?.rollbacks.inc();
        setState('reverted', message);
      } else {
        setState('failed', isTransient(err) ? `SSH kept failing: ${message}` : message);
        if (err instanceof TargetFull) throw err;
        if (!(err instanceof StacksError)) throw runtimeError('E_MIGRATE', `${id}: ${step}: ${message}`, undefined, err);
      }
      return;
    }
  }
}
