import type { Command } from 'commander';
import { basename, dirname, join, resolve } from 'node:path';
import type { CommandModule } from '../context.js';
import { emit, type GlobalOptions } from '../context.js';
import { loadInventory, type Inventory } from '../../inventory/load.js';
import { buildModel, cloudModelOf, recoverLedger, SynthOutput, type SynthModel } from '../../stacks/synth.js';
import { acquireLock, type Lock } from '../../lib/lock.js';
import { claimOutput, removeStaleSiblings } from '../../lib/files.js';
import { progressOnTty, type Progress } from '../progress.js';
import type { StackContribution } from '../../stacks/contribution.js';
import { allContributions } from '../../stacks/registry.js';
import { BACKBONE_STACK, backbonePlanFiles } from '../../stacks/backbone.js';
import { readMergeStatus } from '../../inventory/merge-status.js';
import { designCheckFiles, runDesignChecks } from '../../stacks/design-checks.js';
import { EXIT, inputError } from '../../lib/errors.js';
import { TerraformJob } from '../../stacks/terraform-synth.js';
import { backendFrom } from '../../stacks/cloud/backend-choice.js';

export const synthCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    program
      .command('synth')
      .description(
        'render the whole province (address plan, device configs, merge plan, cloud, DR and monitoring stacks) into cdktf.out/, all or nothing; refuses a design that fails verification or a hard policy',
      )
      .option('-o, --output <dir>', 'output folder', 'cdktf.out')
      .option('--force', 'write the artifacts even when verification or a hard policy fails (still exits 1)', false)
      .option('--skip-checks', 'do not run verification and policies (faster; reports are omitted)', false)
      .option('--stack <names...>', 'only these stacks (e.g. backbone, cloud-xian, monitoring); the output folder then holds just them')
      .option('--force-owned', 'replace the output folder even though stacks synth did not create it (its contents are lost)', false)
      .option(
        '--tf-backend <kind>',
        'Terraform state backend: local (state files under --state-dir) or pg (connection string from PG_CONN_STR, never written); default: $STACKS_TF_BACKEND, else province.yaml terraform.backend, else local',
      )
      .action(async (opts: SynthOptions) => {
        const g = globals();
        const outdir = resolve(opts.output);
        // One synth per output folder at a time (a kernel lock; --lock-timeout waits for it).
        const lock = acquireLock(join(dirname(outdir), `.${basename(outdir)}.lock`), `synth into ${outdir}`, { dirMode: 0o777 });
        try {
          claimOutput(outdir, { forceOwned: opts.forceOwned, protect: [g.inventory, g.stateDir] });
          // Staging and Terraform folders of runs that died (kill -9, power loss): nobody else holds the lock.
          removeStaleSiblings(outdir, { removeOldInBackground: true });
          // First, so the Terraform half runs while this thread loads, checks and renders the rest.
          const terraform = new TerraformJob({ beside: outdir });
          try {
            await runSynth(g, opts, terraform);
          } finally {
            await terraform.dispose();
          }
        } finally {
          lock.release();
        }
      });
  },
};

/** Seconds since the start at which each step ended (the bench prints them). */
type TimedProgress = Progress & { phases: Record<string, number> };

function timedSteps(progress: Progress, started: number): TimedProgress {
  const phases: Record<string, number> = {};
  return {
    phases,
    step(what) {
      phases[what] = Math.round(performance.now() - started) / 1000;
      progress.step(what);
    },
    done: () => progress.done(),
  };
}

function prefixed(prefix: string, o: Record<string, number> = {}): Record<string, number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [prefix + k, v]));
}

interface SynthOptions {
  output: string;
  force: boolean;
  skipChecks: boolean;
  stack?: string[];
  forceOwned: boolean;
  tfBackend?: string;
}

async function runSynth(g: GlobalOptions, opts: SynthOptions, terraform: TerraformJob): Promise<void> {
  const started = performance.now();
  const progress = timedSteps(progressOnTty(g, 'synth'), started);
  let inventory = await loadInventory(g.inventory);
  // The ledger is shared by every synth of this inventory, whatever its output folder.
  const ledgerLock: Lock = acquireLock(join(dirname(inventory.paths.ledger!), `.${basename(inventory.paths.ledger!)}.lock`), 'synth (IPAM ledger)', {
    dirMode: 0o777,
  });
  try {
    if (recoverLedger(inventory.paths.ledger!, resolve(opts.output)) === 'rolled-forward') inventory = await loadInventory(g.inventory);
    progress.step('inventory loaded');
    await synthWithModel(g, opts, terraform, inventory, started, progress);
  } finally {
    ledgerLock.release();
    progress.done();
  }
}

async function synthWithModel(
  g: GlobalOptions,
  opts: SynthOptions,
  terraform: TerraformJob,
  inventory: Inventory,
  started: number,
  progress: TimedProgress,
): Promise<void> {
  const tf = inventory.province.terraform;
  const backend = backendFrom({
    flag: opts.tfBackend,
    env: process.env.STACKS_TF_BACKEND,
    inventory: tf?.backend,
    schemaPrefix: tf?.schema_prefix,
    stateDir: g.stateDirAsGiven ?? g.stateDir,
    outdir: opts.output,
  });
  const model = buildModel(inventory, backend);
  progress.step('model built');
  cloudModelOf(model);
  terraform.submit(model, opts.stack);
  let contributions = allContributions(model);
  if (opts.stack) {
    const unknown = opts.stack.filter((n) => !contributions.some((c) => c.name === n));
    if (unknown.length)
      throw inputError('E_USAGE', '(command line)', '--stack', `unknown stack ${unknown.join(', ')}`, `stacks: ${contributions.map((c) => c.name).join(', ')}`);
    contributions = contributions.filter((c) => opts.stack!.includes(c.name));
  }
  // Rendered and handed to a writer thread now: the files are created while the checks run.
  const output = await SynthOutput.begin(resolve(opts.output), model, contributions);
  progress.step('rendered');
  try {
    await checkAndCommit(g, opts, { model, contributions, output, terraform, started, progress });
  } catch (err) {
    await output.abort();
    throw err;
  }
}

interface SynthRun {
  model: SynthModel;
  contributions: StackContribution[];
  output: SynthOutput;
  terraform: TerraformJob;
  started: number;
  progress: TimedProgress;
}

async function checkAndCommit(g: GlobalOptions, opts: SynthOptions, { model, contributions, output, terraform, started, progress }: SynthRun): Promise<void> {
  const inventory = model.inventory;
  const { status } = await readMergeStatus(inventory.dir);
  const checks = opts.skipChecks ? undefined : await runDesignChecks(model, output.rendered.get(BACKBONE_STACK));
  if (checks) progress.step('verified and checked');
  const checkSummary = checks && {
    verification: checks.verification.summary,
    policy: checks.policy.summary,
    failed_checks: checks.verification.checks.filter((c) => !c.passed).map((c) => c.id),
    failed_rules: checks.policy.rules.filter((r) => r.status === 'failed' && r.severity === 'hard').map((r) => r.id),
  };
  if (checks && !checks.passed && !opts.force) {
    emit(
      g,
      { written: false, checks: checkSummary },
      () =>
        `synth refused: the design fails ${[...checkSummary!.failed_checks, ...checkSummary!.failed_rules].join(', ')}; nothing written.\nrun \`stacks verify\` and \`stacks policy\` for the details, or --force to write anyway`,
    );
    process.exitCode = EXIT.policy;
    await output.abort();
    return;
  }
  if (contributions.some((c) => c.name === BACKBONE_STACK)) {
    output.add(BACKBONE_STACK, new Map([...backbonePlanFiles(model.topology, inventory, status), ...(checks ? designCheckFiles(checks, inventory.dir) : [])]));
  }
  progress.step('writing, waiting for the Terraform stacks');
  const outcome = await output.commit(model, terraform);
  progress.phases.committed = Math.round(performance.now() - started) / 1000;
  progress.done();
  const seconds = (performance.now() - started) / 1000;
  const usage = process.resourceUsage();
  const peakRssMb = Math.round(usage.maxRSS / 1024);
  // CPU of every thread of this process (getrusage): on a shared host wall time alone misleads
  const cpuSeconds = Math.round((usage.userCPUTime + usage.systemCPUTime) / 1e4) / 100;
  const phases = { ...progress.phases, ...prefixed('checks_', checks?.timings), ...prefixed('terraform_', terraform.timings) };
  emit(g, { written: true, ...outcome, checks: checkSummary, seconds, cpu_seconds: cpuSeconds, peak_rss_mb: peakRssMb, phases }, () =>
    [
      `synthesized ${outcome.stacks.length} stacks, ${outcome.files} files (${outcome.files - outcome.unchanged} new or changed) into ${outcome.outdir} in ${seconds.toFixed(2)} s`,
      ...outcome.stacks.map((s) => `  ${s.name.padEnd(32)} ${String(s.files).padStart(6)} files${s.terraform ? '  (Terraform JSON)' : ''}`),
      outcome.allocated.length || outcome.allocatedPools.length
        ? `allocated address blocks for ${outcome.allocated.length} new sites and ${outcome.allocatedPools.length} cloud pools (recorded in the IPAM ledger)`
        : 'no new address allocations',
      outcome.allocatedPorts || outcome.freedPorts
        ? `gave ${outcome.allocatedPorts} interfaces a physical port and freed ${outcome.freedPorts} (recorded in the IPAM ledger)`
        : 'no port changes',
      checks
        ? `checks: verification ${checks.verification.summary.passed ? 'passed' : 'FAILED'}, policy ${checks.policy.summary.passedHard ? 'passed' : 'FAILED'} (reports in stacks/${BACKBONE_STACK}/reports/)`
        : 'checks skipped',
    ].join('\n'),
  );
  if (checks && !checks.passed) process.exitCode = EXIT.policy;
}
