/**
 * `plan --target openstack --detailed-exitcode`: terraform's exit codes per stack (0 no changes,
 * 2 changes, 1 an error) folded into one. The OpenStack provider cannot be downloaded on this
 * machine, so the real terraform never reaches `plan` here (test/cli/clouds.test.ts checks that it
 * says so); a stand-in binary keeps terraform's documented contract instead — without
 * -detailed-exitcode a plan with changes exits 0, with it 2; an error is 1 either way — and logs
 * the arguments it was given, so the test sees the flag reach every stack's plan.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { planOpenstack, type StackPlanResult } from './terraform-plan.js';

let work: string;
let terraform: string;
const callLog = () => join(work, 'calls.log');

// STANDIN_CHANGED: the stack whose plan has changes; STANDIN_FAIL: "init:<stack>" or "plan:<stack>" fails.
const STANDIN = `#!/bin/sh
stack=$(basename "$PWD")
echo "$stack $*" >> "$STANDIN_LOG"
case "$1" in
  init) [ "$STANDIN_FAIL" = "init:$stack" ] && { echo "Error: init failed" >&2; exit 1; }; exit 0 ;;
  plan)
    [ "$STANDIN_FAIL" = "plan:$stack" ] && { echo "Error: plan failed" >&2; exit 1; }
    if [ "$STANDIN_CHANGED" = "$stack" ]; then
      echo "Plan: 1 to add, 0 to change, 0 to destroy."
      case " $* " in *" -detailed-exitcode "*) exit 2 ;; esac
    else echo "No changes."; fi
    exit 0 ;;
esac
exit 1
`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'stacks-tfplan-'));
  terraform = join(work, 'terraform');
  await writeFile(terraform, STANDIN);
  await chmod(terraform, 0o755);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(work, { recursive: true, force: true });
});

interface PlanJson {
  ok: boolean;
  stacks: StackPlanResult[];
}

/** One plan run as the CLI does it (JSON on stdout), with the stand-in told what to answer. */
async function plan(
  detailedExitcode: boolean,
  answer: { changed?: string; fail?: string } = {},
  only?: string[],
): Promise<{ code: number; out: PlanJson; calls: string[] }> {
  await rm(callLog(), { force: true });
  vi.stubEnv('STANDIN_LOG', callLog());
  vi.stubEnv('STANDIN_CHANGED', answer.changed ?? '');
  vi.stubEnv('STANDIN_FAIL', answer.fail ?? '');
  let stdout = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  try {
    const g = { inventory: DEFAULT_INVENTORY_DIR, stateDir: join(work, 'state'), json: true, verbose: false };
    const code = await planOpenstack(g, { binary: terraform, detailedExitcode, stacks: only });
    const calls = (await readFile(callLog(), 'utf8')).trim().split('\n');
    return { code, out: JSON.parse(stdout) as PlanJson, calls };
  } finally {
    write.mockRestore();
  }
}

describe('plan --target openstack --detailed-exitcode', () => {
  let stacks: string[] = [];
  // after the first run over every stack, two of them are enough (each run synthesizes what it plans)
  let two: string[] = [];

  it('0 when no stack changes, and every plan got -detailed-exitcode', { timeout: 120_000 }, async () => {
    const r = await plan(true);
    expect(r.code).toBe(0);
    stacks = r.out.stacks.map((s) => s.stack);
    expect(stacks.length).toBeGreaterThan(1);
    const plans = r.calls.filter((c) => / plan /.test(c));
    expect(plans).toHaveLength(stacks.length);
    expect(plans.every((c) => c.includes('-detailed-exitcode'))).toBe(true);
    expect(r.out.stacks.every((s) => s.ok && s.changes === false)).toBe(true);
    two = [stacks[0]!, stacks[stacks.length - 1]!];
  });

  it('2 when one stack changes; 0 for the same plan without the flag', { timeout: 120_000 }, async () => {
    const changed = two[1]!;
    const r = await plan(true, { changed }, two);
    expect(r.code).toBe(2);
    expect(r.out.ok).toBe(true);
    expect(r.out.stacks.filter((s) => s.changes).map((s) => s.stack)).toEqual([changed]);
    const plain = await plan(false, { changed }, two);
    expect(plain.code).toBe(0);
    expect(plain.calls.some((c) => c.includes('-detailed-exitcode'))).toBe(false);
  });

  it('1 when a plan or an init fails, even beside a stack with changes (3 without the flag)', { timeout: 120_000 }, async () => {
    const [first, second] = two as [string, string];
    const failedPlan = await plan(true, { changed: first, fail: `plan:${second}` }, two);
    expect(failedPlan.code).toBe(1);
    expect(failedPlan.out.stacks.find((s) => s.stack === second)).toMatchObject({ ok: false, step: 'plan', exitCode: 1 });
    expect((await plan(true, { fail: `init:${first}` }, two)).code).toBe(1);
    expect((await plan(false, { fail: `plan:${second}` }, two)).code).toBe(3);
  });
});
