/**
 * Prometheus metrics of the migration for the NOC (prom-client). `registerMigrationMetrics` puts
 * them on a registry the daemon exposes: counters the executor increments as it works, and gauges
 * read from the journal and the plan at scrape time (so they are right after a restart too).
 */
import { existsSync, readFileSync } from 'node:fs';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { Journal, type RoundRow } from './journal.js';
import { journalPath, planPath } from './execute.js';
import { migrationStatus } from './status.js';
import type { MigrationPlan } from './plan.js';

export interface MigrationMetrics {
  steps: Counter<'step' | 'result'>;
  stepSeconds: Histogram<'step'>;
  rollbacks: Counter;
  sshRetries: Counter;
  replicatedBytes: Counter<'system'>;
  rounds: Counter<'kind'>;
  downtime: Histogram;
}

/** Read the exported plan and the journal; undefined before the first `migrate plan`. */
export function readStatusInputs(stateDir: string) {
  if (!existsSync(planPath(stateDir))) return undefined;
  const plan = JSON.parse(readFileSync(planPath(stateDir), 'utf8')) as MigrationPlan;
  let rows: ReturnType<Journal['systems']> = [];
  let rounds: RoundRow[] = [];
  if (existsSync(journalPath(stateDir))) {
    const j = new Journal(journalPath(stateDir), { readonly: true });
    try {
      rows = j.systems();
      try {
        rounds = j.latestRounds();
      } catch {
        rounds = []; // a journal written before replication rounds were recorded
      }
    } finally {
      j.close();
    }
  }
  return { plan, rows, rounds };
}

export function registerMigrationMetrics(registry: Registry, opts: { stateDir: string }): MigrationMetrics {
  const status = () => {
    const inputs = readStatusInputs(opts.stateDir);
    return inputs && migrationStatus(inputs.plan, inputs.rows, inputs.rounds);
  };
  new Gauge({
    name: 'stacks_migration_replication_lag_bytes',
    help: 'Bytes the target of a replicating system still lacks (after its latest round; 0 once cut over)',
    labelNames: ['wave', 'system'],
    registers: [registry],
    collect() {
      this.reset();
      for (const w of status()?.waves ?? []) for (const x of w.systems) if (x.lag) this.set({ wave: String(w.number), system: x.id }, x.lag.bytes_behind);
    },
  });
  new Gauge({
    name: 'stacks_migration_replication_lag_seconds',
    help: "How old the target's copy of a replicating system is: now minus the start of its latest round (0 once cut over)",
    labelNames: ['wave', 'system'],
    registers: [registry],
    collect() {
      this.reset();
      for (const w of status()?.waves ?? []) for (const x of w.systems) if (x.lag) this.set({ wave: String(w.number), system: x.id }, x.lag.seconds_behind);
    },
  });
  new Gauge({
    name: 'stacks_migration_systems',
    help: 'Systems of the migration plan by wave and lifecycle state',
    labelNames: ['wave', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const w of status()?.waves ?? []) for (const [state, n] of Object.entries(w.by_state)) this.set({ wave: String(w.number), state }, n ?? 0);
    },
  });
  new Gauge({
    name: 'stacks_migration_wave_progress_ratio',
    help: 'Mean lifecycle progress of a wave (0 planned … 1 finalized)',
    labelNames: ['wave'],
    registers: [registry],
    collect() {
      this.reset();
      for (const w of status()?.waves ?? []) this.set({ wave: String(w.number) }, w.progress);
    },
  });
  new Gauge({
    name: 'stacks_migration_cloud_share_ratio',
    help: 'Non-classified systems in service that run on the clouds (the plan wants 1)',
    registers: [registry],
    collect() {
      const s = status();
      if (s) this.set(s.share.ratio);
    },
  });
  new Gauge({ name: 'stacks_migration_cloud_share_target_ratio', help: 'The plan target for stacks_migration_cloud_share_ratio', registers: [registry] }).set(
    1,
  );
  return {
    steps: new Counter({
      name: 'stacks_migration_steps_total',
      help: 'Runbook steps run, by step and result',
      labelNames: ['step', 'result'],
      registers: [registry],
    }),
    stepSeconds: new Histogram({
      name: 'stacks_migration_step_duration_seconds',
      help: 'Duration of runbook steps',
      labelNames: ['step'],
      buckets: [0.05, 0.1, 0.5, 1, 5, 30, 120, 600, 3600],
      registers: [registry],
    }),
    rollbacks: new Counter({ name: 'stacks_migration_rollbacks_total', help: 'Systems rolled back after a failed verification', registers: [registry] }),
    sshRetries: new Counter({
      name: 'stacks_migration_ssh_retries_total',
      help: 'SSH connections or steps retried after a transient failure',
      registers: [registry],
    }),
    replicatedBytes: new Counter({
      name: 'stacks_migration_replicated_bytes_total',
      help: 'Bytes sent by replication rounds, per system',
      labelNames: ['system'],
      registers: [registry],
    }),
    rounds: new Counter({
      name: 'stacks_migration_replication_rounds_total',
      help: 'Replication rounds run, by kind (initial, incremental, final, checksum)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    downtime: new Histogram({
      name: 'stacks_migration_cutover_downtime_seconds',
      help: 'From the freeze of the source to the name pointing at the serving target',
      buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers: [registry],
    }),
  };
}
