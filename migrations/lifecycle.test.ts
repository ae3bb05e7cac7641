import { describe, expect, it } from 'vitest';
import { RUNBOOKS, runbookFor, STEP_NAMES, progressOf } from './lifecycle.js';
import { STEP_IMPL } from './step-registry.js';
import { runbookSchema } from './runbook.js';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';

describe('runbooks per strategy', () => {
  it('gives each strategy its own runbook, a database its logical replication', () => {
    expect(runbookFor('rehost', false)).toBe('rehost');
    expect(runbookFor('refactor', false)).toBe('rehost');
    expect(runbookFor('relocate', false)).toBe('relocate');
    expect(runbookFor('replatform', false)).toBe('replatform');
    expect(runbookFor('rehost', true)).toBe('database');
    expect(runbookFor('repurchase', false)).toBe('decommission');
    expect(runbookFor('retire', false)).toBe('decommission');
    expect(runbookFor('retain', false)).toBe('retain');
    const steps = (k: keyof typeof RUNBOOKS) => RUNBOOKS[k].map((s) => s.step);
    expect(steps('rehost')).toEqual([
      'precheck',
      'initial-sync',
      'test-launch',
      'sync',
      'freeze',
      'final-sync',
      'verify-copy',
      'start-target',
      'health',
      'switch-name',
      'verify',
      'finalize',
    ]);
    expect(steps('relocate')).not.toContain('test-launch');
    expect(steps('replatform')).toContain('container-spec');
    expect(steps('database')).toEqual(expect.arrayContaining(['pg-subscribe', 'pg-freeze', 'pg-drain', 'switch-name']));
    expect(steps('decommission')).toEqual(['archive', 'verify-archive', 'decommission', 'remove-name', 'finalize-decommission']);
    // a test launch comes before "ready for cutover"; the name switch only after the freeze
    const rehost = RUNBOOKS.rehost;
    expect(rehost.findIndex((s) => s.step === 'test-launch')).toBeLessThan(rehost.findIndex((s) => s.after === 'ready-for-cutover'));
    expect(rehost.findIndex((s) => s.step === 'freeze')).toBeLessThan(rehost.findIndex((s) => s.step === 'switch-name'));
  });

  it('implements every step of every runbook, and progress runs from planned to finalized', () => {
    for (const name of STEP_NAMES) expect(typeof STEP_IMPL[name], name).toBe('function');
    for (const rb of Object.values(RUNBOOKS)) expect(rb.at(-1)!.after).toBe('finalized');
    expect(progressOf('planned')).toBe(0);
    expect(progressOf('finalized')).toBe(1);
    expect(progressOf('testing')).toBeGreaterThan(progressOf('replicating'));
  });

  it('the example runbook is valid', () => {
    const rb = runbookSchema.parse(parse(readFileSync(new URL('./runbook.example.yaml', import.meta.url), 'utf8')));
    expect(rb.names.zone).toBe('gov.sn.cn');
    expect(rb.replication.min_rounds).toBeGreaterThan(0);
  });
});
