/**
 * The cdktf side of the contributions (cdktf itself and the OpenStack provider bindings, ~0.4 s to
 * load), loaded only where Terraform is synthesized: synth's worker thread, `stacks plan --target
 * openstack`, tests. The main thread of synth lists the stacks and writes their files without it.
 * A contribution's `build` is synchronous (cdktf constructs are), so callers load first.
 *
 * The CDK is `cdktn`, the maintained fork of cdktf (archived upstream on 2025-12-10), with the same
 * API, the same `CDKTF_*` environment and the same `cdktf.out` default. Evaluated on this machine
 * before the move: the default province's 46 stacks were the same JSON (the version stamp
 * aside; empty objects print as `{}` instead of over two lines), at the same CPU and ~100 MB less
 * peak memory, and it depends on three small packages where cdktf pulled in ~90.
 */
import type * as Backbone from './backbone-terraform.js';
import type * as CloudStack from './cloud/cloud-stack.js';
import type * as DrStack from './cloud/dr-stack.js';

export type TerraformBuilders = Pick<typeof Backbone, 'buildBackboneStack'> & Pick<typeof CloudStack, 'buildCloudStack'> & Pick<typeof DrStack, 'buildDrStack'>;

let loaded: TerraformBuilders | undefined;

export async function loadTerraformBuilders(): Promise<TerraformBuilders> {
  if (!loaded) {
    const [backbone, cloud, dr] = await Promise.all([import('./backbone-terraform.js'), import('./cloud/cloud-stack.js'), import('./cloud/dr-stack.js')]);
    loaded = { buildBackboneStack: backbone.buildBackboneStack, buildCloudStack: cloud.buildCloudStack, buildDrStack: dr.buildDrStack };
  }
  return loaded;
}

export function terraformBuilders(): TerraformBuilders {
  if (!loaded) throw new Error('a Terraform stack was built before loadTerraformBuilders()');
  return loaded;
}
