/**
 * Policy results for people (text) and machines (JSON). SARIF lives in sarif.ts.
 */
import type { PolicyReport } from './run.js';

export interface PolicyTextOptions {
  /** Findings listed per rule before "… and N more" (JSON and SARIF list them all). */
  maxFindingsPerRule?: number;
}

export function renderPolicyText(report: PolicyReport, opts: PolicyTextOptions = {}): string {
  const limit = opts.maxFindingsPerRule ?? 20;
  const lines: string[] = [];
  for (const rule of report.rules) {
    const mark = rule.status === 'passed' ? 'PASS' : rule.status === 'skipped' ? 'SKIP' : rule.severity === 'hard' ? 'FAIL' : 'WARN';
    lines.push(`${mark}  ${rule.id} (${rule.severity}) ${rule.title}${rule.skipped ? ` — ${rule.skipped}` : ''}`);
    for (const f of rule.findings.slice(0, limit)) {
      const where = f.location ? `  [${[f.location.file, f.location.path].filter(Boolean).join(': ')}]` : '';
      lines.push(`      ${f.resource}: ${f.message}${where}`);
    }
    if (rule.findings.length > limit) lines.push(`      … and ${rule.findings.length - limit} more (use --format json or sarif for all)`);
  }
  const s = report.summary;
  lines.push('');
  lines.push(
    `${s.passedHard ? 'policy passed' : 'policy FAILED'}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped of ${s.rules} rules; ` +
      `${s.hardFindings} hard and ${s.softFindings} soft findings`,
  );
  return lines.join('\n') + '\n';
}

export function renderPolicyJson(report: PolicyReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
