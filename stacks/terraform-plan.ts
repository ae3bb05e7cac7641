/**
 * `stacks plan --target openstack`: synthesize the cloud and DR stacks into the state folder and run
 * `tofu` (preferred) or `terraform` `init` + `plan` in each. Says plainly when no binary is
 * installed, and when `init` cannot download the OpenStack provider (no network): both are
 * runtime failures (exit 3), never a silent success.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import { App } from 'cdktn';
import { emit, type GlobalOptions } from '../cli/context.js';
import { loadInventory } from '../inventory/load.js';
import { EXIT } from '../lib/errors.js';
import { buildTopology } from '../network/topology.js';
import { rm } from 'node:fs/promises';
import { makeStaging, swapIn } from '../lib/files.js';
import { keepTerraformFiles } from './terraform-files.js';
import { backendFrom } from './cloud/backend-choice.js';
import { loadTerraformBuilders } from './terraform-builders.js';
import { cloudStacks } from './cloud/index.js';

export interface OpenstackPlanOptions {
  /** A binary to use instead of looking for tofu/terraform on PATH. */
  binary?: string;
  /** Only these stacks (names as in cdktf.out/stacks/). */
  stacks?: string[];
  /** Per command timeout, ms. */
  timeoutMs?: number;
  /** Terraform's -detailed-exitcode, for every stack: 0 none changes, 2 one does, 1 an error. */
  detailedExitcode?: boolean;
  [key: string]: unknown;
}

export interface StackPlanResult {
  stack: string;
  step: 'init' | 'plan';
  ok: boolean;
  exitCode: number;
  /** The plan has changes (known only with --detailed-exitcode: terraform's exit 2). */
  changes?: boolean;
  /** What went wrong, in a sentence a person can act on. */
  reason?: string;
  output: string;
}

/** The first of tofu, terraform found on PATH (or the given binary when it exists). */
export function findTerraform(explicit?: string, path: string = process.env.PATH ?? ''): string | undefined {
  if (explicit) return existsSync(explicit) ? resolve(explicit) : undefined;
  for (const name of ['tofu', 'terraform']) {
    for (const dir of path.split(delimiter)) {
      if (dir && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

/** Does this `init` output say the provider could not be downloaded? */
export function isProviderDownloadFailure(output: string): boolean {
  return /failed to (query available provider packages|request discovery document|install provider)|no such host|dial tcp|could not connect|connection refused|i\/o timeout|Failed to query/i.test(
    output,
  );
}

function run(bin: string, args: string[], cwd: string, timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise) => {
    execFile(
      bin,
      args,
      { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' } },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolvePromise({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/** Plan every synthesized OpenStack stack; returns the CLI exit code. */
export async function planOpenstack(g: GlobalOptions, opts: OpenstackPlanOptions = {}): Promise<number> {
  // with --detailed-exitcode an error is 1, as terraform's own (2 means "changes" there)
  const failed = opts.detailedExitcode ? 1 : EXIT.runtime;
  const wanted = opts.binary ?? process.env.STACKS_TERRAFORM;
  const bin = findTerraform(wanted);
  if (!bin) {
    const message = wanted ? `the Terraform binary ${wanted} does not exist` : 'neither `tofu` nor `terraform` is installed (not found on PATH)';
    emit(
      g,
      { target: 'openstack', ok: false, binary: null, reason: message, stacks: [] },
      () =>
        `plan --target openstack: ${message}.\nThe synthesized Terraform JSON (stacks synth → cdktf.out/stacks/cloud-*, dr-*) is schema-checked but cannot be planned here; install OpenTofu or Terraform.`,
    );
    return failed;
  }
  const inventory = await loadInventory(g.inventory);
  const workdir = resolve(g.stateDir, 'plan', 'openstack');
  // The same state as synth's stacks (and so as apply): local paths are computed from this
  // folder to <state-dir>/tfstate, pg names the same schemas. Both from --state-dir as the user
  // gave it, as synth does, so a relative one stays relative in the JSON (the same bytes from any
  // working directory).
  const stateDirAsGiven = g.stateDirAsGiven ?? g.stateDir;
  const tf = inventory.province.terraform;
  const backend = backendFrom({
    flag: typeof opts.tfBackend === 'string' ? opts.tfBackend : undefined,
    env: process.env.STACKS_TF_BACKEND,
    inventory: tf?.backend,
    schemaPrefix: tf?.schema_prefix,
    stateDir: stateDirAsGiven,
    outdir: join(stateDirAsGiven, 'plan', 'openstack'),
  });
  const ctx = { inventory, topology: buildTopology(inventory), backend };
  const contributions = cloudStacks(ctx).filter((c) => c.build && (!opts.stacks || opts.stacks.includes(c.name)));
  await loadTerraformBuilders();
  const staging = await makeStaging(workdir);
  try {
    const app = new App({ outdir: staging, stackTraces: false });
    for (const c of contributions) c.build!(app, ctx);
    app.synth();
    // terraform init's providers and lock file stay across plans
    keepTerraformFiles(join(workdir, 'stacks'), join(staging, 'stacks'));
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  await swapIn(staging, workdir);
  const stacksDir = join(workdir, 'stacks');
  const names = existsSync(stacksDir) ? (await readdir(stacksDir)).sort() : [];
  const results: StackPlanResult[] = [];
  const timeoutMs = opts.timeoutMs ?? 300_000;
  for (const stack of names) {
    const cwd = join(stacksDir, stack);
    const init = await run(bin, ['init', '-input=false', '-no-color'], cwd, timeoutMs);
    if (init.code !== 0) {
      const offline = isProviderDownloadFailure(init.output);
      results.push({
        stack,
        step: 'init',
        ok: false,
        exitCode: init.code,
        reason: offline
          ? 'terraform init could not download the OpenStack provider (terraform-provider-openstack/openstack): the registry is unreachable from this machine'
          : 'terraform init failed',
        output: init.output,
      });
      // Every stack needs the same provider: when the download fails, the others would fail alike.
      if (offline) break;
      continue;
    }
    const plan = await run(bin, ['plan', '-input=false', '-no-color', '-lock=false', ...(opts.detailedExitcode ? ['-detailed-exitcode'] : [])], cwd, timeoutMs);
    const planned = plan.code === 0 || (opts.detailedExitcode === true && plan.code === 2);
    results.push({
      stack,
      step: 'plan',
      ok: planned,
      exitCode: plan.code,
      ...(opts.detailedExitcode && planned ? { changes: plan.code === 2 } : {}),
      reason: planned ? undefined : 'terraform plan failed (credentials in OS_*, variables in TF_VAR_*?)',
      output: plan.output,
    });
  }
  const ok = results.length === names.length && results.every((r) => r.ok);
  emit(g, { target: 'openstack', ok, binary: bin, workdir, stacks: results.map(({ output, ...r }) => ({ ...r, output: output.slice(-4000) })) }, () =>
    [
      `plan --target openstack with ${bin} in ${workdir} (${names.length} stacks)`,
      ...results.map(
        (r) =>
          `  ${r.stack.padEnd(36)} ${r.ok ? `planned${r.changes === true ? ', changes' : r.changes === false ? ', no changes' : ''}` : `FAILED at ${r.step}: ${r.reason}`}`,
      ),
      results.length < names.length ? `  (${names.length - results.length} stacks not tried: they need the same provider)` : '',
      ok
        ? ''
        : (results
            .find((r) => !r.ok)
            ?.output.trim()
            .split('\n')
            .slice(-6)
            .join('\n') ?? ''),
    ]
      .filter(Boolean)
      .join('\n'),
  );
  if (!ok) return failed;
  return opts.detailedExitcode && results.some((r) => r.changes) ? 2 : EXIT.ok;
}
