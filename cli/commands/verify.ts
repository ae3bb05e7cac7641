/**
 * `stacks verify`: ask the questions of network/verify (reachability per family, single-failure
 * analysis, unique addresses and router IDs, prefix overlap, oversubscription) of a target — the
 * model built from the inventory by default, else a deploy target's own verify (targets/registry.ts:
 * the lab pings and traces from every township, the ssh target reads every router).
 */
import type { Command } from 'commander';
import type { CommandModule } from '../context.js';
import { emit, type GlobalOptions } from '../context.js';
import { loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import { renderVerificationText } from '../../network/verify/report.js';
import { verifyTopology } from '../../network/verify/index.js';
import type { OversubscriptionThreshold } from '../../network/verify/oversubscription.js';
import { EXIT, inputError } from '../../lib/errors.js';
import { isTarget, loadTarget, targetInstance, targetNames, unknownTarget } from '../../targets/registry.js';
import type { Family, Level, Topology } from '../../network/types.js';
import type { VerificationReport } from '../../network/verify/report.js';
import { DIALECT_IDS, type DialectId } from '../../network/render/index.js';
import {
  combineReports,
  renderedConfigs,
  renderTrace,
  renderVerificationSarif,
  traceConfigs,
  type RenderedConfigFile,
} from '../../network/verify/config/index.js';
import { readConfigFolder } from './verify-configs.js';
import { verifyConfigsInThreads } from './verify-threads.js';
import { writeFileSync } from 'node:fs';

/** The topology built from the inventory: what verify checks unless a deploy target is named. */
const MODEL = 'model';

const LEVELS: readonly Level[] = ['province', 'city', 'county', 'township', 'department', 'datacenter'];

/** `3` (every level) or `county=3,city=4` (per parent level). */
export function parseOversubscription(text: string): OversubscriptionThreshold {
  const bad = (why: string) =>
    inputError('E_USAGE', '(command line)', '--max-oversubscription', `"${text}": ${why}`, 'give a ratio (3) or level=ratio pairs (county=3,city=4)');
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
      .description(
        'verify the network in both families: reachability, single link/device failures, duplicate addresses and router IDs, prefix overlap, oversubscription (exit 1 on any failure)',
      )
      .option('--target <name>', `what to verify: model (the topology built from the inventory) or a deployed target: ${targetNames().join(', ')}`, MODEL)
      .option(
        '--max-oversubscription <ratio>',
        'fail where children uplinks exceed own uplinks by more than this ratio: 3, or per level county=3,city=4 (default: report only)',
      )
      .option('--all', 'list every failure in text output (default: the first 20 per check)', false)
      .option('--lab <id>', 'lab id, when the target is the lab (default: $STACKS_LAB, else "lab")')
      .option('--compare', "on the deployed lab: each device's RIB computed from the config it runs against FRR's own, both families")
      .option('--syntax', "parse every rendered FRR config with FRR's own vtysh --dryrun (offline), naming device and line of each rejected line")
      .option('--from <dir>', 'verify the device configs of a synth output folder exactly as they are on disk (hand edits included)')
      .option('--dialect <id>', `config dialect(s) to verify: ${DIALECT_IDS.join(', ')} or all`, 'all')
      .option('--no-configs', 'model checks only (skip the config-level analysis)')
      .option('--failures', 'config level: also every single link, device and exit-upstream failure (slow on the full province)', false)
      .option('--trace <from-and-to...>', 'print the path from a device to a device, an address or "internet" (Batfish-style traceroute)')
      .option('--family <n>', 'with --trace: 4 or 6', '4')
      .option('--format <f>', 'text, json or sarif', 'text')
      .option('--output <file>', 'write the report (json or sarif) to this file instead of stdout')
      .action(async (opts: VerifyOptions) => {
        const g = globals();
        if (opts.compare && opts.target === MODEL)
          throw inputError(
            'E_USAGE',
            '(command line)',
            '--compare',
            '--compare needs a running target',
            `use it with a deployed target: ${targetNames().join(', ')}`,
          );
        if (opts.syntax) {
          const { verifySyntax } = await import('./verify-syntax.js');
          const report = await verifySyntax(buildTopology(await loadInventory(g.inventory)));
          emit(g, report, () => renderVerificationText(report, { maxFailuresPerCheck: opts.all ? Infinity : 20 }));
          if (!report.summary.passed) process.exitCode = EXIT.policy;
          return;
        }
        // the model, else a deploy target's own verify
        if (opts.target !== MODEL && !isTarget(opts.target)) throw unknownTarget(opts.target, '--target', [MODEL], 'verify target');
        const deployTarget = opts.target === MODEL ? undefined : await loadTarget(opts.target);
        if (!['text', 'json', 'sarif'].includes(opts.format))
          throw inputError('E_USAGE', '(command line)', '--format', `unknown format "${opts.format}"`, 'text, json or sarif');
        const dialects = dialectsOf(opts.dialect);
        const options = opts.maxOversubscription === undefined ? {} : { maxOversubscription: parseOversubscription(opts.maxOversubscription) };
        const inventory = await loadInventory(g.inventory);
        const topology = buildTopology(inventory);
        if (opts.trace) return trace(g, topology, opts, dialects);
        const modelReport = deployTarget
          ? await deployTarget.verify({ inventory, topology, options, stateDir: g.stateDir, instance: targetInstance(opts.lab), compare: opts.compare })
          : verifyTopology(topology, options);
        let report = modelReport;
        // The model checks are the fast first pass; the configs are what would run on the routers.
        if (!deployTarget && opts.configs !== false) report = combineReports(modelReport, await configReports(topology, opts, dialects));
        if (opts.format === 'sarif') {
          const text = JSON.stringify(renderVerificationSarif(report), null, 2) + '\n';
          if (opts.output) writeFileSync(opts.output, text);
          else process.stdout.write(text);
        } else if (opts.output) {
          writeFileSync(opts.output, JSON.stringify(report, null, 2) + '\n');
        } else if (opts.format === 'json') emit({ ...g, json: true }, report, () => '');
        else emit(g, report, () => renderVerificationText(report, { maxFailuresPerCheck: opts.all ? Infinity : 20 }));
        if (!report.summary.passed) process.exitCode = EXIT.policy;
      });
  },
};

interface VerifyOptions {
  target: string;
  maxOversubscription?: string;
  all: boolean;
  lab?: string;
  compare?: boolean;
  syntax?: boolean;
  from?: string;
  dialect: string;
  configs?: boolean;
  failures: boolean;
  trace?: string[];
  family: string;
  format: string;
  output?: string;
}

function dialectsOf(text: string): DialectId[] {
  if (text === 'all') return DIALECT_IDS;
  const list = text.split(',');
  for (const d of list)
    if (!DIALECT_IDS.includes(d as DialectId))
      throw inputError('E_USAGE', '(command line)', '--dialect', `unknown dialect "${d}"`, `${DIALECT_IDS.join(', ')} or all`);
  return list as DialectId[];
}

function filesFor(topology: Topology, opts: VerifyOptions, dialect: DialectId): RenderedConfigFile[] {
  if (opts.from) return readConfigFolder(opts.from, [dialect]).files.filter((f) => f.dialect === dialect);
  return renderedConfigs(topology, dialect);
}

/** Each dialect's config-level report; the dialects are verified in parallel threads (verify-threads.ts). */
async function configReports(topology: Topology, opts: VerifyOptions, dialects: DialectId[]): Promise<VerificationReport[]> {
  const present = opts.from ? new Set(readConfigFolder(opts.from, dialects).files.map((f) => f.dialect)) : new Set(dialects);
  const jobs = dialects
    .filter((d) => present.has(d))
    .map((dialect) => ({
      topology,
      dialect,
      ...(opts.from ? { files: filesFor(topology, opts, dialect) } : {}),
      failures: opts.failures,
      checkPrefix: dialects.length > 1 ? `config.${dialect}.` : 'config.',
    }));
  return (await verifyConfigsInThreads(jobs)).map((r) => r.report);
}

function trace(g: GlobalOptions, topology: Topology, opts: VerifyOptions, dialects: DialectId[]): void {
  if (opts.trace!.length !== 2) throw inputError('E_USAGE', '(command line)', '--trace', 'give FROM and TO: a device, and a device, an address or "internet"');
  if (opts.family !== '4' && opts.family !== '6') throw inputError('E_USAGE', '(command line)', '--family', `"${opts.family}" is not 4 or 6`);
  const family: Family = opts.family === '6' ? 'ipv6' : 'ipv4';
  const [from, to] = opts.trace as [string, string];
  const dialect = dialects[0]!;
  const t = traceConfigs(topology, filesFor(topology, opts, dialect), from, to, family);
  emit(g, t, () => renderTrace(t));
  if (!t.success) process.exitCode = EXIT.policy;
}
