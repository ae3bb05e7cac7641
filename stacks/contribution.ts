/**
 * How a capability adds its stack to `stacks synth`. Each contribution becomes one folder under
 * `cdktf.out/stacks/<name>/`: the cdktf stack's Terraform JSON (when `build` adds resources) plus
 * any extra files it returns (device configs, rules, dashboards). `synth` collects them all and
 * writes the whole tree atomically, so a contribution never writes files itself.
 */
import type { App } from 'cdktn';
import type { Inventory } from '../inventory/load.js';
import type { Topology } from '../network/types.js';
import type { BackendChoice } from './cloud/backend-choice.js';

export interface SynthContext {
  inventory: Inventory;
  topology: Topology;
  /** Where every Terraform stack keeps its state (synth's --state-dir, --tf-backend); default: defaultBackend. */
  backend?: BackendChoice;
}

export interface StackContribution {
  /** Folder name under cdktf.out/stacks/, e.g. `backbone`, `cloud-provincial`, `dr-xinchuang-yulin-dc`. */
  name: string;
  /** Adds a cdktf TerraformStack named `name` to the app (omit for file-only stacks). */
  build?(app: App, ctx: SynthContext): void;
  /** Extra files, relative to the stack folder. */
  files?(ctx: SynthContext): Map<string, string>;
}
