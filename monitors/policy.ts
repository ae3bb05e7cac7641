/**
 * The NOC's counting rules, from the inventory (province.yaml `monitoring`): debounce, flap
 * thresholds, which fault kinds resolve themselves when they clear (the "fixed" time of indicator
 * 13), cause categories, and how much of a window must have been watched before indicator 9 claims
 * it. A province that states none (or no histogram buckets) takes the embedded default's
 * province.yaml, the file that documents them: the figures live in that one file, never in code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { provinceSchema, type MonitoringPolicyFile } from '../inventory/schema.js';
import { DEFAULT_INVENTORY_DIR, validateDocument } from '../inventory/load.js';
import { parseDocument } from '../lib/files.js';
import { StacksError, inputError } from '../lib/errors.js';
import type { DebounceSettings } from './faults/tracker.js';
import type { FaultKind } from './types.js';

export interface MonitoringPolicy {
  debounce: Required<DebounceSettings>;
  atRiskMs: number;
  causes: readonly string[];
  minCoverage: number;
  /** Upper bounds (s) of the fault-duration histogram. */
  faultDurationBuckets: readonly number[];
}

type Documented = MonitoringPolicyFile & { faults: { duration_buckets_s: number[] } };
let embedded: Documented | undefined;

/** The embedded default province's `monitoring` (read once; sync, because synth's codegen is). */
function documentedPolicy(): Documented {
  if (embedded) return embedded;
  const file = join(DEFAULT_INVENTORY_DIR, 'province.yaml');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new StacksError({ code: 'E_FILE_READ', file, message: `cannot read file: ${(cause as Error).message}`, cause });
  }
  const m = validateDocument(provinceSchema, parseDocument(file, text), file).monitoring;
  // The embedded inventory is part of the tool: a copy that lost its monitoring section is broken.
  if (!m?.faults.duration_buckets_s) throw inputError('E_SCHEMA', file, 'monitoring.faults.duration_buckets_s', 'the embedded province.yaml must state it');
  embedded = m as Documented;
  return embedded;
}

export function monitoringPolicy(file?: MonitoringPolicyFile): MonitoringPolicy {
  const f = file ?? documentedPolicy();
  return {
    debounce: {
      openAfterMs: f.faults.debounce.open_after_s * 1000,
      closeAfterMs: f.faults.debounce.clear_after_s * 1000,
      flap: { changes: f.faults.flapping.changes, withinMs: f.faults.flapping.within_minutes * 60_000 },
      autoResolveKinds: f.faults.auto_resolving as FaultKind[],
    },
    atRiskMs: f.faults.at_risk_hours * 3_600_000,
    causes: f.faults.causes,
    minCoverage: f.uptime.min_coverage,
    // A province.yaml that states a monitoring section without buckets keeps the documented ones.
    faultDurationBuckets: f.faults.duration_buckets_s ?? documentedPolicy().faults.duration_buckets_s,
  };
}
