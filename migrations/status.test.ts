import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlanningInputs } from './inputs.js';
import { buildPlan, type MigrationPlan } from './plan.js';
import { migrationStatus, renderStatusText } from './status.js';
import { DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import type { SystemRow } from './journal.js';

let plan: MigrationPlan;
beforeAll(async () => {
  const inputs = await loadPlanningInputs(DEFAULT_INVENTORY_DIR);
  plan = buildPlan(inputs.systems, inputs.registry, inputs.source);
});

describe('migrate status', () => {
  it('lists wave 0 (the retired and retained systems) after the waves, with their journal states', () => {
    const stay = [...plan.retired.map((r) => r.id), ...plan.retained.map((r) => r.id)].sort();
    expect(plan.retired.length).toBeGreaterThan(0);
    expect(plan.retained.length).toBeGreaterThan(0);
    const retired = plan.retired[0]!.id;
    const row: SystemRow = { id: retired, wave: 0, state: 'finalized', strategy: 'retire', target_cloud: '-', error: null, updated_at: '2026-12-01T00:00:00Z' };
    const st = migrationStatus(plan, [row]);
    expect(st.waves.map((w) => w.number)).toEqual([...plan.waves.map((w) => w.number), 0]);
    const zero = st.waves.at(-1)!;
    expect(zero.systems.map((s) => s.id).sort()).toEqual(stay);
    expect(zero.total).toBe(stay.length);
    expect(zero.systems.find((s) => s.id === retired)!.state).toBe('finalized');
    expect(zero.by_state).toEqual({ finalized: 1, planned: stay.length - 1 });
    // every system of the plan is somewhere in the status
    expect(st.waves.reduce((n, w) => n + w.total, 0)).toBe(plan.waves.reduce((n, w) => n + w.systems.length, 0) + stay.length);
    expect(renderStatusText(st)).toMatch(/^wave 0 \(retired and retained, after the waves\) .* systems: /m);
  });
});
