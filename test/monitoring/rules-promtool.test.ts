/** The synthesized rules pass the real `promtool check rules` and their `promtool test rules` cases. */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderRules } from '../../monitors/codegen/rules.js';
import { renderRuleTests } from '../../monitors/codegen/rules-tests.js';

function promtool(args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('Prometheus rules as code', () => {
  it('pass promtool check rules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stacks-rules-'));
    try {
      writeFileSync(join(dir, 'rules.yml'), renderRules());
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
      writeFileSync(join(dir, 'rules.yml'), renderRules());
      writeFileSync(join(dir, 'rules.test.yml'), renderRuleTests('rules.yml'));
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
      writeFileSync(join(dir, 'rules.yml'), renderRules({ objective: 0.999 }));
      writeFileSync(join(dir, 'rules.test.yml'), renderRuleTests('rules.yml'));
      expect(promtool(['test', 'rules', 'rules.test.yml'], dir).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('promtool is the real binary', () => {
    expect(execFileSync('promtool', ['--version'], { encoding: 'utf8' })).toMatch(/promtool, version/);
  });
});
