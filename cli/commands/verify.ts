/**
 * `stacks verify`: ask the questions of network/verify (reachability per family, single-failure
 * analysis, unique addresses and router IDs, prefix overlap, oversubscription) of a target — the
 * model built from the inventory by default. Other targets register with `registerVerifyTarget`
 * (cli/verify-targets.ts) from their own module, e.g. the lab's (lab/verify-target.ts).
 */
import type { Command } from 'commander';
import type { CommandModule } from '../context.js';
import { emit, type GlobalOptions } from '../context.js';
import { loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import { renderVerificationText } from '../../network/verify/report.js';
import { verifyTarget, verifyTargetNames } from '../verify-targets.js';
import type { OversubscriptionThreshold } from '../../network/verify/oversubscription.js';
import { EXIT, inputError } from '../../lib/errors.js';
import { isTarget, loadTarget, targetInstance, targetNames } from '../../targets/registry.js';
import type { Level } from '../../network/types.js';

const LEVELS: readonly Level[] = ['province', 'city', 'county', 'township', 'department', 'datacenter'];

/** `3` (every level) or `county=3,city=4` (per parent level). */
export function parseOversubscription(text: string): OversubscriptionThreshold {
  const bad = (why: string) => inputError('E_USAGE', '(command line)', '--max-oversubscription', `"${text}": ${why}`, 'give a ratio (3) or level=ratio pairs (county=3,city=4)');
  const ratio = (s: string) => {
    const n = Number(s);
    if (!Number.isFinite(n) || n <= 0) throw bad(`"${s}" is not a positive ratio`);
    return n;
  };
  if (!text.includes('=')) return ratio(text);
  const out: Partial<Record<Level, number>> = {};
  for (const pair of text.split(',')) {
    const [level, value] = pair.split('=');
    if (!LEVELS.includes(level as Level) || value === undefined) throw bad(`"${pair}" is not level=ratio with a level of ${LEVELS.join(', ')}`);
    out[level as Level] = ratio(value);
  }
  return out;
}

export const verifyCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    program
      .command('verify')
      .description('verify the network in both families: reachability, single link/device failures, duplicate addresses and router IDs, prefix overlap, oversubscription (exit 1 on any failure)')
      .option('--target <name>', 'what to verify: model (the topology built from the inventory) or another registered target such as lab', 'model')
      .option('--max-oversubscription <ratio>', 'fail where children uplinks exceed own uplinks by more than this ratio: 3, or per level county=3,city=4 (default: report only)')
      .option('--all', 'list every failure in text output (default: the first 20 per check)', false)
      .option('--lab <id>', 'with --target lab: which lab (default: $STACKS_LAB, else "lab")')
      .option('--compare', "with --target lab: each device's RIB computed from the config it runs against FRR's own, both families")
      .option('--syntax', "parse every rendered FRR config with FRR's own vtysh --dryrun (offline), naming device and line of each rejected line")
      .action(async (opts: { target: string; maxOversubscription?: string; all: boolean; lab?: string; compare?: boolean; syntax?: boolean }) => {
        const g = globals();
        if (opts.compare && opts.target === 'model') throw inputError('E_USAGE', '(command line)', '--compare', '--compare needs a running target', 'use --target lab --compare');
        if (opts.syntax) {
          const { verifySyntax } = await import('./verify-syntax.js');
          const report = await verifySyntax(buildTopology(await loadInventory(g.inventory)));
          emit(g, report, () => renderVerificationText(report, { maxFailuresPerCheck: opts.all ? Infinity : 20 }));
          if (!report.summary.passed) process.exitCode = EXIT.policy;
          return;
        }
        // model (and whatever a loaded module registered), else a deploy target's own verify
        const registered = await verifyTarget(opts.target);
        if (!registered && !isTarget(opts.target)) throw inputError('E_USAGE', '(command line)', '--target', `unknown verify target "${opts.target}"`, `known targets: ${[...new Set([...verifyTargetNames(), ...targetNames()])].sort().join(', ')}`);
        const deployTarget = registered ? undefined : await loadTarget(opts.target);
        const options = opts.maxOversubscription === undefined ? {} : { maxOversubscription: parseOversubscription(opts.maxOversubscription) };
        const inventory = await loadInventory(g.inventory);
        const topology = buildTopology(inventory);
        const report = deployTarget
          ? await deployTarget.verify({ inventory, topology, options, stateDir: g.stateDir, instance: targetInstance(opts.lab), compare: opts.compare })
          : await registered!({ inventory, topology, options, stateDir: g.stateDir, lab: targetInstance(opts.lab), compare: opts.compare });
        emit(g, report, () => renderVerificationText(report, { maxFailuresPerCheck: opts.all ? Infinity : 20 }));
        if (!report.summary.passed) process.exitCode = EXIT.policy;
      });
  },
};
