/**
 * The compliance report an assessor (测评机构) reads: per GB/T 22239 clause (which rules check it,
 * how many objects pass) and per site (which devices and cloud stacks fail what), in JSON and
 * Markdown. Pure: the policy report and a device → site map in, documents out.
 */
import type { PolicyReport, RuleResult } from '../run.js';
import { CLAUSES, STANDARD } from './clauses.js';

interface ClauseStatus {
  clause: string;
  title: string;
  rules: Array<{ id: string; title: string; status: RuleResult['status']; failing: number; waived: number }>;
  status: 'conforms' | 'does not conform' | 'not assessed';
}

interface SiteStatus {
  site: string;
  objects: number;
  failingObjects: number;
  findings: Array<{ rule: string; resource: string; message: string; clauses: readonly string[] }>;
}

export interface ComplianceReport {
  standard: string;
  generatedFrom: { devices: number; terraformStacks: number };
  summary: { clauses: number; conforming: number; nonConforming: number; notAssessed: number; rules: number; failedRules: number };
  clauses: ClauseStatus[];
  sites: SiteStatus[];
}

export interface ComplianceInputs {
  report: PolicyReport;
  /** `device:<id>` → site id; cloud resources group by their stack. */
  siteOf: (resource: string) => string;
  /** Objects assessed per site (devices, cloud stacks), so "3 of 27 fail" can be said. */
  objectsPerSite: ReadonlyMap<string, number>;
  devices: number;
  terraformStacks: number;
}

export function complianceReport(inp: ComplianceInputs): ComplianceReport {
  const byClause = new Map<string, ClauseStatus>();
  for (const r of inp.report.rules) {
    for (const c of r.clauses ?? []) {
      let cs = byClause.get(c);
      if (!cs) byClause.set(c, (cs = { clause: c, title: CLAUSES[c]?.title ?? c, rules: [], status: 'conforms' }));
      const failing = new Set(r.findings.map((f) => f.resource)).size;
      cs.rules.push({ id: r.id, title: r.title, status: r.status, failing, waived: (r as RuleResult & { waived?: number }).waived ?? 0 });
    }
  }
  for (const cs of byClause.values()) {
    const hardFail = cs.rules.some((r) => r.status === 'failed' && inp.report.rules.find((x) => x.id === r.id)?.severity === 'hard');
    cs.status = cs.rules.every((r) => r.status === 'skipped') ? 'not assessed' : hardFail ? 'does not conform' : 'conforms';
  }
  const sites = new Map<string, SiteStatus>();
  for (const [site, objects] of inp.objectsPerSite) sites.set(site, { site, objects, failingObjects: 0, findings: [] });
  const failingBySite = new Map<string, Set<string>>();
  for (const r of inp.report.rules) {
    for (const f of r.findings) {
      const site = inp.siteOf(f.resource);
      let s = sites.get(site);
      if (!s) sites.set(site, (s = { site, objects: 0, failingObjects: 0, findings: [] }));
      s.findings.push({ rule: r.id, resource: f.resource, message: f.message, clauses: r.clauses ?? [] });
      if (r.severity === 'hard') {
        let set = failingBySite.get(site);
        if (!set) failingBySite.set(site, (set = new Set()));
        set.add(f.resource);
      }
    }
  }
  for (const [site, set] of failingBySite) sites.get(site)!.failingObjects = set.size;
  const clauses = [...byClause.values()].sort((a, b) => a.clause.localeCompare(b.clause, 'en', { numeric: true }));
  const count = (s: ClauseStatus['status']) => clauses.filter((c) => c.status === s).length;
  return {
    standard: STANDARD,
    generatedFrom: { devices: inp.devices, terraformStacks: inp.terraformStacks },
    summary: {
      clauses: clauses.length,
      conforming: count('conforms'),
      nonConforming: count('does not conform'),
      notAssessed: count('not assessed'),
      rules: inp.report.rules.length,
      failedRules: inp.report.summary.failed,
    },
    clauses,
    sites: [...sites.values()].sort((a, b) => a.site.localeCompare(b.site)),
  };
}

const esc = (s: string) => s.replace(/\|/g, '\\|');

export function renderComplianceMarkdown(c: ComplianceReport, opts: { findingsPerSite?: number } = {}): string {
  const limit = opts.findingsPerSite ?? 30;
  const lines = [
    `# Compliance report — ${c.standard}`,
    '',
    `Assessed: ${c.generatedFrom.devices} device configs (FRR and VRP as rendered) and ${c.generatedFrom.terraformStacks} Terraform stacks.`,
    `Clauses: ${c.summary.conforming} conform, ${c.summary.nonConforming} do not, ${c.summary.notAssessed} not assessed (of ${c.summary.clauses}); rules failed: ${c.summary.failedRules} of ${c.summary.rules}.`,
    '',
    '## Per clause',
    '',
    '| clause | requirement | result | rules (objects failing) |',
    '|---|---|---|---|',
    ...c.clauses.map(
      (cl) =>
        `| ${cl.clause} | ${esc(cl.title)} | ${cl.status} | ${cl.rules.map((r) => `${r.id} ${r.status}${r.failing ? ` (${r.failing})` : ''}${r.waived ? `, ${r.waived} waived` : ''}`).join('; ')} |`,
    ),
    '',
    '## Per site',
    '',
    '| site | objects | failing (hard) |',
    '|---|---|---|',
    ...c.sites.map((s) => `| ${s.site} | ${s.objects} | ${s.failingObjects} |`),
    '',
  ];
  for (const s of c.sites.filter((x) => x.findings.length)) {
    lines.push(`### ${s.site}`, '');
    for (const f of s.findings.slice(0, limit)) lines.push(`- **${f.rule}** (${f.clauses.join(', ')}) ${f.resource}: ${f.message}`);
    if (s.findings.length > limit) lines.push(`- … and ${s.findings.length - limit} more (see the JSON report)`);
    lines.push('');
  }
  return lines.join('\n');
}
