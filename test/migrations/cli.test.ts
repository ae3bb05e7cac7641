/**
 * `stacks migrate` as a user runs it: bad input names the file and row (exit 2, nothing written);
 * a good plan is exported; the NOC metrics read it.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { runCli } from '../support/cli.js';
import { registerMigrationMetrics } from '../../migrations/metrics.js';

const row = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  department: 'finance',
  level: 'province',
  classification: 'internal',
  location: { kind: 'department-room', site: 'dept.finance' },
  data_gib: 10,
  protection_class: 'p2',
  ...over,
});

describe('stacks migrate (CLI)', () => {
  it('rejects a bad systems row with file and path, exit 2, and writes no plan', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stacks-migcli-'));
    const bad = join(dir, 'systems.yaml');
    await writeFile(bad, JSON.stringify({ systems: [row('finance-1'), row('finance-2', { data_gib: 'lots' }), row('finance-3', { depends_on: ['ghost'] })] }));
    const r = await runCli(['--state-dir', join(dir, 'state'), 'migrate', 'plan', '--systems', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}: systems[1].data_gib`);
    expect(r.stderr).toContain(`${bad}: systems[2].depends_on[0]`);
    expect(existsSync(join(dir, 'state', 'migrations', 'plan.json'))).toBe(false);
    const usage = await runCli(['--state-dir', join(dir, 'state'), 'migrate', 'plan', '--per-wave', '0']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--per-wave/);
  });

  it('plans the default province, exports JSON with waves and retained systems, and feeds the metrics', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stacks-migcli-'));
    const state = join(dir, 'state');
    const r = await runCli(['--state-dir', state, '--json', 'migrate', 'plan', '--out', join(dir, 'plan.json')]);
    // the sample keeps special-hardware systems off the clouds and has classified systems calling
    // extranet-bound platforms: the plan is exported, and says so with exit 1
    expect(r.code, r.stderr).toBe(1);
    const plan = JSON.parse(r.stdout);
    expect(plan.deadline).toMatchObject({ met: false, waves_on_time: true });
    expect(plan.findings.some((f: { rule: string; severity: string }) => f.rule === 'classified-calls-extranet' && f.severity === 'error')).toBe(true);
    expect(plan.source.generated).toEqual({ seed: 20220630, count: 1200 });
    expect(plan.waves.length).toBeGreaterThan(5);
    expect(plan.waves[0].systems[0]).toEqual(
      expect.objectContaining({ id: expect.any(String), strategy: expect.any(String), target_cloud: expect.any(String) }),
    );
    expect(plan.retained.find((x: { classified: boolean }) => x.classified).reason).toMatch(/classified/);
    expect(existsSync(join(dir, 'plan.json'))).toBe(true);

    const registry = new Registry();
    registerMigrationMetrics(registry, { stateDir: state });
    const text = await registry.metrics();
    expect(text).toMatch(/stacks_migration_systems\{wave="1",state="planned"\} \d+/);
    expect(text).toMatch(/stacks_migration_cloud_share_ratio 0\n/);
    expect(text).toMatch(/stacks_migration_cloud_share_target_ratio 1/);

    const wrongWave = await runCli(['--state-dir', state, 'migrate', 'run', '--wave', '999', '--runbook', join(dir, 'missing.yaml')]);
    expect(wrongWave.code).toBe(2);
  });
});
