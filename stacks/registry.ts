/**
 * Every stack `stacks synth` writes, in one place: the backbone, and each capability's own.
 */
import type { StackContribution } from './contribution.js';
import { backboneStack } from './backbone.js';
import type { SynthModel } from './synth.js';
import { cloudStacks } from './cloud/index.js';
import { monitoringStack } from '../monitors/stack.js';

export function allContributions(model: SynthModel): StackContribution[] {
  return [backboneStack(model.ipam), ...cloudStacks(model), monitoringStack()];
}
