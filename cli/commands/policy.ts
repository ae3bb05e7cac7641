/**
 * `stacks policy`: run every registered rule (NET-xxx and the packs other capabilities add) over
 * the inventory and the models built from it; print text, JSON or SARIF 2.1.0; exit 1 when any
 * hard rule fails.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CommandModule } from '../context.js';
import type { GlobalOptions } from '../context.js';
import { loadInventory } from '../../inventory/load.js';
import { allPolicies } from '../../policies/all.js';
import { renderPolicyJson, renderPolicyText } from '../../policies/render.js';
import { runPolicies } from '../../policies/run.js';
import { renderSarif } from '../../policies/sarif.js';
import { sourceLocator } from '../../policies/source-lines.js';
import { EXIT, inputError } from '../../lib/errors.js';
import { writeFileAtomically } from '../../lib/files.js';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

export const policyCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    program
      .command('policy')
      .description('check the design against the policy rules (dual-stack, dual-homing, tier bandwidths, private networks, prefix overlap, unified exit, …); exit 1 on a hard failure')
      .option('--format <format>', `output format: ${FORMATS.join(', ')} (default text, or json with --json)`)
      .option('--output <file>', 'write the report to this file instead of stdout (a summary line still goes to stdout)')
      .option('--rule <ids>', 'only these rules, comma-separated (e.g. NET-001,NET-005)')
      .option('--list', 'list the registered rules and exit', false)
      .action(async (opts: { format?: string; output?: string; rule?: string; list: boolean }) => {
        const g = globals();
        const format = (opts.format ?? (g.json ? 'json' : 'text')) as Format;
        if (!FORMATS.includes(format)) throw inputError('E_USAGE', '(command line)', '--format', `"${opts.format}" is not one of ${FORMATS.join(', ')}`);
        const registry = allPolicies();
        let rules = registry.all();
        if (opts.list) {
          const listing = rules.map((r) => ({ id: r.id, severity: r.severity, title: r.title, requires: r.requires }));
          process.stdout.write(format === 'text' ? listing.map((r) => `${r.id}  ${r.severity.padEnd(4)}  ${r.title}  (needs ${r.requires.join(', ')})`).join('\n') + '\n' : JSON.stringify(listing, null, 2) + '\n');
          return;
        }
        if (opts.rule) {
          const ids = opts.rule.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
          const unknown = ids.filter((id) => !registry.get(id));
          if (unknown.length) throw inputError('E_USAGE', '(command line)', '--rule', `unknown rule ${unknown.join(', ')}`, `known rules: ${rules.map((r) => r.id).join(', ')}`);
          rules = rules.filter((r) => ids.includes(r.id));
        }
        const inventory = await loadInventory(g.inventory);
        const report = runPolicies(rules, await registry.inputsFor(inventory, rules));
        const rendered =
          format === 'text'
            ? renderPolicyText(report)
            : format === 'json'
              ? renderPolicyJson(report)
              : JSON.stringify(renderSarif(report, { toolName: 'stacks-policy', toolVersion: '0.1.0', baseDir: process.cwd(), defaultFile: inventory.paths.province, locate: sourceLocator() }), null, 2) + '\n';
        if (opts.output) {
          await writeFileAtomically(resolve(opts.output), rendered);
          const s = report.summary;
          process.stdout.write(`${s.passedHard ? 'policy passed' : 'policy FAILED'}: ${s.failed} of ${s.rules} rules failed (${s.hardFindings} hard, ${s.softFindings} soft findings); ${format} report written to ${opts.output}\n`);
        } else process.stdout.write(rendered);
        if (!report.summary.passedHard) process.exitCode = EXIT.policy;
      });
  },
};
