import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { monitoringFiles } from './stack.js';
import { BURN_WINDOWS } from './codegen/rules.js';
import type { Topology } from '../network/types.js';
import { loadInventory, type Inventory } from '../inventory/load.js';
import { StacksError } from '../lib/errors.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const topology = { province: { id: 'shaanxi', name: '陕西省' } } as Topology;
let inventory: Inventory;
let files: Map<string, string>;
beforeAll(async () => {
  inventory = await loadInventory();
  files = monitoringFiles({ topology, inventory });
});

/** What a bad-input failure says (exit 2, never a bare Error). */
function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StacksError);
    expect((err as StacksError).exitCode).toBe(2);
    return (err as StacksError).describe();
  }
  throw new Error('expected a failure');
}

describe('monitoring stack', () => {
  it('writes rules, rule tests, Prometheus and Alertmanager configs and two dashboards, deterministically', () => {
    expect([...files.keys()].sort()).toEqual([
      'alertmanager/alertmanager.yml',
      'grafana/city-drilldown.json',
      'grafana/province-overview.json',
      'prometheus/prometheus.yml',
      'prometheus/rules.test.yml',
      'prometheus/rules.yml',
    ]);
    expect(monitoringFiles({ topology, inventory })).toEqual(files);
  });
  it('burn-rate alerts use the 30-day multi-window pairs for a 99% objective', () => {
    expect(BURN_WINDOWS.map(([l, s, f, sev]) => `${sev}:${f}x@${l}/${s}`)).toEqual([
      'page:14.4x@1h/5m',
      'page:6x@6h/30m',
      'ticket:3x@1d/2h',
      'ticket:1x@3d/6h',
    ]);
    const rules = parse(files.get('prometheus/rules.yml')!) as { groups: Array<{ rules: Array<{ alert?: string; expr: string }> }> };
    const fast = rules.groups.flatMap((g) => g.rules).find((r) => r.alert === 'StacksErrorBudgetBurnFast')!;
    expect(fast.expr).toContain('stacks:sli_error_ratio:rate1h > (14.4 * 0.01)');
    expect(fast.expr).toContain('stacks:sli_error_ratio:rate30m > (6 * 0.01)');
  });
  it('the city drill-down has a city template variable and the overview shows the plan targets', () => {
    const city = JSON.parse(files.get('grafana/city-drilldown.json')!) as { templating: { list: Array<{ name: string; query: unknown }> } };
    expect(city.templating.list.map((v) => v.name)).toContain('city');
    const overview = files.get('grafana/province-overview.json')!;
    expect(overview).toContain('stacks_fixed_in_time_ratio');
    expect(overview).toContain('0.99');
  });
  it("the rule tests use the inventory's first city", () => {
    const first = inventory.divisions.cities[0]!.id;
    expect(files.get('prometheus/rules.test.yml')).toContain(`city="${first}"`);
  });
  it('no two dashboard panels overlap', () => {
    for (const name of ['grafana/province-overview.json', 'grafana/city-drilldown.json']) {
      const d = JSON.parse(files.get(name)!) as { panels: Array<{ title?: string; gridPos: { x: number; y: number; w: number; h: number } }> };
      const boxes = d.panels.map((p) => ({ t: p.title ?? '(row)', ...p.gridPos }));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!;
          const b = boxes[j]!;
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect(overlap, `${name}: "${a.t}" overlaps "${b.t}"`).toBe(false);
        }
      }
    }
  });
  it('takes the plan figures from the file province.yaml names, and says so when it names none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stacks-plan-data-'));
    try {
      const file = join(dir, 'targets.json');
      const doc = JSON.parse(readFileSync(inventory.paths.plan_indicators!, 'utf8')) as { indicators: Array<{ id: number; target_2025: unknown }> };
      doc.indicators.find((i) => i.id === 9)!.target_2025 = '99.5%';
      writeFileSync(file, JSON.stringify(doc));
      const moved = monitoringFiles({ topology, inventory: { ...inventory, paths: { ...inventory.paths, plan_indicators: file } } });
      expect(moved.get('prometheus/rules.yml')).toContain('(14.4 * 0.005)');
      delete (doc.indicators.find((i) => i.id === 9) as { target_2025?: unknown }).target_2025;
      writeFileSync(file, JSON.stringify(doc));
      expect(failure(() => monitoringFiles({ topology, inventory: { ...inventory, paths: { ...inventory.paths, plan_indicators: file } } }))).toMatch(
        /targets\.json: indicators: indicator 9 has no target_2025 percentage/,
      );
      const { plan_indicators: _, ...unnamed } = inventory.paths;
      expect(failure(() => monitoringFiles({ topology, inventory: { ...inventory, paths: unnamed } }))).toMatch(
        /province\.yaml: files\.plan_indicators: names no plan indicators file/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
