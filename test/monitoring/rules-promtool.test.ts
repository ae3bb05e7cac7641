/** The synthesized rules pass the real `promtool check rules` and their `promtool test rules` cases. */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderRules } from '../../monitors/codegen/rules.js';
import { renderRuleTests } from '../../monitors/codegen/rules-tests.js';
import { loadInventory } from '../../inventory/load.js';
import { inventoryFigures } from '../../monitors/plan-data.js';
import type { MonitoringFigures } from '../../monitors/codegen/figures.js';

let figures: MonitoringFigures;
beforeAll(async () => {
  figures = inventoryFigures(await loadInventory());
});

function promtool(args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('Prometheus rules as code', () => {
  it('pass promtool check rules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stacks-rules-'));
    try {
      writeFileSync(join(dir, 'rules.yml'), renderRules(figures));
      const r = promtool(['check', 'rules', 'rules.yml'], dir);
      expect(r.out).toMatch(/SUCCESS: \d+ rules found/);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pass their promtool unit tests', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stacks-rules-'));
    try {
      writeFileSync(join(dir, 'rules.yml'), renderRules(figures));
      writeFileSync(join(dir, 'rules.test.yml'), renderRuleTests('rules.yml', figures));
      const r = promtool(['test', 'rules', 'rules.test.yml'], dir);
      expect(r.out).toContain('SUCCESS');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the unit tests can fail: a 99.9% objective changes the expected alerts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stacks-rules-'));
    try {
      writeFileSync(join(dir, 'rules.yml'), renderRules({ ...figures, objective: 0.999 }));
      writeFileSync(join(dir, 'rules.test.yml'), renderRuleTests('rules.yml', figures));
      expect(promtool(['test', 'rules', 'rules.test.yml'], dir).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every alert the rules synthesize has a promtool case', () => {
    const rules = renderRules(figures);
    const tests = renderRuleTests('rules.yml', figures);
    const alerts = [...rules.matchAll(/alert: (\w+)/g)].map((m) => m[1]!);
    expect(alerts.length).toBeGreaterThanOrEqual(10);
    for (const a of alerts) expect(tests, a).toContain(`alertname: ${a}`);
  });

  it('the figures come from the data: another objective, fix window and first city change rules and tests together', () => {
    const other: MonitoringFigures = {
      ...figures,
      objective: 0.995,
      fixWindowSeconds: 4 * 3600,
      atRiskSeconds: 3 * 3600,
      fixedInTimeObjective: 0.9,
      exampleCity: 'haidian',
    };
    const dir = mkdtempSync(join(tmpdir(), 'stacks-rules-'));
    try {
      const rules = renderRules(other);
      const tests = renderRuleTests('rules.yml', other);
      expect(rules).toContain('> 14400');
      expect(rules).toContain('< 0.9');
      expect(tests).toContain('city="haidian"');
      expect(tests).not.toContain('xian');
      writeFileSync(join(dir, 'rules.yml'), rules);
      writeFileSync(join(dir, 'rules.test.yml'), tests);
      const r = promtool(['test', 'rules', 'rules.test.yml'], dir);
      expect(r.out).toContain('SUCCESS');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('promtool is the real binary', () => {
    expect(execFileSync('promtool', ['--version'], { encoding: 'utf8' })).toMatch(/promtool, version/);
  });
});
