/**
 * `stacks verify --syntax` and `stacks verify --target lab --compare` as a user runs them (the built
 * CLI): the province's 2,052 FRR configs through vtysh --dryrun, and the usage and state errors of
 * --compare (the comparison itself runs against a real lab in test/lab/routing.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

describe('stacks verify --syntax', () => {
  it("passes every rendered FRR config through FRR's own parser", { timeout: 240_000 }, async () => {
    const r = await runCli(['--json', 'verify', '--syntax'], { timeoutMs: 230_000 });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toMatchObject({ passed: true, target: 'frr-syntax', checks: 1, devices: 2052 });
    expect(report.checks[0]).toMatchObject({ id: 'config.frr.syntax', passed: true, failures: [], details: { files: 2052, rejected: 0 } });
    const text = await runCli(['verify', '--syntax'], { timeoutMs: 230_000 });
    expect(text.stdout).toMatch(/PASS {2}config\.frr\.syntax: .*\n\s+2052\/2052 files accepted by vtysh/);
  });
});

describe('stacks verify --compare', () => {
  it('needs a running target: with the model it is bad usage (exit 2)', async () => {
    const r = await runCli(['verify', '--compare']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--compare needs a running target');
  });

  it('on a lab that is not deployed: a runtime error naming the lab (exit 3), JSON too', async () => {
    const state = await mkdtemp(join(tmpdir(), 'stx-compare-cli-'));
    try {
      const r = await runCli(['--state-dir', state, '--json', 'verify', '--target', 'lab', '--compare', '--lab', 'dnone']);
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'E_LAB_NOT_DEPLOYED', message: 'lab dnone is not deployed' });
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  });
});
