/**
 * Where the Terraform stacks keep their state (decided without cdktf, so synth's main thread can
 * list it): a local state file per stack under `<state-dir>/tfstate/`, or PostgreSQL (`pg`, one
 * schema per stack). Chosen by `--tf-backend`, else `STACKS_TF_BACKEND`, else province.yaml
 * `terraform.backend`, else local.
 *
 * Neither choice writes anything secret or machine-specific into the JSON: the pg backend reads
 * its connection string from PG_CONN_STR (and libpq's PG* variables) when Terraform runs, and a
 * local path is written relative to the stack folder unless the user gave an absolute state dir,
 * so the same arguments give the same bytes from any working directory.
 */
import { isAbsolute, join, normalize, relative, resolve } from 'node:path';
import { inputError } from '../../lib/errors.js';

export type BackendKind = 'local' | 'pg';
const BACKEND_KINDS: readonly BackendKind[] = ['local', 'pg'];

export type BackendChoice =
  /** `stateDir` and `outdir` as the user gave them (relative to the working directory, or absolute). */
  { kind: 'local'; stateDir: string; outdir: string } | { kind: 'pg'; schemaPrefix: string };

export interface BackendSources {
  /** `--tf-backend` */
  flag?: string;
  /** `STACKS_TF_BACKEND` */
  env?: string;
  /** province.yaml `terraform.backend` */
  inventory?: BackendKind;
  schemaPrefix?: string;
  stateDir: string;
  outdir: string;
}

export function backendFrom(src: BackendSources): BackendChoice {
  const kind = pick(src.flag, '--tf-backend', '(command line)') ?? pick(src.env, 'STACKS_TF_BACKEND', '(environment)') ?? src.inventory ?? 'local';
  return kind === 'pg' ? { kind: 'pg', schemaPrefix: src.schemaPrefix ?? 'stacks' } : { kind: 'local', stateDir: src.stateDir, outdir: src.outdir };
}

function pick(value: string | undefined, name: string, where: string): BackendKind | undefined {
  if (value === undefined || value === '') return undefined;
  if ((BACKEND_KINDS as readonly string[]).includes(value)) return value as BackendKind;
  // The value is never echoed: it may be a connection string with a password in it.
  const url = /^[a-z]+:\/\//i.test(value);
  throw inputError(
    'E_BACKEND',
    where,
    name,
    url ? 'takes a backend name, not a connection string' : 'unknown Terraform backend',
    url ? "set `pg` here and the connection string in PG_CONN_STR (Terraform's pg backend reads it; it never goes into the stacks)" : 'use `local` or `pg`',
  );
}

/** The local state file of a stack, as its cdk.tf.json names it (relative to the stack folder unless the state dir was given absolute). */
export function localStatePath(choice: Extract<BackendChoice, { kind: 'local' }>, stack: string): string {
  const file = join(choice.stateDir, 'tfstate', `${stack}.tfstate`);
  if (isAbsolute(choice.stateDir)) return normalize(file);
  return relative(resolve(choice.outdir, 'stacks', stack), resolve(file));
}

/** The pg schema of a stack. */
export function pgSchema(choice: Extract<BackendChoice, { kind: 'pg' }>, stack: string): string {
  return `${choice.schemaPrefix}_${stack.replace(/[^a-z0-9]/g, '_')}`;
}

/**
 * The backend when the command line says nothing: STACKS_TF_BACKEND, else the inventory's, local
 * state under `.stacks/` beside `cdktf.out/` (the defaults of --state-dir and --output).
 */
export function defaultBackend(
  terraform: { backend: BackendKind; schema_prefix?: string } | undefined,
  env: string | undefined = process.env.STACKS_TF_BACKEND,
): BackendChoice {
  return backendFrom({ env, inventory: terraform?.backend, schemaPrefix: terraform?.schema_prefix, stateDir: '.stacks', outdir: 'cdktf.out' });
}
