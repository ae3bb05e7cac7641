/**
 * `stacks policy`: run a rule pack over the inventory and what is built from it; print text, JSON,
 * SARIF 2.1.0 (or, for the 等保 pack, a Markdown compliance report); exit 1 when a hard rule fails
 * or a waiver has expired.
 *
 * Packs: `default` (NET-xxx, CLD-xxx over the model — what `stacks synth` runs), `mlps` (等保 2.0
 * level 3 over the rendered configs, FRR with its host files, and the Terraform JSON) and `all`
 * (both: what `stacks policy` runs without --pack). User rules (province.yaml `policy.rules`, by
 * default <inventory>/policies/*.js) run with every pack; waivers (`policy.waivers`, by default
 * <inventory>/waivers.yaml, or --waivers) apply to every finding, each waiver used is an audit record.
 */
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import type { CommandModule } from '../context.js';
import type { GlobalOptions } from '../context.js';
import { loadInventory, type Inventory } from '../../inventory/load.js';
import { allPolicies } from '../../policies/all.js';
import { renderPolicyJson, renderPolicyText } from '../../policies/render.js';
import { runPolicies, type PolicyReport } from '../../policies/run.js';
import { renderSarif } from '../../policies/sarif.js';
import { sourceLocator } from '../../policies/source-lines.js';
import type { PolicyRegistry } from '../../policies/registry.js';
import type { AnyPolicy, PolicyInputs } from '../../policies/types.js';
import { applyWaivers, parseWaivers, type WaivedReport, type Waiver } from '../../policies/waivers.js';
import { loadUserRules, DEFAULT_RULE_TIMEOUT_MS } from '../../policies/user-rules.js';
import { EXIT, inputError } from '../../lib/errors.js';
import { readDocument, writeFileAtomically } from '../../lib/files.js';
import { audit } from '../../audit/index.js';

const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
type Format = (typeof FORMATS)[number];
const PACKS = ['default', 'mlps', 'all'] as const;
type Pack = (typeof PACKS)[number];
/** What `stacks policy` runs without --pack: the design pack and the 等保 pack. */
export const DEFAULT_PACKS: Pack = 'all';

const MLPS_INFO_URI = 'https://openstd.samr.gov.cn/bzgk/gb/std_list?p.p2=22239';

async function registriesOf(pack: Pack): Promise<PolicyRegistry[]> {
  const mlps = async () => (await import('../../policies/mlps/index.js')).mlpsRegistry();
  return pack === 'default' ? [allPolicies()] : pack === 'mlps' ? [await mlps()] : [allPolicies(), await mlps()];
}

async function mlpsInputs(inventory: Inventory, synthDir: string | undefined, rules: AnyPolicy[]): Promise<Partial<PolicyInputs>> {
  const needs = new Set(rules.flatMap((r) => r.requires));
  if (!needs.has('deviceConfigs') && !needs.has('terraformJson')) return {};
  const io = await import('../policy-inputs.js');
  const { buildTopology } = await import('../../network/topology.js');
  const topology = buildTopology(inventory);
  const given: Partial<PolicyInputs> = { topology };
  if (synthDir) {
    if (needs.has('deviceConfigs')) given.deviceConfigs = io.readRenderedConfigs(synthDir, topology);
    if (needs.has('terraformJson')) given.terraformJson = io.readTerraformDocs(synthDir);
  } else {
    if (needs.has('deviceConfigs')) given.deviceConfigs = (await import('../../policies/mlps/index.js')).renderAllConfigs(topology);
    if (needs.has('terraformJson')) given.terraformJson = await io.synthTerraformDocs(inventory);
  }
  return given;
}

/** --waivers, else the inventory's (province.yaml `policy.waivers` or the convention's waivers.yaml). */
async function readWaivers(file: string | undefined, inventory: Inventory): Promise<Waiver[]> {
  const path = file ? resolve(file) : inventory.policyFiles.waivers;
  if (!path) return [];
  return parseWaivers(await readDocument(path), path);
}

function siteMapper(inputs: PolicyInputs): { siteOf: (r: string) => string; objects: Map<string, number> } {
  const siteOfDevice = new Map((inputs.topology?.devices ?? []).map((d) => [d.id, d.site]));
  const objects = new Map<string, number>();
  for (const d of inputs.topology?.devices ?? []) objects.set(d.site, (objects.get(d.site) ?? 0) + 1);
  for (const t of inputs.terraformJson ?? []) objects.set(`cloud:${t.stack}`, (objects.get(`cloud:${t.stack}`) ?? 0) + 1);
  const siteOf = (resource: string) => {
    const [kind, id = ''] = [resource.slice(0, resource.indexOf(':')), resource.slice(resource.indexOf(':') + 1)];
    if (kind === 'device') return siteOfDevice.get(id) ?? '(unknown site)';
    if (kind === 'site') return id;
    if (id.includes('/')) return `cloud:${id.slice(0, id.indexOf('/'))}`;
    return '(inventory)';
  };
  return { siteOf, objects };
}

export const policyCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    program
      .command('policy')
      .description(
        'check the design against rule packs (default: dual-stack, dual-homing, tier bandwidths, private networks, prefix overlap, unified exit, clouds; mlps: 等保 2.0 level 3 over the rendered configs and Terraform JSON; all: both, the default); exit 1 on a hard failure or an expired waiver',
      )
      .option('--pack <pack>', `rule pack: ${PACKS.join(', ')} (default ${DEFAULT_PACKS})`)
      .option('--format <format>', `output format: ${FORMATS.join(', ')} (default text, or json with --json; markdown: the compliance report, mlps)`)
      .option('--output <file>', 'write the report to this file instead of stdout (a summary line still goes to stdout)')
      .option('--report <dir>', 'also write the compliance report per site and per clause (compliance.md, compliance.json) into DIR (mlps)')
      .option('--synth-dir <dir>', 'read the rendered configs and Terraform JSON from this synth output instead of rendering them (mlps)')
      .option('--rule <ids>', 'only these rules, comma-separated (e.g. NET-001,MLPS-006)')
      .option('--waivers <file>', 'waivers file (default: province.yaml policy.waivers, else <inventory>/waivers.yaml when present)')
      .option('--rule-timeout <s>', 'seconds a user rule file may take to load or check', String(DEFAULT_RULE_TIMEOUT_MS / 1000))
      .option('--list', 'list the rules of the pack and exit', false)
      .action(
        async (opts: {
          pack?: string;
          format?: string;
          output?: string;
          report?: string;
          synthDir?: string;
          rule?: string;
          waivers?: string;
          ruleTimeout: string;
          list: boolean;
        }) => {
          const g = globals();
          const format = (opts.format ?? (g.json ? 'json' : 'text')) as Format;
          if (!FORMATS.includes(format)) throw inputError('E_USAGE', '(command line)', '--format', `"${opts.format}" is not one of ${FORMATS.join(', ')}`);
          const pack = (opts.pack ?? DEFAULT_PACKS) as Pack;
          if (!PACKS.includes(pack)) throw inputError('E_USAGE', '(command line)', '--pack', `"${opts.pack}" is not one of ${PACKS.join(', ')}`);
          if ((format === 'markdown' || opts.report) && pack === 'default')
            throw inputError(
              'E_USAGE',
              '(command line)',
              opts.report ? '--report' : '--format',
              'the compliance report is for the 等保 pack',
              'add --pack mlps',
            );
          const timeout = Number(opts.ruleTimeout);
          if (!(timeout > 0)) throw inputError('E_USAGE', '(command line)', '--rule-timeout', `"${opts.ruleTimeout}" is not a number of seconds`);
          const synthDir = opts.synthDir ? resolve(opts.synthDir) : undefined;

          const registries = await registriesOf(pack);
          const builtIn = registries.flatMap((r) => r.all());
          // The inventory names the rule files; user rules load before anything runs (a broken one is
          // bad input: nothing is run or written).
          const inventory = await loadInventory(g.inventory);
          const user = await loadUserRules(
            inventory.policyFiles.rules,
            builtIn.map((r) => r.id),
            timeout * 1000,
          );
          try {
            let rules = [...builtIn, ...user.rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
            if (opts.list) {
              const listing = rules.map((r) => ({
                id: r.id,
                severity: r.severity,
                title: r.title,
                requires: r.requires,
                ...(r.clauses ? { clauses: r.clauses } : {}),
              }));
              process.stdout.write(
                format === 'text'
                  ? listing
                      .map(
                        (r) =>
                          `${r.id}  ${r.severity.padEnd(4)}  ${r.title}  (needs ${r.requires.join(', ')})${r.clauses ? `  [GB/T 22239 ${r.clauses.join(', ')}]` : ''}`,
                      )
                      .join('\n') + '\n'
                  : JSON.stringify(listing, null, 2) + '\n',
              );
              return;
            }
            if (opts.rule) {
              const ids = opts.rule
                .split(',')
                .map((s) => s.trim().toUpperCase())
                .filter(Boolean);
              const unknown = ids.filter((id) => !rules.some((r) => r.id === id));
              if (unknown.length)
                throw inputError(
                  'E_USAGE',
                  '(command line)',
                  '--rule',
                  `unknown rule ${unknown.join(', ')}`,
                  `known rules: ${rules.map((r) => r.id).join(', ')}`,
                );
              rules = rules.filter((r) => ids.includes(r.id));
            }
            const waivers = await readWaivers(opts.waivers, inventory);
            const given = await mlpsInputs(inventory, synthDir, rules);
            const inputs: Record<string, unknown> = { ...given };
            for (const reg of registries) Object.assign(inputs, await reg.inputsFor(inventory, rules, inputs as Partial<PolicyInputs>));
            if (!inputs.inventory) inputs.inventory = inventory;
            await user.prepare(inputs as PolicyInputs);
            const raw = runPolicies(rules, inputs as PolicyInputs);
            const w = applyWaivers(raw, waivers, new Date().toISOString().slice(0, 10));
            await recordWaivers(g, w);
            await writeOutputs(g, opts, format, pack, w, inventory, inputs as PolicyInputs);
            if (!w.report.summary.passedHard) process.exitCode = EXIT.policy;
          } finally {
            await user.close();
            await audit.close();
          }
        },
      );
  },
};

/** Each waiver that was used (or has expired) is one audit record: who waived what, why, until when. */
async function recordWaivers(g: GlobalOptions, w: WaivedReport): Promise<void> {
  for (const a of w.applied) {
    if (!a.matched && !a.expired) continue;
    await audit.record(g.stateDir, {
      action: 'policy.waiver',
      objects: [`rule:${a.waiver.rule}`, ...a.waiver.resources],
      input: a.waiver,
      result: a.expired ? 'expired' : 'applied',
      operator: undefined,
      detail: { owner: a.waiver.owner, reason: a.waiver.reason.slice(0, 200), expires: a.waiver.expires, waived: a.matched, file: a.waiver.file },
    });
  }
}

async function writeOutputs(
  g: GlobalOptions,
  opts: { output?: string; report?: string },
  format: Format,
  pack: Pack,
  w: WaivedReport,
  inventory: Inventory,
  inputs: PolicyInputs,
): Promise<void> {
  const report: PolicyReport & { waivers?: unknown } = {
    ...w.report,
    waivers: { applied: w.applied.map((a) => ({ ...a.waiver, expired: a.expired, waived: a.matched })), waived: w.waived },
  };
  let compliance: { json: string; md: string } | undefined;
  if (pack !== 'default') {
    const { complianceReport, renderComplianceMarkdown } = await import('../../policies/mlps/report.js');
    const map = siteMapper(inputs);
    const c = complianceReport({
      report: w.report,
      siteOf: map.siteOf,
      objectsPerSite: map.objects,
      devices: inputs.topology?.devices.length ?? 0,
      terraformStacks: inputs.terraformJson?.length ?? 0,
    });
    compliance = { json: JSON.stringify(c, null, 2) + '\n', md: renderComplianceMarkdown(c) };
  }
  const expiredText = w.expired
    .map(
      (a) =>
        `EXPIRED waiver for ${a.waiver.rule} (${a.waiver.file}: ${a.waiver.path}), owner ${a.waiver.owner}, expired ${a.waiver.expires}: renew or remove it\n`,
    )
    .join('');
  const rendered =
    format === 'text'
      ? renderPolicyText(w.report) + (w.waived.length ? `${w.waived.length} findings waived (see --format json)\n` : '') + expiredText
      : format === 'json'
        ? renderPolicyJson(report as PolicyReport)
        : format === 'markdown'
          ? compliance!.md
          : JSON.stringify(
              renderSarif(w.report, {
                toolName: 'stacks-policy',
                toolVersion: '0.1.0',
                baseDir: process.cwd(),
                defaultFile: inventory.paths.province,
                locate: sourceLocator(),
                ...(pack !== 'default' ? { informationUri: MLPS_INFO_URI } : {}),
              }),
              null,
              2,
            ) + '\n';
  if (opts.report && compliance) {
    await writeFileAtomically(join(resolve(opts.report), 'compliance.json'), compliance.json);
    await writeFileAtomically(join(resolve(opts.report), 'compliance.md'), compliance.md);
  }
  if (opts.output) {
    await writeFileAtomically(resolve(opts.output), rendered);
    const s = w.report.summary;
    process.stdout.write(
      `${s.passedHard ? 'policy passed' : 'policy FAILED'}: ${s.failed} of ${s.rules} rules failed (${s.hardFindings} hard, ${s.softFindings} soft findings${w.expired.length ? `, ${w.expired.length} expired waivers` : ''}); ${format} report written to ${opts.output}\n`,
    );
  } else process.stdout.write(rendered);
  if (format !== 'text' && expiredText) process.stderr.write(expiredText);
  void g;
}
