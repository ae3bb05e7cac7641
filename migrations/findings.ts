/**
 * What the plan must not hide (pure): dependency findings over the assessed systems.
 *
 * - A moving system that calls a retired system (its callee is switched off), a blocked one (its
 *   callee cannot be placed and stays where it is) or a retained one (its callee stays on the
 *   intranet): one finding per call, severity from the inventory's `rules:` (defaults below).
 * - A classified (涉密) system that calls a system bound for an extranet cloud: always an error —
 *   the call would cross from the classified intranet onto the extranet, which 等保/BMB rules forbid.
 *   Every cloud of the registry is on the extranet (cloud/types.ts), so "bound for a cloud" is it.
 *
 * Findings are sorted by rule, system and callee so that the output of two runs diffs cleanly.
 */
import type { Assessed } from './assess.js';
import { MOVES } from './assess.js';
import type { FindingSeverity, MigrationSystem, PlanRules } from './schema.js';

export type FindingRule = 'depends-on-retired' | 'depends-on-blocked' | 'depends-on-retained' | 'classified-calls-extranet';

export interface Finding {
  rule: FindingRule;
  severity: 'error' | 'warning';
  system: string;
  depends_on: string;
  message: string;
}

/** Defaults when the inventory says nothing: a call to a switched-off or stuck system breaks the mover. */
const DEFAULT_RULES: Required<PlanRules> = {
  depends_on_retired: 'error',
  depends_on_blocked: 'error',
  depends_on_retained: 'warning',
};

export function planFindings(systems: readonly MigrationSystem[], assessed: readonly Assessed[], rules: PlanRules = {}): Finding[] {
  const r: Required<PlanRules> = { ...DEFAULT_RULES, ...rules };
  const byId = new Map(assessed.map((a) => [a.id, a]));
  const out: Finding[] = [];
  const add = (rule: FindingRule, severity: FindingSeverity, system: string, dep: string, message: string) => {
    if (severity !== 'off') out.push({ rule, severity, system, depends_on: dep, message });
  };
  for (const s of systems) {
    const me = byId.get(s.id)!;
    const moving = MOVES(me.strategy) && !me.blocked;
    for (const dep of s.dependsOn) {
      const callee = byId.get(dep);
      if (!callee) continue; // unknown ids are rejected by the loader
      const calleeMoves = MOVES(callee.strategy) && !callee.blocked && callee.targetCloud !== undefined;
      if (s.classification === 'classified' && calleeMoves) {
        add(
          'classified-calls-extranet',
          'error',
          s.id,
          dep,
          `classified system ${s.id} calls ${dep}, which moves to the extranet cloud ${callee.targetCloud}: a classified system may not depend on an extranet system`,
        );
      }
      if (!moving) continue;
      if (callee.strategy === 'retire')
        add(
          'depends-on-retired',
          r.depends_on_retired,
          s.id,
          dep,
          `${s.id} moves (${me.strategy}) but calls ${dep}, which is retired: point it at the successor first`,
        );
      else if (callee.blocked)
        add('depends-on-blocked', r.depends_on_blocked, s.id, dep, `${s.id} moves (${me.strategy}) but calls ${dep}, which is blocked (${callee.blocked})`);
      else if (callee.strategy === 'retain')
        add(
          'depends-on-retained',
          r.depends_on_retained,
          s.id,
          dep,
          `${s.id} moves (${me.strategy}) but calls ${dep}, which is retained off the clouds: the call crosses back to the department`,
        );
    }
  }
  return out.sort((a, b) => cmp(a.rule, b.rule) || cmp(a.system, b.system) || cmp(a.depends_on, b.depends_on));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Per rule: how many calls and of what severity (the summary line a reviewer reads first). */
export function countFindings(findings: readonly Finding[]): Record<FindingRule, { error: number; warning: number }> {
  const out = {} as Record<FindingRule, { error: number; warning: number }>;
  for (const rule of ['depends-on-retired', 'depends-on-blocked', 'depends-on-retained', 'classified-calls-extranet'] as const)
    out[rule] = { error: 0, warning: 0 };
  for (const f of findings) out[f.rule][f.severity]++;
  return out;
}
