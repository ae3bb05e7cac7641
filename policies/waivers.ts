/**
 * Waivers (as Checkov's skip or Conftest's exceptions, but owned and dated): a waiver names a
 * rule, the resources it covers (exact `kind:id` or a prefix ending in `*`), an owner, a reason
 * and an expiry date. A waived finding is reported as waived, not failed; a waiver past its
 * expiry fails the run (exit 1) until it is renewed or removed. Pure: parse, then apply.
 */
import { z } from 'zod';
import { inputError, StacksErrors, type StacksError } from '../lib/errors.js';
import type { PolicyFinding, PolicyReport } from './run.js';

const waiverSchema = z
  .object({
    rule: z.string().regex(/^[A-Z]{2,5}-\d{3}$/, 'a rule id like MLPS-007'),
    resources: z.array(z.string().min(1)).min(1),
    owner: z.string().min(1),
    reason: z.string().min(10, 'say why (at least 10 characters)'),
    expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
  })
  .strict();
// Strict: a misspelt key (`expiry:`, `reasons:`) is an error naming it, not a waiver read without it.
const fileSchema = z.object({ waivers: z.array(waiverSchema) }).strict();

export type Waiver = z.infer<typeof waiverSchema> & { file: string; path: string };

export function parseWaivers(doc: unknown, file: string): Waiver[] {
  const r = fileSchema.safeParse(doc);
  if (!r.success) {
    const errors: StacksError[] = r.error.issues.map((i) =>
      inputError(
        'E_WAIVER',
        file,
        i.path
          .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
          .join('')
          .replace(/^\./, '') || '(root)',
        i.message,
      ),
    );
    throw new StacksErrors(errors);
  }
  return r.data.waivers.map((w, i) => {
    if (Number.isNaN(Date.parse(`${w.expires}T00:00:00Z`))) throw inputError('E_WAIVER', file, `waivers[${i}].expires`, `"${w.expires}" is not a date`);
    return { ...w, file, path: `waivers[${i}]` };
  });
}

const covers = (pattern: string, resource: string) => (pattern.endsWith('*') ? resource.startsWith(pattern.slice(0, -1)) : pattern === resource);

interface AppliedWaiver {
  waiver: Waiver;
  expired: boolean;
  /** Findings it waived (none when expired: an expired waiver waives nothing). */
  matched: number;
}

export interface WaivedReport {
  report: PolicyReport;
  applied: AppliedWaiver[];
  waived: Array<PolicyFinding & { owner: string; reason: string; expires: string }>;
  expired: AppliedWaiver[];
}

/** Apply waivers as of `today` (YYYY-MM-DD, UTC): waived findings leave the report; expiry fails it. */
export function applyWaivers(report: PolicyReport, waivers: readonly Waiver[], today: string): WaivedReport {
  const applied: AppliedWaiver[] = waivers.map((w) => ({ waiver: w, expired: w.expires < today, matched: 0 }));
  const waived: WaivedReport['waived'] = [];
  const rules = report.rules.map((r) => {
    const keep: PolicyFinding[] = [];
    for (const f of r.findings) {
      const a = applied.find((x) => !x.expired && x.waiver.rule === f.ruleId && x.waiver.resources.some((p) => covers(p, f.resource)));
      if (a) {
        a.matched++;
        waived.push({ ...f, owner: a.waiver.owner, reason: a.waiver.reason, expires: a.waiver.expires });
      } else keep.push(f);
    }
    const waivedHere = r.findings.length - keep.length;
    const status = r.status === 'failed' && keep.length === 0 ? ('passed' as const) : r.status;
    return { ...r, status, findings: keep, ...(waivedHere ? { waived: waivedHere } : {}) };
  });
  const findings = rules.flatMap((r) => r.findings);
  const hardFindings = findings.filter((f) => f.severity === 'hard').length;
  const expired = applied.filter((a) => a.expired);
  const count = (s: string) => rules.filter((r) => r.status === s).length;
  return {
    report: {
      rules,
      summary: {
        rules: rules.length,
        passed: count('passed'),
        failed: count('failed'),
        skipped: count('skipped'),
        hardFindings,
        softFindings: findings.length - hardFindings,
        passedHard: hardFindings === 0 && expired.length === 0,
      },
    },
    applied,
    waived,
    expired,
  };
}
