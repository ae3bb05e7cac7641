/**
 * What verification answers, and how it reads: a list of checks (some per family), each passed or
 * not with the objects that fail it, plus a summary. Text for people, JSON for machines; both are
 * plain functions of the report, so the same report feeds the CLI, tests and CI annotations.
 */
import type { Family } from '../types.js';

export interface VerificationFailure {
  /** What fails, as `kind:id`: `site:xian.yanta`, `link:…`, `device:xian-r1`, `address:10.0.0.1`. */
  object: string;
  message: string;
  /** For failure-analysis findings: every site the failure cuts off. */
  cutOff?: string[];
  /** Config-level findings: the lines they stem from (both ends of an adjacency where there are two). */
  locations?: Array<{ file: string; line: number }>;
}

export interface VerificationCheck {
  id: string;
  title: string;
  family?: Family;
  passed: boolean;
  failures: VerificationFailure[];
  /** Figures a check reports besides pass/fail (oversubscription per level). */
  details?: Record<string, unknown>;
  /** Lines a person reads under the check in the text rendering. */
  notes?: string[];
}

interface VerificationSummary {
  target: string;
  passed: boolean;
  checks: number;
  failedChecks: number;
  failures: number;
  devices: number;
  links: number;
  sites: number;
}

export interface VerificationReport {
  checks: VerificationCheck[];
  summary: VerificationSummary;
}

export function byObject(a: VerificationFailure, b: VerificationFailure): number {
  return a.object < b.object ? -1 : a.object > b.object ? 1 : 0;
}

export function summarize(target: string, checks: VerificationCheck[], counts: { devices: number; links: number; sites: number }): VerificationReport {
  const failed = checks.filter((c) => !c.passed);
  return {
    checks,
    summary: {
      target,
      passed: failed.length === 0,
      checks: checks.length,
      failedChecks: failed.length,
      failures: checks.reduce((n, c) => n + c.failures.length, 0),
      ...counts,
    },
  };
}

const FAMILY_LABEL: Record<Family, string> = { ipv4: 'IPv4', ipv6: 'IPv6' };

export interface TextOptions {
  /** Failures listed per check before "… and N more" (all of them in JSON). */
  maxFailuresPerCheck?: number;
}

export function renderVerificationText(report: VerificationReport, opts: TextOptions = {}): string {
  const limit = opts.maxFailuresPerCheck ?? 20;
  const lines: string[] = [];
  for (const check of report.checks) {
    const fam = check.family ? ` [${FAMILY_LABEL[check.family]}]` : '';
    lines.push(`${check.passed ? 'PASS' : 'FAIL'}  ${check.id}${fam}: ${check.title}`);
    for (const f of check.failures.slice(0, limit)) {
      const at = f.locations?.length ? ` (${f.locations.map((l) => `${l.file}:${l.line}`).join(', ')})` : '';
      lines.push(`      ${f.object}: ${f.message}${at}`);
    }
    if (check.failures.length > limit) lines.push(`      … and ${check.failures.length - limit} more (use --json for all)`);
    for (const note of check.notes ?? []) lines.push(`      ${note}`);
  }
  const s = report.summary;
  lines.push('');
  lines.push(
    `${s.passed ? 'verification passed' : 'verification FAILED'} (${s.target}): ${s.checks - s.failedChecks}/${s.checks} checks passed, ` +
      `${s.failures} failures; ${s.sites} sites, ${s.devices} devices, ${s.links} links`,
  );
  return lines.join('\n') + '\n';
}

export function renderVerificationJson(report: VerificationReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
