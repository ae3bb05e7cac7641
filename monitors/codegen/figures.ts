/**
 * The numbers the monitoring codegen writes into rules, dashboards and their tests, all read from
 * data: the availability objective and floor are indicator 9's 2025 and 2023 targets, the fix
 * window is indicator 13's (plan-indicators.json), the "at risk" mark is the NOC's policy
 * (province.yaml `monitoring.faults.at_risk_hours`), and the example city of the rule tests is the
 * inventory's first city. Pure: the caller hands in what it read.
 */
import { parseTarget, type PlanIndicator } from '../kpi.js';

export interface MonitoringFigures {
  /** Availability SLO (indicator 9, 2025). */
  objective: number;
  /** The lower bar on dashboards (indicator 9, 2023). */
  floor: number;
  /** Indicator 13's 2025 target, for the fixed-in-time alert. */
  fixedInTimeObjective: number;
  fixWindowSeconds: number;
  atRiskSeconds: number;
  /** A city id of this province, for the rule tests' series. */
  exampleCity: string;
}

export function monitoringFigures(plan: readonly PlanIndicator[], atRiskHours: number, firstCity: string): MonitoringFigures {
  const target = (id: number, year: 'target_2023' | 'target_2025') => {
    const t = parseTarget(plan.find((p) => p.id === id)?.[year] ?? null);
    if (!t) throw new Error(`plan-indicators.json: indicator ${id} has no ${year} percentage`);
    return t.value;
  };
  const fixHours = plan.find((p) => p.id === 13)?.fix_window_hours;
  if (typeof fixHours !== 'number' || fixHours <= 0) throw new Error('plan-indicators.json: indicator 13 has no fix_window_hours');
  return {
    objective: target(9, 'target_2025'),
    floor: target(9, 'target_2023'),
    fixedInTimeObjective: target(13, 'target_2025'),
    fixWindowSeconds: fixHours * 3600,
    atRiskSeconds: atRiskHours * 3600,
    exampleCity: firstCity,
  };
}
