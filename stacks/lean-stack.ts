/**
 * A TerraformStack without cdktf's discovery pass and with a fast token resolution. App.synth()
 * resolves every element of every stack twice: once in prepareStack() to find references to another
 * stack's resources (for which it adds outputs and remote state), once to write the JSON. Our stacks
 * never reference another stack: each cloud and DR stack is self-contained and values cross between
 * them as literals from the model. The first pass therefore finds nothing, and costs ~0.7 s for the
 * province's ~9,400 resources. The second pass resolves each element, then the merged stack again;
 * here both walks take fast-resolve.ts's path (resolve() itself for every token). lean-stack.test.ts
 * synthesizes the default province both ways and requires identical JSON, so a cross-stack
 * reference added later fails there instead of going unnoticed.
 */
import { TerraformElement, TerraformOutput, TerraformStack } from 'cdktn';
import { deepMerge } from 'cdktn/lib/util.js';
import type { IConstruct } from 'constructs';
import { fastResolve } from './fast-resolve.js';

export class LeanStack extends TerraformStack {
  /** When false, behaves exactly as TerraformStack (the test's reference run). */
  static skipDiscovery = true;

  override prepareStack(): void {
    if (!LeanStack.skipDiscovery) return super.prepareStack();
    this.ensureBackendExists();
  }

  /** TerraformStack.toTerraform (cdktn 0.24) step for step, with fastResolve in place of resolve. */
  override toTerraform(): Record<string, unknown> {
    if (!LeanStack.skipDiscovery) return super.toTerraform();
    const own = this as unknown as { rawOverrides: Record<string, unknown>; cdktfVersion: string };
    const tf: Record<string, unknown> = {};
    const metadata: Record<string, unknown> = {
      version: own.cdktfVersion,
      stackName: this.node.id,
      backend: 'local', // overwritten by backend implementations if used
      cloud: undefined, // overwritten by cloud and remote backend implementations
      ...(Object.keys(own.rawOverrides).length > 0 ? { overrides: { stack: Object.keys(own.rawOverrides) } } : {}),
    };
    const elements = terraformElements(this);
    const metadatas = elements.map((e) => fastResolve(this, e.toMetadata()));
    for (const meta of metadatas) deepMerge(metadata, meta);
    const outputs: Record<string, unknown> = {};
    for (const item of elements) {
      if (!TerraformOutput.isTerraformOutput(item)) continue;
      deepMerge(
        outputs,
        item.node.path
          .split('/')
          .reduceRight<Record<string, unknown>>((inner, part) => (Object.keys(inner).length === 0 ? { [part]: item.friendlyUniqueId } : { [part]: inner }), {}),
      );
    }
    tf['//'] = { metadata, outputs };
    const fragments = elements.map((e) => fastResolve(this, e.toTerraform()));
    for (const fragment of fragments) deepMerge(tf, fragment);
    deepMerge(tf, own.rawOverrides);
    return fastResolve(this, tf) as Record<string, unknown>;
  }
}

/** cdktn's terraformElements: this stack's elements in construct order, not descending into a substack. */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) {
    if (TerraformStack.isStack(child)) continue;
    terraformElements(child, into);
  }
  return into;
}
