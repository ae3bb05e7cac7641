/**
 * An indicator of Table 1 is declared like a policy: an id, the inputs it needs, and a pure
 * `compute` over them — one file per indicator plus one line in registry.ts. The report loads only
 * the inputs some indicator requires. Every result says where its number comes from:
 *   live     — measured on the running network or clouds (the monitoring daemon's store);
 *   journal  — from a record the tools write while they act (the migration journal, a deploy's state);
 *   declared — from a file people edit, or the model of what is planned; believed, not measured.
 * and when it was measured (or declared). The plan's targets live only in plan-indicators.json.
 */
import type { Topology } from '../../network/types.js';
import type { MergeProgress } from '../../network/merge-status.js';
import type { IntegrationIndicator } from '../../network/private-networks.js';
import type { CloudModel } from '../../stacks/cloud/model.js';
import type { SystemRow } from '../../migrations/journal.js';
import type { Fault } from '../types.js';
import type { MonitoredObject, WatchSpan } from '../store/store.js';
import type { MonitoringPolicy } from '../policy.js';
import type { DeviceDrift } from '../../targets/types.js';

export type Basis = 'live' | 'journal' | 'declared';

/** What the fault store knows, for the live indicators. */
export interface StoreView {
  objects: MonitoredObject[];
  /** Faults overlapping the last 365 days. */
  faults: Fault[];
  /** When a daemon was watching, over the last 365 days. */
  spans: WatchSpan[];
  now: number;
}

export interface IndicatorInputs {
  topology: Topology;
  /** merge-status.yaml as declared by people, and when the file was last written. */
  declaredMerge: { progress: MergeProgress; file?: string; at: number | null };
  privateNetworks: { indicator: IntegrationIndicator; at: number | null };
  clouds: CloudModel | undefined;
  store: StoreView | undefined;
  /**
   * The deployed devices' running configs against the rendered (merged) intent, read through their
   * drivers as `stacks drift` reads them; undefined when nothing is deployed or the caller did not ask.
   */
  runningConfigs: { target: string; instance: string; devices: DeviceDrift[]; at: number } | undefined;
  /** The migration journal's systems; undefined when no migration has run here. */
  migrations: { rows: SystemRow[]; at: number } | undefined;
  policy: MonitoringPolicy;
  /** Indicator 12's window (no figure in the plan: a command-line choice). */
  securityWindowMs: number;
  /** Indicator 13's window (plan-indicators.json). */
  fixWindowMs: number;
  now: number;
}

export type InputName = keyof IndicatorInputs;

interface Common {
  definition: string;
  basis: Basis;
  /** Where exactly: `fault store (live)`, `inventory/merge-status.yaml`, … */
  source: string;
  /** ms; null when the source holds no date. */
  measuredAt: number | null;
  detail?: Record<string, unknown>;
}

export type Computed =
  | (Common & {
      status: 'ok';
      value: number;
      numerator?: number;
      denominator?: number /** false: shown, but not claimed against the target. */;
      claim?: boolean;
      note?: string;
    })
  | (Common & { status: 'no-data' | 'unavailable'; reason: string });

export interface IndicatorDefinition<R extends InputName = InputName> {
  id: number;
  requires: readonly R[];
  compute(inputs: Pick<IndicatorInputs, R>): Computed;
}

export function defineIndicator<R extends InputName>(d: IndicatorDefinition<R>): IndicatorDefinition<R> {
  return d;
}
