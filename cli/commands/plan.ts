import type { Command } from 'commander';
import type { CommandModule } from '../context.js';
import { emit, reportError, type GlobalOptions } from '../context.js';
import { acquireLock } from '../../lib/lock.js';
import { join } from 'node:path';
import { loadInventory } from '../../inventory/load.js';
import { buildModel } from '../../stacks/synth.js';
import { compareSnapshots, snapshotOf, type NetworkChange } from '../../network/snapshot.js';
import { readAccepted, writeAccepted } from '../accepted.js';
import { DIALECTS } from '../../network/render/index.js';
import { inputError } from '../../lib/errors.js';
import { isTarget, loadTarget, targetInstance, targetNames, unknownTarget } from '../../targets/registry.js';
import { audit } from '../../audit/index.js';

export interface PlanOptions {
  accept?: boolean;
  /** Terraform's -detailed-exitcode: 0 no changes, 2 changes, 1 an error. */
  detailedExitcode?: boolean;
  [key: string]: unknown;
}

/** A plan target returns the exit code; each lives with its capability and is loaded on demand. */
export type PlanTarget = (g: GlobalOptions, opts: PlanOptions) => Promise<number>;

const TARGETS: Record<string, () => Promise<PlanTarget>> = {
  model: async () => planModel,
  openstack: async () => (await import('../../stacks/terraform-plan.js')).planOpenstack,
};

/** A network deploy target (targets/registry.ts): per-device config diff against what it runs. */
async function planDeployTarget(name: string, g: GlobalOptions, opts: PlanOptions): Promise<number> {
  const target = await loadTarget(name);
  const plan = await target.plan({
    stateDir: g.stateDir,
    inventoryDir: g.inventory,
    instance: targetInstance(typeof opts.lab === 'string' ? opts.lab : undefined),
    scope: typeof opts.scope === 'string' ? opts.scope : undefined,
    verbose: g.verbose,
  });
  const { text, ...json } = plan;
  // the lab's JSON has always named its instance `lab`
  emit(g, { lab: plan.instance, ...json }, () => text);
  const changes = plan.summary.create + plan.summary.update + plan.summary.delete;
  return opts.detailedExitcode && changes > 0 ? 2 : 0;
}

/** Compare the network as synthesized now with the snapshot a person last accepted. */
async function planModel(g: GlobalOptions, opts: PlanOptions): Promise<number> {
  const model = buildModel(await loadInventory(g.inventory));
  const now = snapshotOf(model.topology, (id) => DIALECTS.frr.render(model.topology, id));
  // --accept compares and replaces the baseline under one kernel lock: two at once never both win
  const lock = opts.accept ? acquireLock(join(g.stateDir, 'accepted', '.accept.lock'), 'plan --accept') : undefined;
  try {
    const change = compareSnapshots(await readAccepted(g.stateDir), now);
    if (opts.accept) {
      await writeAccepted(g.stateDir, now);
      await audit.record(g.stateDir, {
        action: 'plan.accept',
        objects: ['baseline:model', ...change.devices.added.map((d) => `device:${d}`)].slice(0, 200),
        input: change,
        result: 'ok',
        detail: { devices: change.summary.devices, links: change.summary.links, configLines: change.summary.configLines },
      });
    }
    emit(g, { target: 'model', accepted: Boolean(opts.accept), ...change }, () => renderChange(change, g.verbose, Boolean(opts.accept)));
    // 2 answers "is something still to accept?", as terraform's 2 answers "is something still to
    // apply?". Once accepted nothing is pending (like a successful `terraform apply`): 0. What was
    // accepted is in the output (the change, `accepted: true`).
    return opts.detailedExitcode && !opts.accept && !change.summary.unchanged ? 2 : 0;
  } finally {
    lock?.release();
  }
}

export function renderChange(change: NetworkChange, verbose: boolean, accepted: boolean): string {
  if (change.summary.unchanged) return `no changes since the accepted plan${accepted ? ' (accepted again)' : ''}`;
  const lines = [
    `devices    ${change.summary.devices}`,
    `links      ${change.summary.links}`,
    `addresses  ${change.summary.addresses}`,
    `config     ${change.summary.configLines}`,
  ];
  const list = (label: string, ids: string[]) => {
    if (!ids.length) return;
    const shown = verbose ? ids : ids.slice(0, 20);
    lines.push(`${label}: ${shown.join(', ')}${shown.length < ids.length ? ` … and ${ids.length - shown.length} more (-v lists all)` : ''}`);
  };
  list('  + devices', change.devices.added);
  list('  - devices', change.devices.removed);
  list('  + links', change.links.added);
  list('  - links', change.links.removed);
  list('  ~ links', change.links.changed);
  list('  ~ addresses', change.addresses.changed);
  const shown = verbose ? change.configs : change.configs.slice(0, 5);
  for (const c of shown) lines.push(`\n--- ${c.device}  (+${c.added} -${c.removed})`, c.diff);
  if (shown.length < change.configs.length) lines.push(`\n… ${change.configs.length - shown.length} more devices change (-v shows every diff)`);
  lines.push(accepted ? '\naccepted: this is now the baseline for the next plan' : '\nrun `stacks plan --accept` to make this the baseline');
  return lines.join('\n');
}

export const planCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    program
      .command('plan')
      .description(
        `show what changed: --target model (default: devices, links, addresses and config lines since the accepted plan), openstack, or a deploy target (${targetNames().join(', ')}: each device's config against what it runs)`,
      )
      .option('-t, --target <target>', `model | ${[...targetNames(), 'openstack'].join(' | ')}`, 'model')
      .option('--accept', 'record the current plan as the accepted baseline (target model only)')
      .option('--lab <id>', 'lab id, when the target is the lab (default: $STACKS_LAB, else "lab")')
      .option('--scope <scope>', 'for the lab: plan this scope instead of the deployed one')
      .option(
        '--detailed-exitcode',
        'exit 0 when nothing changes, 2 when something does, 1 on an error (as terraform plan); with --accept 0 once accepted, as nothing is left pending',
      )
      .option(
        '--tf-backend <kind>',
        'with --target openstack: Terraform state backend, local (under --state-dir) or pg (PG_CONN_STR); default: $STACKS_TF_BACKEND, else province.yaml terraform.backend, else local',
      )
      .action(async (opts: PlanOptions & { target: string }) => {
        const g = globals();
        try {
          const load = TARGETS[opts.target];
          if (opts.accept && opts.target !== 'model')
            throw inputError(
              'E_USAGE',
              '(command line)',
              '--accept',
              `--accept records the model's baseline; the ${opts.target} plan compares with what the target runs, which deploy changes`,
              'run `stacks plan --accept` (target model), or `stacks deploy` to change the target',
            );
          if (!load && !isTarget(opts.target)) throw unknownTarget(opts.target, '--target', Object.keys(TARGETS));
          process.exitCode = load ? await (await load())(g, opts) : await planDeployTarget(opts.target, g, opts);
        } catch (err) {
          if (!opts.detailedExitcode) throw err;
          reportError(err, g.json);
          process.exitCode = 1; // 2 means "changes" here
        }
      });
  },
};
