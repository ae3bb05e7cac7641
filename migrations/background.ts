/**
 * A wave run inside the monitoring daemon (`stacks daemon --migrate-runbook FILE --migrate-wave N`):
 * the same `runWave` as `stacks migrate run`, so the same journal and per-wave lock — a second
 * runner of the wave is locked out, and a run cut short (daemon stopped or killed) resumes from the
 * journal on the next start. Progress goes to the daemon's log and its /metrics registry.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import { runWave, type WaveResult } from './execute.js';
import type { MigrationMetrics } from './metrics.js';
import type { MigrationPlan } from './plan.js';
import type { Runbook } from './runbook.js';

export interface BackgroundWaveOptions {
  stateDir: string;
  plan: MigrationPlan;
  runbook: Runbook;
  wave: number;
  concurrency?: number;
  registry: Registry;
  metrics: MigrationMetrics;
  logger: Logger;
}

export interface BackgroundWave {
  readonly wave: number;
  /** Settles when the run ends: its result, or undefined when it could not run or stopped on an error (logged). */
  readonly done: Promise<WaveResult | undefined>;
  running(): boolean;
}

/** Outcome of the daemon's wave run as a gauge: 1 running, 0 ended; `result` says how it ended. */
const RESULTS = ['running', 'ok', 'incomplete', 'error'] as const;

export function startBackgroundWave(o: BackgroundWaveOptions): BackgroundWave {
  const gauge = new Gauge({
    name: 'stacks_migration_daemon_wave',
    help: 'The wave the daemon runs, by how its run stands (1 for the current result)',
    labelNames: ['wave', 'result'],
    registers: [o.registry],
  });
  const report = (result: (typeof RESULTS)[number]) => {
    for (const r of RESULTS) gauge.set({ wave: String(o.wave), result: r }, r === result ? 1 : 0);
  };
  const log = o.logger.child({ wave: o.wave });
  let active = true;
  report('running');
  log.info({ concurrency: o.concurrency ?? 4 }, 'migration wave started');
  const done = runWave({
    stateDir: o.stateDir,
    plan: o.plan,
    wave: o.wave,
    runbook: o.runbook,
    concurrency: o.concurrency,
    metrics: o.metrics,
    onState: (system, state) => log.info({ system, state }, 'migration state'),
  })
    .then(
      (r) => {
        const complete = r.finalized === r.systems.length;
        const summary = { finalized: r.finalized, systems: r.systems.length, reverted: r.reverted, failed: r.failed, skipped: r.skipped, seconds: r.seconds };
        // logged before the metric flips, so a reader of the metric finds the summary already written
        if (complete) log.info(summary, 'migration wave finished');
        else log.warn({ ...summary, unfinished: r.systems.filter((s) => s.state !== 'finalized') }, 'migration wave finished incomplete');
        report(complete ? 'ok' : 'incomplete');
        return r;
      },
      (err: unknown) => {
        report('error');
        const e = err as { code?: string; message?: string };
        log.error({ code: e.code, err: e.message ?? String(err) }, 'migration wave could not run');
        return undefined;
      },
    )
    .finally(() => {
      active = false;
    });
  return { wave: o.wave, done, running: () => active };
}
