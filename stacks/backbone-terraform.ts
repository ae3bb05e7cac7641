/** The backbone's Terraform stack: the model's headline figures as outputs, for other stacks and tools to read. */
import { TerraformOutput, type App } from 'cdktn';
import { LeanStack } from './lean-stack.js';
import type { Topology } from '../network/types.js';
import { BACKBONE_STACK } from './names.js';
import { configureBackend } from './cloud/provider.js';
import type { BackendChoice } from './cloud/backend-choice.js';

export function buildBackboneStack(app: App, t: Topology, backend: BackendChoice): void {
  const stack = new LeanStack(app, BACKBONE_STACK);
  // cdktf's default local state is `terraform.<stack>.tfstate` in the working directory: keep it with the others
  configureBackend(stack, BACKBONE_STACK, backend);
  const count = (level: string) => t.sites.filter((s) => s.level === level).length;
  new TerraformOutput(stack, 'supernets', { value: t.supernets });
  new TerraformOutput(stack, 'sites', {
    value: {
      cities: count('city'),
      counties: count('county'),
      townships: count('township'),
      departments: count('department'),
      datacenters: count('datacenter'),
    },
  });
  new TerraformOutput(stack, 'devices', { value: t.devices.length });
  new TerraformOutput(stack, 'links', { value: t.links.length });
  new TerraformOutput(stack, 'internet_exit', { value: { primary: t.exit.primary, standby: t.exit.standby } });
}
