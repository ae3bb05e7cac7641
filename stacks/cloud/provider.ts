/**
 * The `openstack` provider per cloud (an alias each) and the Terraform backend of every stack.
 * No secrets reach the output: the provider reads OS_USERNAME / OS_PASSWORD (or an application
 * credential) from the environment, and the `pg` backend its connection string from PG_CONN_STR.
 */
import { LocalBackend, PgBackend, type PgBackendConfig, type TerraformStack } from 'cdktn';
import type { Cloud } from '../../cloud/types.js';
import { OpenstackProvider } from '../gen/openstack/index.js';
import { localStatePath, pgSchema, type BackendChoice } from './backend-choice.js';

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

/** Every Terraform stack's backend (backend-choice.ts decides which and where). */
export function configureBackend(stack: TerraformStack, name: string, choice: BackendChoice): void {
  if (choice.kind === 'local') new LocalBackend(stack, { path: localStatePath(choice, name) });
  // No conn_str: Terraform's pg backend takes it from PG_CONN_STR, so it never reaches the JSON
  // (cdktf's type insists on one; the backend itself does not).
  else new PgBackend(stack, { schemaName: pgSchema(choice, name) } as PgBackendConfig);
}
