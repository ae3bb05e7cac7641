/**
 * Where `stacks verify` checks the network: `model` (the default) verifies the topology built from
 * the inventory; other targets (the lab: the same questions asked of running FRR namespaces)
 * register themselves here, so adding one never touches the command or the model checks.
 */
import type { Inventory } from '../../inventory/load.js';
import type { Topology } from '../types.js';
import { verifyTopology, type VerifyOptions } from './index.js';
import type { VerificationReport } from './report.js';

export interface VerifyTargetContext {
  inventory: Inventory;
  topology: Topology;
  options: VerifyOptions;
  /** The global state directory (`--state-dir`), where a running lab keeps its state. */
  stateDir: string;
}

export type VerifyTarget = (ctx: VerifyTargetContext) => VerificationReport | Promise<VerificationReport>;

const targets = new Map<string, VerifyTarget>([['model', (ctx) => verifyTopology(ctx.topology, ctx.options)]]);

export function registerVerifyTarget(name: string, target: VerifyTarget): void {
  targets.set(name, target);
}

export function verifyTarget(name: string): VerifyTarget | undefined {
  return targets.get(name);
}

export function verifyTargetNames(): string[] {
  return [...targets.keys()].sort();
}
