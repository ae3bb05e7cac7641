/**
 * Gather everything `stacks kpi` reports. Each indicator (monitors/indicators/) names the inputs it
 * requires; this file loads exactly those — the inventory's models, the fault store's history and
 * watch spans, the migration journal — and joins each result with its targets from
 * plan-indicators.json. The I/O lives here; the indicators are pure.
 */
import { readDocument } from '../lib/files.js';
import { inputError } from '../lib/errors.js';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Inventory } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { assessPrivateNetworks } from '../network/private-networks.js';
import { buildMergePlan } from '../network/merge-plan.js';
import { checkMergeStatus, mergeProgress } from '../network/merge-status.js';
import { readMergeStatus } from '../inventory/merge-status.js';
import { buildCloudModel } from '../stacks/cloud/model.js';
import { Journal } from '../migrations/journal.js';
import { kpiRow, type KpiRow, type PlanIndicator } from './kpi.js';
import { INDICATORS } from './indicators/registry.js';
import type { IndicatorInputs, InputName, StoreView } from './indicators/define.js';
import { monitoringPolicy } from './policy.js';
import { WINDOWS } from './uptime.js';
import type { FaultStore } from './store/store.js';
import { DEFAULT_TARGET, isDeployed, loadTarget } from '../targets/registry.js';

export async function storeView(store: FaultStore | undefined, now = Date.now()): Promise<StoreView | undefined> {
  if (!store) return undefined;
  const from = now - WINDOWS['365d'];
  const [objects, faults, spans] = await Promise.all([store.objects(), store.faultsBetween(from, now), store.watchSpans(from, now)]);
  return { objects, faults, spans, now };
}

export async function planIndicators(inv: Inventory): Promise<PlanIndicator[]> {
  // named in province.yaml (files.plan_indicators) like every file the code reads; missing: exit 2
  const file = inv.paths.plan_indicators;
  if (!file)
    throw inputError(
      'E_FILE_MISSING',
      inv.paths.province!,
      'files.plan_indicators',
      'names no plan indicators file',
      'add `plan_indicators: plan-indicators.json` under files',
    );
  const doc = (await readDocument(file)) as { indicators?: PlanIndicator[] };
  if (!Array.isArray(doc.indicators)) throw inputError('E_SCHEMA', file, 'indicators', 'expected a list of indicators');
  return doc.indicators;
}

/** Indicator 13's fix window from the plan's data ("within 3 hours"); `file` is where the plan came from. */
export function fixWindowMs(plan: readonly PlanIndicator[], file: string): number {
  const hours = plan.find((p) => p.id === 13)?.fix_window_hours;
  if (typeof hours === 'number' && hours > 0) return hours * 3_600_000;
  throw inputError(
    'E_SCHEMA',
    file,
    'indicators[id=13].fix_window_hours',
    'is missing or not a positive number of hours (indicator 13 counts the faults fixed within it)',
  );
}

const mtime = (file: string | undefined) => (file && existsSync(file) ? statSync(file).mtimeMs : null);

export interface KpiReportOptions {
  securityWindowMs: number;
  /** State dir: where the migration journal and the deployed lab's state live. */
  stateDir?: string;
  /**
   * Read the deployed network's running configs for indicator 1 (the lab instance named here, when
   * it is deployed): one SSH session per device, so `stacks kpi` asks and the daemon's minutely
   * refresh does not.
   */
  runningConfigsOf?: string;
  /** Running configs already read (the daemon's RunningConfigsCache); takes precedence over runningConfigsOf. */
  runningConfigs?: () => Promise<IndicatorInputs['runningConfigs']>;
  now?: number;
}

/** Indicator 1's input: every device of the default target's deployed `instance`, read through its driver. */
export async function readRunningConfigs(inv: Inventory, stateDir: string, instance: string): Promise<IndicatorInputs['runningConfigs']> {
  if (!isDeployed(DEFAULT_TARGET, stateDir, instance)) return undefined;
  // the target's module (SSH client, drivers) is loaded only now, when there is something to read
  const target = await loadTarget(DEFAULT_TARGET);
  const at = Date.now();
  return { target: target.name, instance, devices: await target.drift({ stateDir, inventoryDir: inv.dir, instance }), at };
}

export async function kpiReport(inv: Inventory, store: FaultStore | undefined, opts: KpiReportOptions): Promise<KpiRow[]> {
  const plan = await planIndicators(inv);
  const now = opts.now ?? Date.now();
  const cache = new Map<InputName, Promise<unknown>>();
  let topology: ReturnType<typeof buildTopology> | undefined;
  const topo = () => (topology ??= buildTopology(inv));
  const loaders: { [K in InputName]: () => Promise<IndicatorInputs[K]> } = {
    topology: async () => topo(),
    declaredMerge: async () => {
      const mergePlan = buildMergePlan(topo());
      const { status, file } = await readMergeStatus(inv.dir);
      checkMergeStatus(mergePlan, status, file);
      return { progress: mergeProgress(mergePlan, status), file, at: mtime(file ? (file.startsWith('/') ? file : join(inv.dir, file)) : undefined) };
    },
    privateNetworks: async () => ({ indicator: assessPrivateNetworks(inv.privateNetworks).indicator, at: mtime(inv.paths.private_networks) }),
    clouds: async () => buildCloudModel(inv, topo()),
    store: () => storeView(store, now),
    migrations: async () => {
      const file = opts.stateDir ? join(opts.stateDir, 'migrations', 'journal.db') : undefined;
      if (!file || !existsSync(file)) return undefined;
      const j = new Journal(file, { readonly: true });
      try {
        return { rows: j.systems(), at: mtime(file) ?? now };
      } finally {
        j.db.close();
      }
    },
    runningConfigs: async () => {
      if (opts.runningConfigs) return opts.runningConfigs();
      if (!opts.stateDir || opts.runningConfigsOf === undefined) return undefined;
      return readRunningConfigs(inv, opts.stateDir, opts.runningConfigsOf);
    },
    policy: async () => monitoringPolicy(inv.province.monitoring),
    securityWindowMs: async () => opts.securityWindowMs,
    fixWindowMs: async () => fixWindowMs(plan, inv.paths.plan_indicators!),
    now: async () => now,
  };
  const load = <K extends InputName>(k: K) => {
    if (!cache.has(k)) cache.set(k, loaders[k]());
    return cache.get(k) as Promise<IndicatorInputs[K]>;
  };
  const rows: KpiRow[] = [];
  for (const ind of INDICATORS) {
    const inputs = Object.fromEntries(await Promise.all(ind.requires.map(async (k) => [k, await load(k)] as const))) as unknown as IndicatorInputs;
    const p = plan.find((x) => x.id === ind.id);
    if (!p) throw new Error(`plan-indicators.json has no indicator ${ind.id}`);
    rows.push(kpiRow(p, ind.compute(inputs)));
  }
  return rows;
}
