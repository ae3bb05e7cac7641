/**
 * Every deploy target by name, each loaded only when named (the lab's pulls in ssh2 and the lab
 * runtime). A new target: a folder with a module exporting `target`, and one line here.
 */
import { inputError } from '../lib/errors.js';
import type { Target } from './types.js';

const TARGETS: Record<string, () => Promise<{ target: Target }>> = {
  lab: () => import('../lab/target.js'),
  ssh: () => import('./ssh/target.js'),
};

export function targetNames(): string[] {
  return Object.keys(TARGETS).sort();
}

export function isTarget(name: string): boolean {
  return Object.hasOwn(TARGETS, name);
}

/** The target called `name`; an unknown name is a usage error listing the known ones. */
export async function loadTarget(name: string, flag = '--target'): Promise<Target> {
  if (!isTarget(name)) throw inputError('E_USAGE', '(command line)', flag, `unknown target "${name}"`, `targets: ${targetNames().join(', ')}`);
  return (await TARGETS[name]!()).target;
}

/**
 * The one place `--lab` and `STACKS_LAB` are read: which instance of a target a command acts on
 * (the flag, else the environment, else `lab`). For the ssh target it names its state folder.
 */
export function targetInstance(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.STACKS_LAB ?? 'lab';
}
