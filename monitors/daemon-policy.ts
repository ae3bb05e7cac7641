/**
 * What the daemon counts by, all from the inventory: the NOC policy (province.yaml `monitoring`),
 * indicator 13's fix window and the fault-duration buckets. `stacks daemon` and every test or bench
 * that starts a daemon take them from here, so no figure is restated in code.
 */
import type { Inventory } from '../inventory/load.js';
import { fixWindowMs, planIndicators } from './kpi-report.js';
import { monitoringPolicy } from './policy.js';
import type { DebounceSettings } from './faults/tracker.js';

/** Spread into the daemon's options (these are DaemonOptions' own fields). */
export interface DaemonPolicy {
  debounce: DebounceSettings;
  fixWindowMs: number;
  faultDurationBuckets: readonly number[];
}

export async function daemonPolicy(inv: Inventory): Promise<DaemonPolicy> {
  const policy = monitoringPolicy(inv.province.monitoring);
  return {
    debounce: policy.debounce,
    fixWindowMs: fixWindowMs(await planIndicators(inv), inv.paths.plan_indicators!),
    faultDurationBuckets: policy.faultDurationBuckets,
  };
}
