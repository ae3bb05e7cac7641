/**
 * A TerraformStack without cdktf's discovery pass. App.synth() resolves every element of every
 * stack twice: once in prepareStack() to find references to another stack's resources (for which
 * it adds outputs and remote state), once to write the JSON. Our stacks never reference another
 * stack: each cloud and DR stack is self-contained and values cross between them as literals from
 * the model. The first pass therefore finds nothing, and costs ~0.7 s for the province's ~9,400
 * resources. lean-stack.test.ts synthesizes the default province both ways and requires identical
 * JSON, so a cross-stack reference added later fails there instead of going unnoticed.
 */
import { TerraformStack } from 'cdktn';

export class LeanStack extends TerraformStack {
  /** When false, behaves exactly as TerraformStack (the test's reference run). */
  static skipDiscovery = true;

  override prepareStack(): void {
    if (!LeanStack.skipDiscovery) return super.prepareStack();
    this.ensureBackendExists();
  }
}
