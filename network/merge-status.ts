/**
 * How far the 两网整合 has got: `inventory/merge-status.yaml` (optional; absent = nothing done) names
 * the phases completed and any single sites completed inside a running phase. Indicator 1 of Table 1
 * (merge progress) is the share of sites merged. The schema and the progress arithmetic are pure;
 * `readMergeStatus` is the one I/O edge.
 */
import { z } from 'zod';
import { StacksErrors, inputError, type StacksError } from '../lib/errors.js';
import type { MergePlan } from './merge-plan.js';

export const MERGE_STATUS_FILE = 'merge-status.yaml';
const MAX_ORDER_ERRORS = 10;

export const mergeStatusSchema = z
  .object({
    version: z.literal(1),
    /** Phase ids of the plan (exit, province-core, horizontal, cities, counties, townships) that are done. */
    completed_phases: z.array(z.string()).default([]),
    /** Sites cut over inside a phase that is still running, e.g. `xian.yanta.t01`. */
    completed_sites: z.array(z.string()).default([]),
  })
  .strict();
export type MergeStatus = z.infer<typeof mergeStatusSchema>;

export const NOTHING_DONE: MergeStatus = { version: 1, completed_phases: [], completed_sites: [] };

interface PhaseProgress {
  id: string;
  done: boolean;
  sitesMerged: number;
  sitesTotal: number;
}

export interface MergeProgress {
  /** Indicator 1: sites on the one network / all sites (the plan's 2023 target: 100 %). */
  share: number;
  sitesMerged: number;
  sitesTotal: number;
  /** The same over the sites that sit on a legacy network today (the merge proper, without new connections). */
  legacyShare: number;
  legacySitesMerged: number;
  legacySitesTotal: number;
  phases: PhaseProgress[];
  /** Sites merged but whose parent is not (reported by checkMergeStatus as an input error). */
  outOfOrder: string[];
}

/** Which sites are merged: every step of the site is in a completed phase or the site is listed. */
function mergedSites(plan: MergePlan, status: MergeStatus): Set<string> {
  const phasesDone = new Set(status.completed_phases);
  const sitesDone = new Set(status.completed_sites);
  const pending = new Set<string>();
  const all = new Set<string>();
  for (const phase of plan.phases) {
    for (const step of phase.steps) {
      all.add(step.site);
      if (!phasesDone.has(phase.id) && !sitesDone.has(step.site)) pending.add(step.site);
    }
  }
  return new Set([...all].filter((s) => !pending.has(s)));
}

export function mergeProgress(plan: MergePlan, status: MergeStatus = NOTHING_DONE): MergeProgress {
  const merged = mergedSites(plan, status);
  const sites = new Map<string, { legacy: boolean; parent?: string }>();
  for (const phase of plan.phases) for (const step of phase.steps) sites.set(step.site, { legacy: step.legacy.length > 0, parent: step.parent });
  const legacy = [...sites.entries()].filter(([, s]) => s.legacy).map(([id]) => id);
  const legacyMerged = legacy.filter((id) => merged.has(id)).length;
  const done = new Set(status.completed_phases);
  const phases = plan.phases.map((p) => {
    const ids = new Set(p.steps.map((s) => s.site));
    return { id: p.id, done: done.has(p.id), sitesMerged: [...ids].filter((id) => merged.has(id)).length, sitesTotal: ids.size };
  });
  const outOfOrder = [...merged].filter((id) => {
    const parent = sites.get(id)?.parent;
    return parent !== undefined && !merged.has(parent);
  });
  return {
    share: sites.size ? merged.size / sites.size : 0,
    sitesMerged: merged.size,
    sitesTotal: sites.size,
    legacyShare: legacy.length ? legacyMerged / legacy.length : 0,
    legacySitesMerged: legacyMerged,
    legacySitesTotal: legacy.length,
    phases,
    outOfOrder: outOfOrder.sort(),
  };
}

/**
 * Input errors in a status file against the plan: unknown phases or sites, and sites marked done
 * before their parent (a site moves only with or after its parent). Throws them all at once.
 */
export function checkMergeStatus(plan: MergePlan, status: MergeStatus, file = MERGE_STATUS_FILE): void {
  const errors: StacksError[] = [];
  const phaseIds = plan.phases.map((p) => p.id);
  const siteIds = new Set(plan.phases.flatMap((p) => p.steps.map((s) => s.site)));
  status.completed_phases.forEach((id, i) => {
    if (!phaseIds.includes(id))
      errors.push(inputError('E_MERGE_STATUS', file, `completed_phases[${i}]`, `unknown phase "${id}"`, `phases: ${phaseIds.join(', ')}`));
  });
  status.completed_sites.forEach((id, i) => {
    if (!siteIds.has(id)) errors.push(inputError('E_MERGE_STATUS', file, `completed_sites[${i}]`, `unknown site "${id}"`));
  });
  if (!errors.length) {
    const outOfOrder = mergeProgress(plan, status).outOfOrder;
    // A whole phase marked done too early would name every site in it: the first few say enough.
    for (const site of outOfOrder.slice(0, MAX_ORDER_ERRORS)) {
      const step = plan.phases.flatMap((p) => p.steps).find((s) => s.site === site)!;
      const i = status.completed_sites.indexOf(site);
      const path = i >= 0 ? `completed_sites[${i}]` : 'completed_phases';
      errors.push(
        inputError(
          'E_MERGE_ORDER',
          file,
          path,
          `${site} is marked merged but its parent ${step.parent} is not`,
          'a site moves only with or after its parent: complete the parent first',
        ),
      );
    }
    if (outOfOrder.length > MAX_ORDER_ERRORS) {
      errors.push(
        inputError('E_MERGE_ORDER', file, 'completed_phases', `and ${outOfOrder.length - MAX_ORDER_ERRORS} more sites marked merged before their parents`),
      );
    }
  }
  if (errors.length) throw new StacksErrors(errors);
}
