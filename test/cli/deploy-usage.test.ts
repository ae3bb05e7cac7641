/**
 * `stacks deploy`/`drift` refuse bad usage before touching anything: exit 2, the flag or file named;
 * every command that takes `--target` names the registered targets (targets/registry.ts) when given
 * one nobody registered.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { targetNames } from '../../targets/registry.js';

describe('deploy and drift usage', () => {
  it('refuses an unknown target, listing the registered ones', async () => {
    const r = await runCli(['deploy', '--target', 'nowhere', '--auto-approve']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown target "nowhere"/);
    expect(r.stderr).toMatch(/lab, ssh/);
  });

  it('every command taking --target refuses an unknown one (exit 2), listing what the registry holds, and deploys nothing', async () => {
    const work = mkdtempSync(join(tmpdir(), 'stx-target-usage-'));
    const listed = new RegExp(targetNames().join(', (?:[a-z]+, )*'));
    try {
      for (const args of [
        ['plan', '--target', 'nowhere'],
        ['verify', '--target', 'nowhere'],
        ['destroy', '--target', 'nowhere', '--auto-approve'],
        ['drift', '--target', 'nowhere'],
        ['dr', 'drill', '--scenario', 'production-loss', '--target', 'nowhere'],
      ]) {
        const r = await runCli(['--state-dir', work, ...args]);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
        expect(r.stderr, args.join(' ')).toMatch(/"nowhere"/);
        expect(r.stderr, args.join(' ')).toMatch(listed);
        expect(r.stdout, args.join(' ')).toBe('');
      }
      // a refused drill is still recorded in the audit trail; nothing else is written
      expect(readdirSync(work).filter((f) => f !== 'audit')).toEqual([]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
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
