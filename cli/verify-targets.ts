/**
 * Where `stacks verify` checks the network: `model` (the default) verifies the topology built from
 * the inventory; other targets (the lab: the same questions asked of running FRR namespaces)
 * are one loader line here, so adding one never touches the command or the model checks. (Here at
 * the edge, not in network/verify/: the pure core imports no target module.)
 */
import type { Inventory } from '../inventory/load.js';
import type { Topology } from '../network/types.js';
import { verifyTopology, type VerifyOptions } from '../network/verify/index.js';
import type { VerificationReport } from '../network/verify/report.js';

export interface VerifyTargetContext {
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

/**
 * Targets whose module is imported only when named: the lab's pulls in ssh2 and the lab runtime,
 * which `stacks verify` of the model never needs.
 */
const LAZY: Record<string, () => Promise<VerifyTarget>> = {
  lab: async () => (await import('../lab/verify-target.js')).labVerifyTarget,
};

export function registerVerifyTarget(name: string, target: VerifyTarget): void {
  targets.set(name, target);
}

export async function verifyTarget(name: string): Promise<VerifyTarget | undefined> {
  if (!targets.has(name) && Object.hasOwn(LAZY, name)) targets.set(name, await LAZY[name]!());
  return targets.get(name);
}

export function verifyTargetNames(): string[] {
  return [...new Set([...targets.keys(), ...Object.keys(LAZY)])].sort();
}
