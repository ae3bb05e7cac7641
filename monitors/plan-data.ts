/**
 * Read the plan's figures for the monitoring codegen: plan-indicators.json of the inventory (the
 * repository's copy when a province has none yet) and the NOC policy of province.yaml. Sync,
 * because synth's contributions are; the parsing lives in codegen/figures.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Inventory } from '../inventory/load.js';
import type { PlanIndicator } from './kpi.js';
import { monitoringFigures, type MonitoringFigures } from './codegen/figures.js';
import { monitoringPolicy } from './policy.js';

function readPlanIndicatorsSync(inventoryDir: string): PlanIndicator[] {
  const file = join(inventoryDir, 'plan-indicators.json');
  const doc = JSON.parse(readFileSync(existsSync(file) ? file : join(import.meta.dirname, '../inventory/plan-indicators.json'), 'utf8')) as {
    indicators: PlanIndicator[];
  };
  return doc.indicators;
}

export function inventoryFigures(inv: Pick<Inventory, 'dir' | 'province' | 'divisions'>): MonitoringFigures {
  const city = inv.divisions.cities[0]?.id;
  if (!city) throw new Error(`${join(inv.dir, 'divisions.json')}: no city`);
  return monitoringFigures(readPlanIndicatorsSync(inv.dir), monitoringPolicy(inv.province.monitoring).atRiskMs / 3_600_000, city);
}
