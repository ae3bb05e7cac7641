/**
 * Gather everything `stacks kpi` reports: models from the inventory (topology, private networks,
 * clouds) and the fault store's history. Other modules own indicators 1, 2, 7 and 8; this file
 * only calls them.
 */
import { readDocument } from '../lib/files.js';
import { inputError } from '../lib/errors.js';
import type { Inventory } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { assessPrivateNetworks } from '../network/private-networks.js';
import { buildMergePlan } from '../network/merge-plan.js';
import { checkMergeStatus, mergeProgress } from '../network/merge-status.js';
import { readMergeStatus } from '../inventory/merge-status.js';
import { buildCloudModel } from '../stacks/cloud/model.js';
import { indicator7, indicator8 } from '../cloud/indicators.js';
import {
  capacitySufficiency,
  extranetCoverage,
  fixedInTime,
  fromModule,
  kpiRow,
  platformAvailability,
  securityRemediation,
  unavailable,
  type Computed,
  type KpiRow,
  type PlanIndicator,
  type StoreView,
} from './kpi.js';
import { WINDOWS } from './uptime.js';
import type { FaultStore } from './store/store.js';

export const KPI_IDS = [1, 2, 3, 4, 7, 8, 9, 12, 13] as const;

export async function storeView(store: FaultStore | undefined, now = Date.now()): Promise<StoreView | undefined> {
  if (!store) return undefined;
  const [objects, faults] = await Promise.all([store.objects(), store.faultsBetween(now - WINDOWS['365d'], now)]);
  return { objects, faults, now };
}

export async function planIndicators(inv: Inventory): Promise<PlanIndicator[]> {
  // named in province.yaml (files.plan_indicators) like every file the code reads; missing: exit 2
  const file = inv.paths.plan_indicators;
  if (!file) throw inputError('E_FILE_MISSING', inv.paths.province!, 'files.plan_indicators', 'names no plan indicators file', 'add `plan_indicators: plan-indicators.json` under files');
  const doc = (await readDocument(file)) as { indicators?: PlanIndicator[] };
  if (!Array.isArray(doc.indicators)) throw inputError('E_SCHEMA', file, 'indicators', 'expected a list of indicators');
  return doc.indicators;
}

export async function kpiReport(inv: Inventory, store: FaultStore | undefined, opts: { securityWindowMs: number; now?: number }): Promise<KpiRow[]> {
  const plan = await planIndicators(inv);
  const topology = buildTopology(inv);
  const view = await storeView(store, opts.now);
  const computed = new Map<number, Computed>();

  const mergePlan = buildMergePlan(topology);
  const { status, file } = await readMergeStatus(inv.dir);
  checkMergeStatus(mergePlan, status, file);
  const merge = mergeProgress(mergePlan, status);
  computed.set(1, {
    ...fromModule(
      { value: merge.share, numerator: merge.sitesMerged, denominator: merge.sitesTotal, definition: 'sites on the one merged extranet (their merge-plan steps completed) / all sites' },
      `network/merge-status.ts (${file ?? 'no merge-status.yaml: nothing merged yet'})`,
    ),
    detail: { legacy_share: merge.legacyShare, phases: merge.phases },
  } as Computed);
  const pn = assessPrivateNetworks(inv.privateNetworks).indicator;
  computed.set(2, fromModule({ value: pn.rate, numerator: pn.integrated, denominator: pn.total, definition: 'non-classified sub-provincial private networks merged or interconnected / all such networks' }, 'network/private-networks.ts'));
  computed.set(3, extranetCoverage(topology));
  computed.set(4, capacitySufficiency(topology, inv.province.plan_tiers));
  const clouds = buildCloudModel(inv, topology);
  if (clouds) {
    computed.set(7, fromModule(indicator7(clouds.registry), 'cloud/indicators.ts'));
    computed.set(8, fromModule(indicator8(clouds.registry, clouds.systems, clouds.placement), 'cloud/indicators.ts'));
  } else {
    for (const id of [7, 8]) computed.set(id, unavailable('the inventory has no clouds file (province.yaml files.clouds)', 'see cloud/indicators.ts', 'cloud/'));
  }
  computed.set(9, platformAvailability(view));
  computed.set(12, securityRemediation(view, opts.securityWindowMs));
  computed.set(13, fixedInTime(view));

  return KPI_IDS.map((id) => {
    const p = plan.find((x) => x.id === id);
    if (!p) throw new Error(`plan-indicators.json has no indicator ${id}`);
    return kpiRow(p, computed.get(id)!);
  });
}
