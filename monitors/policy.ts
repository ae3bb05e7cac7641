/**
 * The NOC's counting rules, from the inventory (province.yaml `monitoring`): debounce, flap
 * thresholds, which fault kinds resolve themselves when they clear (the "fixed" time of indicator
 * 13), cause categories, and how much of a window must have been watched before indicator 9 claims
 * it. Defaults apply when a province states none; the defaults are the ones province.yaml documents.
 */
import type { MonitoringPolicyFile } from '../inventory/schema.js';
import type { DebounceSettings } from './faults/tracker.js';
import type { FaultKind } from './types.js';

export interface MonitoringPolicy {
  debounce: DebounceSettings;
  atRiskMs: number;
  causes: readonly string[];
  minCoverage: number;
  /** Upper bounds (s) of the fault-duration histogram. */
  faultDurationBuckets: readonly number[];
}

export const DEFAULT_POLICY_FILE: MonitoringPolicyFile = {
  faults: {
    debounce: { open_after_s: 10, clear_after_s: 30 },
    flapping: { changes: 6, within_minutes: 10 },
    auto_resolving: ['device-unreachable', 'link-down', 'platform-down'],
    at_risk_hours: 2,
    causes: ['fibre-cut', 'power', 'hardware', 'software', 'configuration', 'carrier', 'capacity', 'security', 'planned-work', 'unknown'],
    duration_buckets_s: [60, 300, 900, 1800, 3600, 7200, 10_800, 21_600, 86_400],
  },
  uptime: { min_coverage: 0.99 },
};

export function monitoringPolicy(file: MonitoringPolicyFile | undefined): MonitoringPolicy {
  const f = file ?? DEFAULT_POLICY_FILE;
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
    faultDurationBuckets: f.faults.duration_buckets_s ?? DEFAULT_POLICY_FILE.faults.duration_buckets_s!,
  };
}
