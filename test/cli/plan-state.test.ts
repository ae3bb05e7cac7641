/**
 * `plan --target openstack` plans against the state apply writes (issue 15 part 5): synth's stack
 * folder and plan's own folder under <state-dir>/plan/openstack name the same local state file (or
 * the same pg schema), and plan's JSON is the same bytes from any working directory.
 *
 * The OpenStack provider cannot be downloaded here, so the real terraform never gets past `init`
 * (test/cli/clouds.test.ts checks that it says so). A stand-in keeps the part of Terraform's
 * contract this is about: the local backend's `path` is taken relative to the working directory
 * (the stack folder), pg's state is keyed by `schema_name`; `apply` records the stack's resources
 * there, `plan -detailed-exitcode` exits 0 when the state it finds holds the same resources and 2
 * when it holds none (or others). It logs which state each command used.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { copyInventory, type InventoryCopy } from '../support/inventory.js';
import { runCli } from '../support/cli.js';

const STANDIN = `#!/bin/sh
[ "$1" = init ] && exit 0
state=$(node -e '
  const d = JSON.parse(require("fs").readFileSync("cdk.tf.json", "utf8")).terraform.backend;
  console.log(d.local ? require("path").resolve(d.local.path) : process.env.STANDIN_PG + "/" + d.pg.schema_name);
')
resources=$(node -e 'console.log(require("crypto").createHash("sha256").update(JSON.stringify(JSON.parse(require("fs").readFileSync("cdk.tf.json", "utf8")).resource)).digest("hex"))')
echo "$1 $(basename "$PWD") $state" >> "$STANDIN_LOG"
case "$1" in
  apply) mkdir -p "$(dirname "$state")"; echo "$resources" > "$state"; exit 0 ;;
  plan)
    if [ -f "$state" ] && [ "$(cat "$state")" = "$resources" ]; then echo "No changes."; exit 0; fi
    echo "Plan: 1 to add, 0 to change, 0 to destroy."
    case " $* " in *" -detailed-exitcode "*) exit 2 ;; esac
    exit 0 ;;
esac
exit 1
`;

let copy: InventoryCopy;
let work: string;
let standin: string;
const log = () => join(work, 'calls.log');

beforeAll(async () => {
  copy = await copyInventory();
  work = await mkdtemp(join(tmpdir(), 'stacks-plan-state-'));
  standin = join(work, 'terraform');
  await writeFile(standin, STANDIN);
  await chmod(standin, 0o755);
});
afterAll(async () => {
  await copy.cleanup();
  await rm(work, { recursive: true, force: true });
});

const env = () => ({ STACKS_TERRAFORM: standin, STANDIN_LOG: log(), STANDIN_PG: join(work, 'pg') });
const calls = (): string[][] =>
  readFileSync(log(), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' '));

async function synthIn(cwd: string, out: string, extra: string[] = []): Promise<void> {
  const r = await runCli(['--inventory', copy.dir, '--state-dir', 'state', 'synth', '-o', out, '--stack', 'cloud-xian', '--skip-checks', ...extra], {
    cwd,
    timeoutMs: 300_000,
  });
  expect(r.code, r.stderr).toBe(0);
}

/** `terraform apply` in a synthesized stack folder, as the cloud team runs it. */
function applyIn(folder: string): void {
  execFileSync(standin, ['apply', '-auto-approve', '-input=false'], { cwd: folder, env: { ...process.env, ...env() } });
}

async function planIn(cwd: string, extra: string[] = []): Promise<{ code: number; stacks: Array<{ stack: string; changes?: boolean; ok: boolean }> }> {
  const r = await runCli(['--inventory', copy.dir, '--state-dir', 'state', '--json', 'plan', '--target', 'openstack', '--detailed-exitcode', ...extra], {
    cwd,
    env: env(),
    timeoutMs: 300_000,
  });
  return { code: r.code, stacks: (JSON.parse(r.stdout) as { stacks: Array<{ stack: string; changes?: boolean; ok: boolean }> }).stacks };
}

const planJson = (cwd: string) => {
  const dir = join(cwd, 'state', 'plan', 'openstack', 'stacks');
  return new Map(readdirSync(dir).map((s) => [s, readFileSync(join(dir, s, 'cdk.tf.json'), 'utf8')]));
};

describe('plan --target openstack uses the state apply writes', () => {
  it('local: what apply wrote from synth’s folder is what plan reads; plan’s JSON is the same bytes from two working directories', async () => {
    const a = join(work, 'a');
    const b = join(work, 'b', 'deeper');
    mkdirSync(a, { recursive: true });
    mkdirSync(b, { recursive: true });
    await synthIn(a, 'out');
    await rm(log(), { force: true });
    applyIn(join(a, 'out', 'stacks', 'cloud-xian'));
    const [apply] = calls();
    expect(apply).toEqual(['apply', 'cloud-xian', resolve(a, 'state', 'tfstate', 'cloud-xian.tfstate')]);

    const planA = await planIn(a);
    expect(planA.code).toBe(2); // the other stacks were never applied
    expect(planA.stacks.length).toBeGreaterThan(20);
    expect(planA.stacks.filter((s) => s.changes === false).map((s) => s.stack)).toEqual(['cloud-xian']);
    const planned = calls().filter(([cmd, stack]) => cmd === 'plan' && stack === 'cloud-xian');
    expect(planned).toEqual([['plan', 'cloud-xian', apply![2]]]);

    // from another working directory the relative --state-dir is that folder's: the same bytes, another (empty) state
    const planB = await planIn(b);
    expect(planB.code).toBe(2);
    expect(planB.stacks.every((s) => s.ok && s.changes === true)).toBe(true);
    const [jsonA, jsonB] = [planJson(a), planJson(b)];
    expect([...jsonB.keys()]).toEqual([...jsonA.keys()]);
    for (const [stack, text] of jsonA) expect(jsonB.get(stack), stack).toBe(text);
    // and plan's folder names the state file synth's folder does
    expect(JSON.parse(jsonA.get('cloud-xian')!).terraform.backend).toEqual({ local: { path: '../../../../tfstate/cloud-xian.tfstate' } });
  }, 900_000);

  it('pg: synth and plan name the same schema, so plan sees what apply stored', async () => {
    const c = join(work, 'c');
    mkdirSync(c, { recursive: true });
    await synthIn(c, 'out', ['--tf-backend', 'pg']);
    await rm(log(), { force: true });
    applyIn(join(c, 'out', 'stacks', 'cloud-xian'));
    expect(calls()).toEqual([['apply', 'cloud-xian', join(work, 'pg', 'stacks_cloud_xian')]]);
    const plan = await planIn(c, ['--tf-backend', 'pg']);
    expect(plan.code).toBe(2);
    expect(plan.stacks.filter((s) => s.changes === false).map((s) => s.stack)).toEqual(['cloud-xian']);
    expect(calls().filter(([cmd, stack]) => cmd === 'plan' && stack === 'cloud-xian')).toEqual([['plan', 'cloud-xian', join(work, 'pg', 'stacks_cloud_xian')]]);
  }, 900_000);
});
