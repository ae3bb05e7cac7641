/** Which Terraform backend the stacks use, read from the environment (no cdktf needed to decide). */
import { inputError } from '../../lib/errors.js';

export type BackendChoice = { kind: 'local' } | { kind: 'pg'; connStr: string; schemaPrefix: string };

/**
 * `STACKS_TF_BACKEND` (or the option): unset or `local` → local state; `pg://…` or
 * `postgres(ql)://…` → the `pg` backend, one schema per stack.
 */
export function backendFrom(value: string | undefined = process.env.STACKS_TF_BACKEND): BackendChoice {
  if (value === undefined || value === '' || value === 'local') return { kind: 'local' };
  const m = /^(pg|postgres|postgresql):\/\//.exec(value);
  if (!m) throw inputError('E_BACKEND', 'STACKS_TF_BACKEND', '(environment)', `unknown Terraform backend "${value.replace(/:[^:@/]*@/, ':***@')}"`, 'use `local` or a PostgreSQL URL such as pg://user@host:5432/terraform');
  let url: URL;
  try {
    url = new URL(value.replace(/^pg:/, 'postgres:'));
  } catch {
    throw inputError('E_BACKEND', 'STACKS_TF_BACKEND', '(environment)', 'not a valid PostgreSQL URL');
  }
  url.password = '';
  return { kind: 'pg', connStr: url.toString(), schemaPrefix: 'stacks' };
}
