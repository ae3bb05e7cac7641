/**
 * The security verbs end to end through the built CLI (light: no lab, no daemons): audit verify
 * names the first bad record (exit 1), secrets rotate re-seals and is audited, a throwing or
 * hanging user rule is bad input (exit 2) with nothing written, an expired waiver fails the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../support/cli.js';
import { DEFAULT_INVENTORY_DIR } from '../../inventory/load.js';
import { ensureSecrets } from '../../lab/secrets.js';

let dir: string;
let state: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stacks-sec-cli-'));
  state = join(dir, 'state');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stacks audit / secrets / policy (security)', () => {
  it('secrets rotate re-seals the lab secrets, every step is audited, and verify catches an edit', async () => {
    const file = join(state, 'lab', 'lab', 'secrets.json');
    const before = await ensureSecrets(file, true);
    const r = await runCli(['--state-dir', state, '--operator', 'alice', '--json', 'secrets', 'rotate']);
    expect(r.code, r.stderr).toBe(0);
    const raw = readFileSync(file, 'utf8');
    for (const v of [before.snmp.authKey, before.snmp.privKey]) expect(raw + r.stdout + r.stderr).not.toContain(v);
    const log = JSON.parse((await runCli(['--state-dir', state, '--json', 'audit', 'log', '--action', 'secrets.*'])).stdout) as Array<{
      operator: string;
      detail: { kind: string };
    }>;
    expect(log.map((x) => x.detail.kind)).toEqual(['snmp', 'seal', 'audit']);
    expect(log.every((x) => x.operator === 'alice')).toBe(true);
    expect((await runCli(['--state-dir', state, 'audit', 'verify', '--all-signatures'])).code).toBe(0);
    const db = new Database(join(state, 'audit', 'audit.sqlite'));
    db.prepare(`UPDATE audit_log SET operator = 'mallory' WHERE seq = 2`).run();
    db.close();
    const v = await runCli(['--state-dir', state, 'audit', 'verify']);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/BROKEN at record 2: was changed/);
  }, 120_000);

  it('a user rule that throws or hangs is a clear error (exit 2) and writes nothing; an expired waiver exits 1', async () => {
    const inv = join(dir, 'inventory');
    cpSync(DEFAULT_INVENTORY_DIR, inv, { recursive: true });
    mkdirSync(join(inv, 'policies'));
    const out = join(dir, 'report.json');
    writeFileSync(
      join(inv, 'policies', 'boom.mjs'),
      `export default { id: 'ORG-001', title: 't', severity: 'hard', description: 'd', requires: ['inventory'], check() { throw new Error('boom'); } };`,
    );
    const a = await runCli(['-i', inv, '--state-dir', state, 'policy', '--output', out]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/E_RULE_FAILED: .*boom\.mjs: rule ORG-001: the rule threw: boom/);
    expect(existsSync(out)).toBe(false);
    writeFileSync(
      join(inv, 'policies', 'boom.mjs'),
      `export default { id: 'ORG-001', title: 't', severity: 'hard', description: 'd', requires: ['inventory'], check() { for (;;) {} } };`,
    );
    const b = await runCli(['-i', inv, '--state-dir', state, 'policy', '--rule-timeout', '3', '--output', out]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/E_RULE_TIMEOUT/);
    expect(existsSync(out)).toBe(false);
    writeFileSync(
      join(inv, 'policies', 'boom.mjs'),
      `export default { id: 'ORG-001', title: 'no site called test', severity: 'hard', description: 'd', requires: ['inventory'], check: () => [{ resource: 'site:xian', message: 'demo finding' }] };`,
    );
    writeFileSync(
      join(inv, 'waivers.yaml'),
      `waivers:\n  - rule: ORG-001\n    resources: ['site:xian']\n    owner: alice\n    reason: demonstration of an expired waiver\n    expires: 2020-01-01\n`,
    );
    const c = await runCli(['-i', inv, '--state-dir', state, 'policy', '--pack', 'default']);
    expect(c.code).toBe(1);
    expect(c.stdout).toMatch(/EXPIRED waiver for ORG-001/);
    writeFileSync(
      join(inv, 'waivers.yaml'),
      `waivers:\n  - rule: ORG-001\n    resources: ['site:*']\n    owner: alice\n    reason: demonstration of a valid waiver\n    expires: 2099-01-01\n`,
    );
    // Without --pack: the design and 等保 packs, which the default province passes.
    const d = await runCli(['-i', inv, '--state-dir', state, '--json', 'policy']);
    expect(d.code, d.stderr).toBe(0);
    expect((JSON.parse(d.stdout) as { rules: Array<{ id: string }> }).rules.map((r) => r.id)).toEqual(
      expect.arrayContaining(['NET-001', 'MLPS-001', 'MLPS-013']),
    );
    const log = JSON.parse((await runCli(['--state-dir', state, '--json', 'audit', 'log', '--action', 'policy.waiver'])).stdout) as Array<{
      result: string;
      detail: { owner: string };
    }>;
    expect(log.map((x) => x.result)).toEqual(['expired', 'applied']);
  }, 300_000);
});
