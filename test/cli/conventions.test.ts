/** The CLI conventions people know from Terraform, checked on the built CLI. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, runCli } from '../support/cli.js';
import { copyInventory, type InventoryCopy } from '../support/inventory.js';

let work: string;
let inv: InventoryCopy;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'stacks-conv-'));
  inv = await copyInventory();
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await inv.cleanup();
});

describe('CLI conventions', () => {
  it('--version prints the version (JSON under --json)', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^stacks v\d+\.\d+\.\d+\n/);
    const j = await runCli(['--json', '--version']);
    expect(JSON.parse(j.stdout).stacks).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('completion bash|zsh prints a script the shell accepts, listing the verbs', async () => {
    const r = await runCli(['completion', 'bash']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/complete -o default -F _stacks_complete stacks/);
    expect(r.stdout).toContain('"plan") opts="');
    expect(r.stdout).toContain('--detailed-exitcode');
    expect(spawnSync('bash', ['-n'], { input: r.stdout }).status).toBe(0);
    const z = await runCli(['completion', 'zsh']);
    expect(z.stdout).toMatch(/^#compdef stacks/);
    expect((await runCli(['completion', 'fish'])).code).toBe(2);
  });

  it('usage errors are JSON on stdout under --json, exit 2', async () => {
    const r = await runCli(['--json', 'synth', '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'E_USAGE', kind: 'input' });
    const verb = await runCli(['--json', 'no-such-verb']);
    expect(verb.code).toBe(2);
    expect(JSON.parse(verb.stdout).error.code).toBe('E_USAGE');
  });

  it('a closed stdout (piped into a reader that left) ends quietly', () => {
    const r = spawnSync('bash', ['-c', `node ${join(REPO, 'bin', 'stacks.js')} dr drill --help | true; echo "rc=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|at /);
    expect(r.stdout.trim()).toBe('rc=0');
  });

  it('plan --detailed-exitcode: 2 with changes, 0 without, 1 on an error', async () => {
    const state = join(work, 'state');
    const base = ['--inventory', inv.dir, '--state-dir', state, 'plan'];
    expect((await runCli([...base, '--detailed-exitcode'])).code).toBe(2); // no baseline: everything is new
    expect((await runCli([...base, '--accept'])).code).toBe(0);
    expect((await runCli([...base, '--detailed-exitcode'])).code).toBe(0);
    // accepting is not "changes pending": 0 once accepted, with what was accepted in the output
    const fresh = ['--inventory', inv.dir, '--state-dir', join(work, 'state-accept'), '--json', 'plan'];
    const accepted = await runCli([...fresh, '--accept', '--detailed-exitcode']);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(JSON.parse(accepted.stdout)).toMatchObject({ accepted: true, summary: { unchanged: false } });
    expect((await runCli([...fresh, '--detailed-exitcode'])).code).toBe(0);
    // the acceptance is one audit record: the baseline, the operator, the diff's hash and its size
    const accepts = JSON.parse(
      (await runCli(['--state-dir', join(work, 'state-accept'), '--json', 'audit', 'log', '--action', 'plan.accept'])).stdout,
    ) as Array<{ objects: string[]; result: string; inputHash: string; detail: { devices: { added: number } } }>;
    expect(accepts).toHaveLength(1);
    expect(accepts[0]).toMatchObject({ result: 'ok', inputHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(accepts[0]!.objects[0]).toBe('baseline:model');
    expect(accepts[0]!.objects.length).toBeGreaterThan(1);
    // --accept is the model's: on a target plan it is a usage error (1 under --detailed-exitcode)
    const labAccept = await runCli([...fresh, '--accept', '--target', 'lab']);
    expect(labAccept.code).toBe(2);
    expect(JSON.parse(labAccept.stdout).error).toMatchObject({ code: 'E_USAGE', path: '--accept' });
    expect((await runCli([...fresh, '--accept', '--target', 'lab', '--detailed-exitcode'])).code).toBe(1);
    expect((await runCli([...base, '--detailed-exitcode', '--target', 'nowhere'])).code).toBe(1);
    // every target plan supports: a lab not deployed has every device to create
    const lab = [...base, '--target', 'lab', '--lab', 'cnone'];
    const labPlan = await runCli([...lab, '--detailed-exitcode']);
    expect(labPlan.code, labPlan.stderr).toBe(2);
    expect(labPlan.stdout).toMatch(/lab cnone: \d+ to create, 0 to update, 0 to remove, 0 unchanged/);
    expect((await runCli(lab)).code).toBe(0);
    // a usage error or a scope that names nothing is 1 as well (2 would read as "changes")
    expect((await runCli([...base, '--detailed-exitcode', '--no-such-flag'])).code).toBe(1);
    expect((await runCli([...base, '--no-such-flag'])).code).toBe(2);
    const badScope = await runCli([...lab, '--detailed-exitcode', '--scope', 'cities=nowhere']);
    expect(badScope.code, badScope.stderr).toBe(1);
    expect(badScope.stderr).toMatch(/nowhere/);
    // ssh: the routers of routers.yaml the target never deployed to are to create; when province.yaml
    // names no routers file an error naming files.routers
    const ssh = [...base, '--target', 'ssh', '--detailed-exitcode'];
    const noRouters = await runCli(ssh);
    expect(noRouters.code, noRouters.stderr).toBe(1);
    expect(noRouters.stderr).toMatch(/files\.routers: .*names no routers file/);
    const province = await readFile(join(inv.dir, 'province.yaml'), 'utf8');
    await writeFile(join(inv.dir, 'province.yaml'), province.replace(/^files:\n/m, 'files:\n  routers: routers.yaml\n'));
    await writeFile(join(inv.dir, 'routers.yaml'), 'routers:\n  - { device: xian.xincheng.t01-r1, address: 127.0.0.1, platform: frr }\n');
    try {
      const sshPlan = await runCli(ssh);
      expect(sshPlan.code, sshPlan.stderr).toBe(2);
      expect(sshPlan.stdout).toMatch(/ssh lab: 1 to create, 0 to update, 0 unchanged/);
    } finally {
      await writeFile(join(inv.dir, 'province.yaml'), province);
      await rm(join(inv.dir, 'routers.yaml'));
    }
    // openstack: an error (here: no terraform) is 1 under --detailed-exitcode, 3 without
    const env = { STACKS_TERRAFORM: join(work, 'no-such-terraform') };
    expect((await runCli([...base, '--target', 'openstack', '--detailed-exitcode'], { env })).code).toBe(1);
    expect((await runCli([...base, '--target', 'openstack'], { env })).code).toBe(3);
  }, 180_000);

  it('ipam next checks lengths per family', async () => {
    const v4 = await runCli(['ipam', 'next', '--in', 'xian.yanta', '--length', '56']);
    expect(v4.code).toBe(2);
    expect(v4.stderr).toMatch(/--length: \/56 is not an IPv4 prefix length/);
    const v6 = await runCli(['--json', 'ipam', 'next', '--in', 'xian.yanta', '--length', '56', '--family', 'ipv6']);
    expect(v6.code, v6.stderr).toBe(0);
    expect(JSON.parse(v6.stdout).prefix).toMatch(/::\/56$/);
  });

  it('kpi without its plan-indicators file: exit 2 naming it, no stack trace', async () => {
    const broken = await copyInventory();
    try {
      await rm(join(broken.dir, 'plan-indicators.json'));
      const r = await runCli(['--inventory', broken.dir, 'kpi']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/E_FILE_MISSING: .*files\.plan_indicators: names .*plan-indicators\.json, which does not exist/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await broken.cleanup();
    }
  }, 60_000);
});
