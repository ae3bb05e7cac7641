/**
 * Read the plan's figures for the monitoring codegen: the inventory's plan indicators (province.yaml
 * `files.plan_indicators`, like every file the code reads: never a copy of another province's) and
 * the NOC policy of province.yaml. Sync, because synth's contributions are; the parsing lives in
 * codegen/figures.ts.
 */
import { readFileSync } from 'node:fs';
import type { Inventory } from '../inventory/load.js';
import type { PlanIndicator } from './kpi.js';
import { monitoringFigures, type MonitoringFigures } from './codegen/figures.js';
import { monitoringPolicy } from './policy.js';
import { inputError, StacksError } from '../lib/errors.js';
import { parseDocument } from '../lib/files.js';

function readPlanIndicatorsSync(inv: Pick<Inventory, 'paths'>): PlanIndicator[] {
  const file = inv.paths.plan_indicators;
  if (!file)
    throw inputError(
      'E_FILE_MISSING',
      inv.paths.province!,
      'files.plan_indicators',
      'names no plan indicators file (the alert rules take their objective and fix window from it)',
      'add `plan_indicators: plan-indicators.json` under files',
    );
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new StacksError({ code: 'E_FILE_READ', file, message: `cannot read file: ${(cause as Error).message}`, cause });
  }
  const doc = parseDocument(file, text) as { indicators?: PlanIndicator[] };
  if (!Array.isArray(doc?.indicators)) throw inputError('E_SCHEMA', file, 'indicators', 'expected a list of indicators');
  return doc.indicators;
}

export function inventoryFigures(inv: Pick<Inventory, 'paths' | 'province' | 'divisions'>): MonitoringFigures {
  const city = inv.divisions.cities[0]?.id;
  if (!city) throw inputError('E_SCHEMA', inv.paths.divisions ?? inv.paths.province!, 'cities', 'no city (the rule tests take the first one)');
  const plan = readPlanIndicatorsSync(inv);
  try {
    return monitoringFigures(plan, monitoringPolicy(inv.province.monitoring).atRiskMs / 3_600_000, city);
  } catch (err) {
    // a figure the codegen needs is missing from the data: bad input (exit 2), naming the file
    throw inputError('E_SCHEMA', inv.paths.plan_indicators!, 'indicators', (err as Error).message.replace(/^plan-indicators\.json: /, ''));
  }
}
