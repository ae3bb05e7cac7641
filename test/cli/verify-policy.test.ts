/**
 * `stacks verify` and `stacks policy` as a user runs them (the built CLI in a child process): exit
 * codes, text/JSON/SARIF output, and broken inventories that fail with the right check and rule IDs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyInventory, type InventoryCopy } from '../support/inventory.js';
import { runCli } from '../support/cli.js';

let copy: InventoryCopy | undefined;
afterEach(async () => {
  await copy?.cleanup();
  copy = undefined;
});

describe('stacks verify', () => {
  it('passes on the default inventory, in text and JSON', async () => {
    const text = await runCli(['verify']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/PASS {2}failure\.single-device \[IPv6\]/);
    // The model's 12 checks first, then the config-level analysis of both dialects' rendered configs.
    expect(text.stdout).toMatch(/PASS {2}config\.vrp\.reach\.exit \[IPv6\]/);
    expect(text.stdout).toContain('verification passed (model+configs)');
    const json = await runCli(['--json', 'verify']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.summary).toMatchObject({ passed: true, target: 'model+configs' });
    expect(report.checks.filter((c: { id: string }) => !c.id.startsWith('config.'))).toHaveLength(12);
    const model = await runCli(['--json', 'verify', '--no-configs']);
    expect(JSON.parse(model.stdout).summary).toMatchObject({ passed: true, target: 'model', checks: 12 });
  });

  it('exits 1 when the tier table single-homes every township', async () => {
    copy = await copyInventory();
    await copy.edit('province.yaml', (doc) => {
      doc.tiers.find((t: { id: string }) => t.id === 'county-township').links = 1;
    });
    const r = await runCli(['--inventory', copy.dir, '--json', 'verify']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const failed = report.checks.filter((c: { passed: boolean }) => !c.passed).map((c: { id: string; family: string }) => `${c.id}/${c.family}`);
    expect(failed.sort()).toEqual(['failure.single-device/ipv4', 'failure.single-device/ipv6', 'failure.single-link/ipv4', 'failure.single-link/ipv6']);
    const links = report.checks.find((c: { id: string }) => c.id === 'failure.single-link').failures;
    expect(links.length).toBe(1768);
    expect(links[0].cutOff).toHaveLength(1);
  });

  it('refuses an unknown target or threshold with exit 2', async () => {
    const t = await runCli(['verify', '--target', 'nowhere']);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/known targets: lab, model/);
    expect((await runCli(['verify', '--max-oversubscription', 'county=x'])).code).toBe(2);
  });

  it('finds the lab target from `stacks verify` alone (its module loads on demand) and names an undeployed lab', async () => {
    const work = await mkdtemp(join(tmpdir(), 'stacks-verify-lab-'));
    try {
      const r = await runCli(['--state-dir', work, 'verify', '--target', 'lab', '--lab', 'nolab']);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/E_LAB_NOT_DEPLOYED: lab nolab is not deployed/);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});

// Only the network pack's rules: other packs (CLD-xxx) have their own tests.
const NET = 'NET-001,NET-002,NET-003,NET-004,NET-005,NET-006,NET-007,NET-008';

describe('stacks policy', () => {
  it('passes on the default inventory', async () => {
    const r = await runCli(['policy', '--rule', NET]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('policy passed: 8 passed, 0 failed');
  });

  it('exits 1 with NET-002 and NET-004 when townships are single-homed, NET-005 for a classified network on the extranet; SARIF names them', async () => {
    copy = await copyInventory();
    await copy.edit('province.yaml', (doc) => {
      doc.tiers.find((t: { id: string }) => t.id === 'county-township').links = 1;
    });
    await copy.edit('private-networks.yaml', (doc) => {
      doc.private_networks.find((p: { id: string }) => p.id === 'public-security-net').target = 'extranet';
    });
    const text = await runCli(['--inventory', copy.dir, 'policy', '--rule', NET]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/FAIL {2}NET-002/);
    expect(text.stdout).toMatch(/FAIL {2}NET-004/);
    expect(text.stdout).toMatch(/FAIL {2}NET-005[\s\S]*private-network:public-security-net/);
    expect(text.stdout).toMatch(/PASS {2}NET-001/);

    const work = await mkdtemp(join(tmpdir(), 'stacks-sarif-'));
    try {
      const out = join(work, 'policy.sarif');
      const r = await runCli(['--inventory', copy.dir, 'policy', '--rule', NET, '--format', 'sarif', '--output', out], { cwd: work });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('policy FAILED');
      const sarif = JSON.parse(await readFile(out, 'utf8'));
      expect(sarif.version).toBe('2.1.0');
      const ids = new Set(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId));
      expect([...ids].sort()).toEqual(['NET-002', 'NET-004', 'NET-005']);
      const net5 = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'NET-005');
      expect(net5.level).toBe('error');
      expect(net5.locations[0].physicalLocation.artifactLocation.uri).toMatch(/private-networks\.yaml$/);
      expect(net5.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('JSON output and an unknown format', async () => {
    const r = await runCli(['--json', 'policy', '--rule', 'NET-004,NET-005']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).rules.map((x: { id: string }) => x.id)).toEqual(['NET-004', 'NET-005']);
    expect((await runCli(['policy', '--format', 'xml'])).code).toBe(2);
    expect((await runCli(['policy', '--rule', 'NET-999'])).code).toBe(2);
  });
});
