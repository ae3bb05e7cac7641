/**
 * The `openstack` provider per cloud (an alias each) and the Terraform backend of every stack.
 * No secrets reach the output: the provider reads OS_USERNAME / OS_PASSWORD (or an application
 * credential) from the environment, and a `pg` backend URL loses its password (libpq reads
 * PGPASSWORD or ~/.pgpass instead).
 */
import { LocalBackend, PgBackend, type TerraformStack } from 'cdktf';
import type { Cloud } from '../../cloud/types.js';
import { OpenstackProvider } from '../gen/openstack/index.js';
import type { BackendChoice } from './backend-choice.js';

export type { BackendChoice } from './backend-choice.js';

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

/**
 * Local state lives outside cdktf.out (which synth replaces as a whole): in `.stacks/tfstate/`
 * next to it, addressed relative to the stack folder `cdktf.out/stacks/<name>/`.
 */
export function configureBackend(stack: TerraformStack, name: string, choice: BackendChoice): void {
  if (choice.kind === 'local') new LocalBackend(stack, { path: `../../../.stacks/tfstate/${name}.tfstate` });
  else new PgBackend(stack, { connStr: choice.connStr, schemaName: `${choice.schemaPrefix}_${name.replace(/[^a-z0-9]/g, '_')}` });
}
