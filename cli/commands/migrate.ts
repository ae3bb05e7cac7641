/**
 * `stacks migrate plan|run|status`: assess the systems (7 Rs, placement), plan the waves, run a wave
 * over SSH with a durable journal, and show where the migration stands.
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { CommandModule } from '../context.js';
import { emit, type GlobalOptions } from '../context.js';
import { EXIT, inputError } from '../../lib/errors.js';
import { writeFileAtomically, stableJson, PRIVATE } from '../../lib/files.js';
import { loadPlanningInputs } from '../../migrations/inputs.js';
import { buildPlan, renderPlanText, type MigrationPlan } from '../../migrations/plan.js';
import { runWave, planPath } from '../../migrations/execute.js';
import { loadRunbook } from '../../migrations/runbook.js';
import { migrationStatus, renderStatusText } from '../../migrations/status.js';
import { readStatusInputs } from '../../migrations/metrics.js';
import { readDocument } from '../../lib/files.js';
import type { WaveOptions } from '../../migrations/waves.js';
import { audit } from '../../audit/index.js';

const usage = (flag: string, message: string, hint?: string) => inputError('E_USAGE', '(command line)', flag, message, hint);

export function positive(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw usage(flag, `"${text}" is not a positive whole number`);
  return n;
}

function date(flag: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) throw usage(flag, `"${text}" is not a date (YYYY-MM-DD)`);
  return text;
}

interface PlanOpts {
  systems?: string;
  seed?: string;
  count?: string;
  start?: string;
  deadline?: string;
  waveDays?: string;
  perWave?: string;
  perCloud?: string;
  maxDataGib?: string;
  bandwidthShare?: string;
  out?: string;
  all: boolean;
}

async function planAction(g: GlobalOptions, o: PlanOpts): Promise<void> {
  const waveOptions: Partial<WaveOptions> = {};
  const set = <K extends keyof WaveOptions>(k: K, v: WaveOptions[K] | undefined) => {
    if (v !== undefined) waveOptions[k] = v;
  };
  set('start', date('--start', o.start));
  set('deadline', date('--deadline', o.deadline));
  set('waveDays', positive('--wave-days', o.waveDays));
  set('maxSystemsPerWave', positive('--per-wave', o.perWave));
  set('maxPerCloudPerWave', positive('--per-cloud', o.perCloud));
  set('maxDataGiBPerWave', positive('--max-data-gib', o.maxDataGib));
  const inputs = await loadPlanningInputs(g.inventory, { systemsFile: o.systems, seed: positive('--seed', o.seed), count: positive('--count', o.count) });
  const share = o.bandwidthShare === undefined ? undefined : Number(o.bandwidthShare);
  if (share !== undefined && !(share > 0 && share <= 1)) throw usage('--bandwidth-share', `"${o.bandwidthShare}" is not a share in (0, 1]`);
  const plan = buildPlan(inputs.systems, inputs.registry, inputs.source, waveOptions, {
    rules: inputs.rules,
    network: inputs.topology,
    ...(share ? { bandwidthShare: share } : {}),
  });
  const text = stableJson(plan);
  await writeFileAtomically(planPath(g.stateDir), text, PRIVATE);
  if (o.out) await writeFileAtomically(o.out, text);
  await audit.record(g.stateDir, {
    action: 'migrate.plan',
    objects: [`plan:${planPath(g.stateDir)}`],
    input: text,
    result: plan.deadline.met ? 'ok' : 'deadline-missed',
    detail: { waves: plan.waves.length },
  });
  emit(g, plan, () => renderPlanText(plan, { all: o.all }) + `\n\nplan exported to ${planPath(g.stateDir)}${o.out ? ` and ${o.out}` : ''}`);
  if (!plan.deadline.met || plan.findings.some((f) => f.severity === 'error')) process.exitCode = EXIT.policy;
}

/** The plan `migrate plan` exported (or FILE); also read by `stacks daemon --migrate-wave`. */
export async function readPlan(g: GlobalOptions, file?: string): Promise<MigrationPlan> {
  const path = file ?? planPath(g.stateDir);
  try {
    return (await readDocument(path)) as MigrationPlan;
  } catch (err) {
    throw inputError('E_NO_PLAN', path, '', 'no migration plan to run', 'run `stacks migrate plan` first (or pass --plan FILE)');
  }
}

async function runAction(g: GlobalOptions, o: { wave: string; runbook: string; plan?: string; concurrency: string; rateScale?: string }): Promise<void> {
  const wave = o.wave === '0' ? 0 : positive('--wave', o.wave)!;
  const concurrency = positive('--concurrency', o.concurrency)!;
  const plan = await readPlan(g, o.plan);
  const runbook = await loadRunbook(o.runbook);
  if (o.rateScale !== undefined) {
    const scale = Number(o.rateScale);
    if (!(scale >= 1)) throw usage('--rate-scale', `"${o.rateScale}" is not a scale ≥ 1`);
    runbook.replication.rate_scale = scale;
  }
  const total = plan.waves.find((w) => w.number === wave)?.systems.length ?? 0;
  const tty = process.stderr.isTTY && !g.json;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: `wave ${wave} [{bar}] {value}/{total} finalized  {last}`, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let done = 0;
  bar?.start(total, 0, { last: '' });
  const result = await runWave({
    stateDir: g.stateDir,
    plan,
    wave,
    runbook,
    concurrency,
    // runWave records each step and the wave's outcome in the audit trail.
    onState: (id, state) => {
      if (state === 'finalized') done++;
      if (bar) bar.update(done, { last: `${id}: ${state}` });
      else if (!g.json) process.stderr.write(`${id}: ${state}\n`);
    },
  }).finally(() => bar?.stop());
  emit(g, result, () =>
    [
      `wave ${result.wave}: ${result.finalized}/${result.systems.length} finalized, ${result.reverted} rolled back, ${result.failed} failed, ${result.skipped} already done (${result.seconds.toFixed(1)} s)`,
      ...result.systems.filter((s) => s.downtime_seconds !== undefined).map((s) => `  ${s.id}: cutover downtime ${s.downtime_seconds!.toFixed(1)} s`),
      ...result.systems.filter((s) => s.state !== 'finalized').map((s) => `  ${s.id}: ${s.state}${s.error ? ` — ${s.error}` : ''}`),
      ...(result.stopped ? [`wave stopped: ${result.stopped.system}: ${result.stopped.error}`] : []),
    ].join('\n'),
  );
  if (result.stopped) process.exitCode = EXIT.runtime;
  else if (result.reverted || result.failed) process.exitCode = EXIT.policy;
}

function statusAction(g: GlobalOptions, o: { systems: boolean }): void {
  const inputs = readStatusInputs(g.stateDir);
  if (!inputs) throw inputError('E_NO_PLAN', planPath(g.stateDir), '', 'no migration plan yet', 'run `stacks migrate plan` first');
  const st = migrationStatus(inputs.plan, inputs.rows, inputs.rounds);
  if (g.json || !process.stdout.isTTY) {
    emit(g, st, () => renderStatusText(st, { systems: o.systems }));
    return;
  }
  process.stdout.write(renderStatusText({ ...st, waves: [] }) + '\n');
  const multi = new cliProgress.MultiBar(
    { format: 'wave {wave} {date} [{bar}] {percentage}% {states}', clearOnComplete: false, hideCursor: true, stream: process.stdout },
    cliProgress.Presets.shades_classic,
  );
  for (const w of st.waves)
    multi.create(100, Math.round(w.progress * 100), {
      wave: String(w.number).padStart(3),
      date: w.date,
      states: Object.entries(w.by_state)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    });
  multi.stop();
  if (o.systems)
    for (const w of st.waves)
      for (const s of w.systems)
        process.stdout.write(
          `  wave ${w.number} ${s.id.padEnd(32)} ${s.state}${s.lag ? `  lag ${s.lag.bytes_behind} B / ${s.lag.seconds_behind} s` : ''}${s.error ? `  (${s.error})` : ''}\n`,
        );
}

export const migrateCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    const migrate = program.command('migrate').description('move government systems onto the clouds in waves: assess (7 Rs), plan, run over SSH, status');
    migrate
      .command('plan')
      .description(
        'assess every system (7 Rs, target cloud from placement) and plan dependency-ordered, capacity-bounded waves; exports the plan (exit 1 when it misses the deadline or the cloud-share target, or has an error finding)',
      )
      .option('--systems <file>', "systems file (YAML, JSON or CSV) instead of the inventory's")
      .option('--seed <n>', "generate the sample with this seed instead of reading the inventory's systems")
      .option('--count <n>', 'size of the generated sample (default 1200)')
      .option('--start <date>', 'date of wave 1 (YYYY-MM-DD, default 2021-09-06)')
      .option('--deadline <date>', 'date every existing system should be on cloud by (default 2022-06-30)')
      .option('--wave-days <n>', 'days between waves (default 7)')
      .option('--per-wave <n>', 'at most this many systems per wave (default 60)')
      .option('--per-cloud <n>', 'at most this many systems per target cloud per wave (default 30)')
      .option('--max-data-gib <n>', 'at most this much data per wave, GiB (default 40960)')
      .option('--bandwidth-share <x>', 'share of the narrowest link on each path that replication may use, 0–1 (default 0.5)')
      .option('--out <file>', 'also write the plan (JSON) here')
      .option('--all', 'list every system in text output', false)
      .action((o: PlanOpts) => planAction(globals(), o));
    migrate
      .command('run')
      .description(
        "run one wave, each system by its strategy's runbook (rehost: initial sync, test launch, incremental rounds, freeze, final delta, verify, DNS switch; PostgreSQL: logical replication; replatform, decommission, retain) — journaled, resumable, locked per wave (exit 1 when a system was rolled back or failed, 3 when the wave stopped)",
      )
      .requiredOption('--wave <n>', "wave number (0: decommission the retired systems and tell the retained ones' dependants)")
      .requiredOption('--runbook <file>', 'YAML: SSH identity and pinned host keys, the service-name file, and per system its source, target and service')
      .option('--plan <file>', 'plan file (default: the one `migrate plan` exported to the state dir)')
      .option('--concurrency <n>', 'systems migrated at once (bounds concurrent SSH sessions)', '4')
      .option('--rate-scale <n>', 'the lab shapes links at 1/n of their real speed: scale the replication throttle alike')
      .action((o: { wave: string; runbook: string; plan?: string; concurrency: string; rateScale?: string }) => runAction(globals(), o));
    migrate
      .command('status')
      .description('per wave and system: lifecycle states and progress; the share of non-classified systems on cloud against the 100% target')
      .option('--systems', 'list every system of every wave', false)
      .action((o: { systems: boolean }) => statusAction(globals(), o));
  },
};
