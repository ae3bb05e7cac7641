/**
 * Where `stacks verify` checks the network: `model` (the default) verifies the topology built from
 * the inventory; a deploy target's module (the lab's lab/verify-target.ts) registers its own here
 * when the target is loaded (targets/registry.ts, at the edge): the core names no target.
 */
import type { Inventory } from '../inventory/load.js';
import type { Topology } from '../network/types.js';
import { verifyTopology, type VerifyOptions } from '../network/verify/index.js';
import type { VerificationReport } from '../network/verify/report.js';

interface VerifyTargetContext {
  inventory: Inventory;
  topology: Topology;
  options: VerifyOptions;
  /** The global state directory (`--state-dir`), where a running lab keeps its state. */
  stateDir: string;
  /** `--lab`: which running lab, for the lab target. */
  lab?: string;
  /** `--compare`: check the target's running routers against the RIBs computed from their configs. */
  compare?: boolean;
}

export type VerifyTarget = (ctx: VerifyTargetContext) => VerificationReport | Promise<VerificationReport>;

const targets = new Map<string, VerifyTarget>([['model', (ctx) => verifyTopology(ctx.topology, ctx.options)]]);

export function registerVerifyTarget(name: string, target: VerifyTarget): void {
  targets.set(name, target);
}

export async function verifyTarget(name: string): Promise<VerifyTarget | undefined> {
  return targets.get(name);
}

export function verifyTargetNames(): string[] {
  return [...targets.keys()].sort();
}
