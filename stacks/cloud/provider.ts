/**
 * The `openstack` provider per cloud (an alias each) and the Terraform backend of every stack.
 * No secrets reach the output: the provider reads OS_USERNAME / OS_PASSWORD (or an application
 * credential) from the environment, and a `pg` backend URL loses its password (libpq reads
 * PGPASSWORD or ~/.pgpass instead).
 */
import { LocalBackend, PgBackend, type TerraformStack } from 'cdktf';
import { inputError } from '../../lib/errors.js';
import type { Cloud } from '../../cloud/types.js';
import { OpenstackProvider } from '../gen/openstack/index.js';

export function openstackProvider(stack: TerraformStack, cloud: Cloud): OpenstackProvider {
  return new OpenstackProvider(stack, `openstack-${cloud.id}`, {
    alias: cloud.id.replace(/-/g, '_'),
    authUrl: cloud.keystone,
    region: cloud.region,
    // the provisioning project of the multi-cloud manager on that cloud; the user and password come from OS_* env
    tenantName: 'admin',
    userDomainName: 'Default',
    projectDomainName: 'Default',
    endpointType: 'public',
  });
}

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

/**
 * Local state lives outside cdktf.out (which synth replaces as a whole): in `.stacks/tfstate/`
 * next to it, addressed relative to the stack folder `cdktf.out/stacks/<name>/`.
 */
export function configureBackend(stack: TerraformStack, name: string, choice: BackendChoice): void {
  if (choice.kind === 'local') new LocalBackend(stack, { path: `../../../.stacks/tfstate/${name}.tfstate` });
  else new PgBackend(stack, { connStr: choice.connStr, schemaName: `${choice.schemaPrefix}_${name.replace(/[^a-z0-9]/g, '_')}` });
}
