import { describe, expect, it } from 'vitest';
import { loadInventory } from '../inventory/load.js';
import { monitoringPolicy } from './policy.js';
import { fixWindowMs, planIndicators } from './kpi-report.js';
import { daemonPolicy } from './daemon-policy.js';

describe('the NOC policy comes from the inventory only', () => {
  it('a province without a monitoring section counts by the embedded province.yaml, the file that documents it', async () => {
    const inv = await loadInventory();
    expect(inv.province.monitoring).toBeDefined();
    expect(monitoringPolicy()).toEqual(monitoringPolicy(inv.province.monitoring));
  });

  it('a monitoring section without histogram buckets keeps the documented buckets and its own other figures', async () => {
    const own = structuredClone((await loadInventory()).province.monitoring!);
    own.faults.debounce.open_after_s = 99;
    delete own.faults.duration_buckets_s;
    const p = monitoringPolicy(own);
    expect(p.debounce.openAfterMs).toBe(99_000);
    expect(p.faultDurationBuckets).toEqual(monitoringPolicy().faultDurationBuckets);
  });

  it("indicator 13's fix window is the plan's; a plan without it is an error naming the file and path", async () => {
    const inv = await loadInventory();
    const plan = await planIndicators(inv);
    const hours = plan.find((p) => p.id === 13)!.fix_window_hours as number;
    expect(fixWindowMs(plan, 'plan-indicators.json')).toBe(hours * 3_600_000);
    expect((await daemonPolicy(inv)).fixWindowMs).toBe(hours * 3_600_000);
    const without = plan.map((p) => (p.id === 13 ? { ...p, fix_window_hours: undefined } : p));
    expect(() => fixWindowMs(without, '/x/plan-indicators.json')).toThrow(
      expect.objectContaining({ file: '/x/plan-indicators.json', path: 'indicators[id=13].fix_window_hours', kind: 'input' }),
    );
  });
});
