/**
 * `stacks policy` reads the waivers file and the user rule files province.yaml names (`policy:`),
 * not the convention's; a named file that is missing is exit 2 naming province.yaml and the path,
 * with nothing run or written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smallInventory, type InventoryCopy } from '../support/inventory.js';
import { runCli } from '../support/cli.js';

let inv: InventoryCopy;
let work: string;
const policy = (args: string[]) => runCli(['--inventory', inv.dir, '--state-dir', join(work, 'state'), ...args], { timeoutMs: 240_000 });
const rule = (id: string) =>
  `export default { id: '${id}', title: 't', severity: 'hard', description: 'd', requires: ['inventory'], check: () => [{ resource: 'site:xian', message: 'demo finding' }] };\n`;
const waiver = (id: string) => `waivers:\n  - { rule: ${id}, resources: ['site:*'], owner: alice, reason: named by province.yaml, expires: 2099-01-01 }\n`;

beforeAll(async () => {
  inv = await smallInventory();
  work = await mkdtemp(join(tmpdir(), 'stacks-policy-files-'));
  // The convention's files: must not be read once province.yaml names others.
  mkdirSync(join(inv.dir, 'policies'));
  writeFileSync(join(inv.dir, 'policies', 'conv.js'), rule('ORG-002'));
  mkdirSync(join(inv.dir, 'org', 'rules'), { recursive: true });
  writeFileSync(join(inv.dir, 'org', 'rules', 'named.mjs'), rule('ORG-001'));
  writeFileSync(join(inv.dir, 'org', 'waivers.yaml'), waiver('ORG-001'));
});
afterAll(async () => {
  await inv.cleanup();
  await rm(work, { recursive: true, force: true });
});

describe('stacks policy: the files province.yaml names', () => {
  it('without `policy:` the convention stands: policies/*.js runs and fails unwaived', async () => {
    const list = await policy(['--json', 'policy', '--pack', 'default', '--list']);
    expect(list.code, list.stderr).toBe(0);
    const ids = (JSON.parse(list.stdout) as Array<{ id: string }>).map((r) => r.id);
    expect(ids).toContain('ORG-002');
    expect(ids).not.toContain('ORG-001');
    const run = await policy(['policy', '--pack', 'default', '--rule', 'ORG-002']);
    expect(run.code, run.stderr).toBe(1);
  }, 300_000);

  it('with `policy:` its rules run and its waivers apply; the convention is not read', async () => {
    await inv.edit('province.yaml', (d) => (d.policy = { waivers: 'org/waivers.yaml', rules: ['org/rules/*.mjs'] }));
    const list = await policy(['--json', 'policy', '--pack', 'default', '--list']);
    expect(list.code, list.stderr).toBe(0);
    const ids = (JSON.parse(list.stdout) as Array<{ id: string }>).map((r) => r.id);
    expect(ids).toContain('ORG-001');
    expect(ids).not.toContain('ORG-002');
    // ORG-001 is hard and finds site:xian: only the named waiver makes this pass.
    const run = await policy(['policy', '--pack', 'default', '--rule', 'ORG-001']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ORG-001/);
  }, 300_000);

  it('a named file that is missing is exit 2 naming province.yaml and the path; nothing is written', async () => {
    await inv.edit('province.yaml', (d) => (d.policy = { waivers: 'org/waiver.yaml', rules: ['org/rules/*.mjs'] }));
    const out = join(work, 'report.json');
    const r = await policy(['policy', '--pack', 'default', '--output', out]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/E_FILE_MISSING: .*province\.yaml: policy\.waivers: names .*org\/waiver\.yaml, which does not exist/);
    expect(existsSync(out)).toBe(false);
  }, 300_000);
});
