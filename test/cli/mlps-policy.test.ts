/**
 * `stacks policy --pack mlps` end to end through the built CLI over a synth output (small
 * inventory: one county per city, every stack): the province passes, the compliance report is
 * written per clause and per site (Markdown + JSON) and the SARIF names its rules' help; a config
 * edited in the tree (FRR and VRP) and an open security group in the Terraform JSON fail their
 * rules, located at the edited file; a synth output that does not match the inventory is bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smallInventory, type InventoryCopy } from '../support/inventory.js';
import { runCli } from '../support/cli.js';

let inv: InventoryCopy;
let work: string;
let out: string;
const policy = (args: string[]) =>
  runCli(['--inventory', inv.dir, '--state-dir', join(work, 'state'), 'policy', '--pack', 'mlps', '--synth-dir', out, ...args]);

interface Sarif {
  runs: Array<{
    tool: { driver: { informationUri: string; rules: Array<{ id: string; helpUri?: string }> } };
    results: Array<{ ruleId: string; locations?: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
  }>;
}
interface Compliance {
  clauses: Array<{ clause: string; status: string }>;
  sites: Array<{ site: string; failingObjects: number }>;
}

beforeAll(async () => {
  inv = await smallInventory();
  work = await mkdtemp(join(tmpdir(), 'stacks-mlps-cli-'));
  out = join(work, 'out');
  const s = await runCli(['--inventory', inv.dir, '--state-dir', join(work, 'state'), '--json', 'synth', '--skip-checks', '--output', out], {
    timeoutMs: 240_000,
  });
  expect(s.code, s.stderr).toBe(0);
}, 300_000);
afterAll(async () => {
  await inv.cleanup();
  await rm(work, { recursive: true, force: true });
});

describe('stacks policy --pack mlps', () => {
  it('the province passes; the report (Markdown + JSON) per clause and per site, SARIF with informationUri and helpUri', async () => {
    const report = join(work, 'report');
    const sarifFile = join(work, 'mlps.sarif');
    const r = await policy(['--format', 'sarif', '--output', sarifFile, '--report', report]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as Sarif;
    const run = sarif.runs[0]!;
    expect(run.tool.driver.informationUri).toContain('22239');
    expect(run.tool.driver.rules.map((x) => x.id)).toEqual(Array.from({ length: 13 }, (_, i) => `MLPS-${String(i + 1).padStart(3, '0')}`));
    expect(run.tool.driver.rules.every((x) => /RULES\.md#mlps-\d{3}$/.test(x.helpUri ?? ''))).toBe(true);
    expect(run.results).toEqual([]);
    const c = JSON.parse(readFileSync(join(report, 'compliance.json'), 'utf8')) as Compliance;
    expect(c.clauses.length).toBeGreaterThan(5);
    expect(c.clauses.every((x) => x.status === 'conforms')).toBe(true);
    expect(c.sites.some((s) => s.site.startsWith('cloud:'))).toBe(true);
    expect(c.sites.every((s) => s.failingObjects === 0)).toBe(true);
    const md = readFileSync(join(report, 'compliance.md'), 'utf8');
    expect(md).toMatch(/## Per clause/);
    expect(md).toMatch(/8\.1\.4\.3 b\)/);
    const m = await policy(['--format', 'markdown']);
    expect(m.code).toBe(0);
    expect(m.stdout).toBe(md);
  }, 180_000);

  it('an FRR config without the command log, a VRP config without NTP and an open security group fail their rules, at the edited files', async () => {
    const configs = join(out, 'stacks', 'backbone', 'configs');
    const frrName = readdirSync(join(configs, 'frr')).sort()[0]!;
    const vrpName = readdirSync(join(configs, 'vrp')).sort()[0]!;
    const frr = join(configs, 'frr', frrName);
    const vrp = join(configs, 'vrp', vrpName);
    writeFileSync(frr, readFileSync(frr, 'utf8').replace('log commands\n', ''));
    writeFileSync(vrp, readFileSync(vrp, 'utf8').replace(/^ntp-service unicast-server .*\n/gm, ''));
    const stack = readdirSync(join(out, 'stacks')).find((s) => /cloud/.test(s) && existsSync(join(out, 'stacks', s, 'cdk.tf.json')))!;
    const tfFile = join(out, 'stacks', stack, 'cdk.tf.json');
    const tf = JSON.parse(readFileSync(tfFile, 'utf8')) as { resource: Record<string, Record<string, unknown>> };
    (tf.resource.openstack_networking_secgroup_rule_v2 ??= {}).any_in = {
      direction: 'ingress',
      ethertype: 'IPv4',
      remote_ip_prefix: '0.0.0.0/0',
      security_group_id: 'x',
    };
    writeFileSync(tfFile, JSON.stringify(tf));
    const report = join(work, 'report-bad');
    const r = await policy(['--format', 'sarif', '--report', report]);
    expect(r.code, r.stderr).toBe(1);
    const results = (JSON.parse(r.stdout) as Sarif).runs[0]!.results;
    const at = (id: string) => results.filter((x) => x.ruleId === id).map((x) => x.locations?.[0]?.physicalLocation.artifactLocation.uri);
    expect(at('MLPS-011')).toEqual([expect.stringContaining(`configs/frr/${frrName}`)]);
    expect(at('MLPS-008')).toEqual([expect.stringContaining(`configs/vrp/${vrpName}`)]);
    expect(results.filter((x) => x.ruleId === 'MLPS-012')).toHaveLength(1);
    expect(new Set(results.map((x) => x.ruleId))).toEqual(new Set(['MLPS-008', 'MLPS-011', 'MLPS-012']));
    const c = JSON.parse(readFileSync(join(report, 'compliance.json'), 'utf8')) as Compliance;
    expect(c.clauses.find((x) => x.clause === '8.1.4.3 b)')!.status).toBe('does not conform');
    expect(c.clauses.find((x) => x.clause === '8.1.3.2 a)')!.status).toBe('does not conform');
    expect(c.sites.find((s) => s.site === `cloud:${stack}`)!.failingObjects).toBeGreaterThan(0);
  }, 180_000);

  it('a synth output that lacks a device is bad input (exit 2), naming the file, nothing written', async () => {
    const configs = join(out, 'stacks', 'backbone', 'configs', 'vrp');
    const victim = readdirSync(configs).sort()[1]!;
    await rm(join(configs, victim));
    const report = join(work, 'report-none');
    const r = await policy(['--report', report]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(victim);
    expect(existsSync(report)).toBe(false);
  }, 120_000);
});
