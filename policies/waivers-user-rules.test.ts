import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyWaivers, parseWaivers } from './waivers.js';
import { loadUserRules } from './user-rules.js';
import { runPolicies } from './run.js';
import { definePolicy } from './types.js';
import { StacksError } from './../lib/errors.js';

const rule = definePolicy({
  id: 'TST-001',
  title: 't',
  severity: 'hard',
  description: 'd',
  requires: ['inventory'],
  check: () => [
    { resource: 'device:a-r1', message: 'x' },
    { resource: 'device:b-r1', message: 'y' },
  ],
});

describe('waivers', () => {
  const doc = (expires: string) => ({
    waivers: [{ rule: 'TST-001', resources: ['device:a-*'], owner: 'alice', reason: 'management plane arrives with issue 11', expires }],
  });
  it('waive the covered findings until their expiry', () => {
    const report = runPolicies([rule as never], { inventory: {} } as never);
    const w = applyWaivers(report, parseWaivers(doc('2030-01-01'), 'w.yaml'), '2026-12-01');
    expect(w.waived.map((f) => f.resource)).toEqual(['device:a-r1']);
    expect(w.report.rules[0]!.findings.map((f) => f.resource)).toEqual(['device:b-r1']);
    expect(w.applied[0]).toMatchObject({ matched: 1, expired: false });
  });
  it('an expired waiver waives nothing and fails the run', () => {
    const report = runPolicies([{ ...rule, check: () => [{ resource: 'device:a-r1', message: 'x' }] } as never], { inventory: {} } as never);
    const w = applyWaivers(report, parseWaivers(doc('2026-11-30'), 'w.yaml'), '2026-12-01');
    expect(w.expired).toHaveLength(1);
    expect(w.report.summary.passedHard).toBe(false);
    expect(w.report.rules[0]!.findings).toHaveLength(1);
  });
  it('a waiver without owner, reason or a real date is bad input naming the path', () => {
    try {
      parseWaivers({ waivers: [{ rule: 'TST-001', resources: ['x'], reason: 'short', expires: 'soon' }] }, 'w.yaml');
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(StacksError);
      expect((e as StacksError).describe()).toMatch(/w\.yaml: waivers\[0\]\.owner/);
      expect((e as StacksError).exitCode).toBe(2);
    }
  });
});

describe('user rule files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'stacks-rules-'));
    mkdirSync(join(dir, 'policies'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, body: string) => {
    const f = join(dir, 'policies', name);
    writeFileSync(f, body);
    return f;
  };

  it('loads a JS module in the definePolicy shape and runs it over the inputs', async () => {
    const f = write(
      'org.mjs',
      `export default [{ id: 'ORG-001', title: 'every site has a name', severity: 'soft', description: 'names', requires: ['inventory'],
      check: ({ inventory }) => inventory.sites.filter((s) => !s.name).map((s) => ({ resource: 'site:' + s.id, message: 'has no name' })) }];`,
    );
    const u = await loadUserRules([f], ['NET-001']);
    await u.prepare({ inventory: { sites: [{ id: 'a', name: 'A' }, { id: 'b' }] } } as never);
    const report = runPolicies(u.rules, { inventory: {} } as never);
    expect(report.rules[0]).toMatchObject({ id: 'ORG-001', status: 'failed' });
    expect(report.rules[0]!.findings.map((x) => x.resource)).toEqual(['site:b']);
    await u.close();
  });

  it('a rule that throws is a clear error naming the file and the rule', async () => {
    const f = write(
      'throws.mjs',
      `export default { id: 'ORG-002', title: 't', severity: 'hard', description: 'd', requires: ['inventory'], check() { throw new Error('boom'); } };`,
    );
    const u = await loadUserRules([f], []);
    await expect(u.prepare({ inventory: {} } as never)).rejects.toMatchObject({
      code: 'E_RULE_FAILED',
      file: f,
      path: 'rule ORG-002',
      message: 'the rule threw: boom',
      exitCode: 2,
    });
    await u.close();
  });

  it('a rule that never returns is stopped by the timeout (check and import)', async () => {
    const f = write(
      'hangs.mjs',
      `export default { id: 'ORG-003', title: 't', severity: 'hard', description: 'd', requires: ['inventory'], check() { for (;;) {} } };`,
    );
    const u = await loadUserRules([f], [], 2000);
    const t0 = Date.now();
    await expect(u.prepare({ inventory: {} } as never)).rejects.toMatchObject({ code: 'E_RULE_TIMEOUT', exitCode: 2 });
    expect(Date.now() - t0).toBeLessThan(10_000);
    const g = write('hangs-at-import.mjs', `for (;;) {}`);
    await expect(loadUserRules([g], [], 2000)).rejects.toMatchObject({ code: 'E_RULE_TIMEOUT' });
  });

  it('a malformed rule or an id clash is bad input', async () => {
    const f = write('bad.mjs', `export default { id: 'nope', title: 't', severity: 'hard', description: 'd', requires: ['inventory'], check: () => [] };`);
    await expect(loadUserRules([f], [])).rejects.toMatchObject({ code: 'E_RULE_SHAPE' });
    const g = write('clash.mjs', `export default { id: 'NET-001', title: 't', severity: 'hard', description: 'd', requires: ['inventory'], check: () => [] };`);
    await expect(loadUserRules([g], ['NET-001'])).rejects.toThrow(/already defined/);
    const h = write('syntax.mjs', `export default {`);
    await expect(loadUserRules([h], [])).rejects.toMatchObject({ code: 'E_RULE_FAILED' });
  });
});
