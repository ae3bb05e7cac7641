/**
 * Run rules over the inputs at hand: a rule whose inputs are missing is skipped (and says so),
 * every other rule yields findings. Pure; rendering and exit codes are the caller's.
 */
import type { AnyPolicy, PolicyInputs, Severity, SourceLocation } from './types.js';

export interface PolicyFinding {
  ruleId: string;
  severity: Severity;
  resource: string;
  message: string;
  location?: SourceLocation;
}

export interface RuleResult {
  id: string;
  title: string;
  severity: Severity;
  description: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Why a rule was skipped (the inputs it lacked). */
  skipped?: string;
  findings: PolicyFinding[];
  clauses?: readonly string[];
  helpUri?: string;
}

export interface PolicyReport {
  rules: RuleResult[];
  summary: { rules: number; passed: number; failed: number; skipped: number; hardFindings: number; softFindings: number; passedHard: boolean };
}

export function runPolicies(rules: AnyPolicy[], inputs: PolicyInputs): PolicyReport {
  const available = inputs as Record<string, unknown>;
  const results: RuleResult[] = rules.map((rule) => {
    const base = {
      id: rule.id,
      title: rule.title,
      severity: rule.severity,
      description: rule.description,
      ...(rule.clauses ? { clauses: rule.clauses } : {}),
      ...(rule.helpUri ? { helpUri: rule.helpUri } : {}),
    };
    const missing = rule.requires.filter((name) => available[name] === undefined);
    if (missing.length) return { ...base, status: 'skipped', skipped: `needs ${missing.join(', ')}`, findings: [] };
    const findings = rule
      .check(inputs as Parameters<AnyPolicy['check']>[0])
      .map(
        (v): PolicyFinding => ({
          ruleId: rule.id,
          severity: rule.severity,
          resource: v.resource,
          message: v.message,
          ...(v.location ? { location: v.location } : {}),
        }),
      )
      .sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
    return { ...base, status: findings.length ? 'failed' : 'passed', findings };
  });
  const count = (s: RuleResult['status']) => results.filter((r) => r.status === s).length;
  const findings = results.flatMap((r) => r.findings);
  const hardFindings = findings.filter((f) => f.severity === 'hard').length;
  return {
    rules: results,
    summary: {
      rules: results.length,
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
      hardFindings,
      softFindings: findings.length - hardFindings,
      passedHard: hardFindings === 0,
    },
  };
}
