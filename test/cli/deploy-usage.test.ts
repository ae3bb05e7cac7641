/** `stacks deploy`/`drift` refuse bad usage before touching anything: exit 2, the flag or file named. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

describe('deploy and drift usage', () => {
  it('refuses an unknown target, listing the registered ones', async () => {
    const r = await runCli(['deploy', '--target', 'nowhere', '--auto-approve']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown target "nowhere"/);
    expect(r.stderr).toMatch(/lab, ssh/);
  });

  it('refuses a staged rollout outside a transaction, and an unknown staging', async () => {
    const a = await runCli(['deploy', '--canary', '2', '--auto-approve']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--canary/);
    expect(a.stderr).toMatch(/--atomic/);
    const b = await runCli(['deploy', '--atomic', '--stage-by', 'city', '--auto-approve']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--stage-by/);
  });

  it('drift on the ssh target when province.yaml names no routers file says so', async () => {
    const work = mkdtempSync(join(tmpdir(), 'stx-drift-usage-'));
    try {
      const r = await runCli(['--state-dir', work, 'drift', '--target', 'ssh']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/province\.yaml: files\.routers: .*names no routers file/);
      expect(r.stderr).toMatch(/routers: routers\.yaml/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
