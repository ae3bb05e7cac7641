/**
 * Every deploy target by name, each loaded only when named (the lab's pulls in ssh2 and the lab
 * runtime). A new target: a folder here with a module exporting `target`, and one line below.
 * Nothing outside targets/ names a target (targets/architecture.test.ts checks): commands, help
 * texts, the drill's guard and the daemon's sources ask this file.
 */
import { existsSync } from 'node:fs';
import { inputError } from '../lib/errors.js';
import { labPaths } from '../lab/names.js';
import { sshStateFile } from './ssh/paths.js';
import type { Target } from './types.js';

interface Registered {
  /** The target's module. */
  load: () => Promise<{ target: Target }>;
  /** One line for `--help`. */
  description: string;
  /** `stacks dr drill` may take its centres down on purpose (they are namespaces on this host). */
  drills?: boolean;
  /** The file an instance's deploy writes: present means deployed (asked without loading the module). */
  stateFile: (stateDir: string, instance: string) => string;
}

const TARGETS: Record<string, Registered> = {
  lab: {
    load: () => import('./lab/target.js'),
    description: 'network namespaces on this host (FRR, sshd, snmpd per device)',
    drills: true,
    stateFile: (dir, instance) => labPaths(dir, instance).state,
  },
  ssh: {
    load: () => import('./ssh/target.js'),
    description: 'routers listed in the inventory (routers.yaml) by management address and platform, over SSH',
    stateFile: sshStateFile,
  },
};

/** Where deploy, destroy, drift, the daemon and a drill act when no `--target` is given. */
export const DEFAULT_TARGET = 'lab';

export function targetNames(): string[] {
  return Object.keys(TARGETS).sort();
}

export function isTarget(name: string): boolean {
  return Object.hasOwn(TARGETS, name);
}

/** Has an instance of the target been deployed into this state dir? Cheap: the target's module is not loaded. */
export function isDeployed(name: string, stateDir: string, instance: string): boolean {
  if (!isTarget(name)) throw unknownTarget(name);
  return existsSync(TARGETS[name]!.stateFile(stateDir, instance));
}

/** The targets a drill may fail on purpose. */
export function drillTargets(): string[] {
  return targetNames().filter((n) => TARGETS[n]!.drills);
}

/** `lab (network namespaces …), ssh (routers …)`: the registered targets for a `--help` text. */
export function targetsHelp(): string {
  return targetNames()
    .map((n) => `${n} (${TARGETS[n]!.description})`)
    .join(', ');
}

/**
 * The usage error for a name no one registered (exit 2), listing the registered ones; `others`
 * are names a command takes besides the deploy targets (`model`, `openstack`).
 */
export function unknownTarget(name: string, flag = '--target', others: readonly string[] = [], what = 'target') {
  return inputError('E_USAGE', '(command line)', flag, `unknown ${what} "${name}"`, `known targets: ${[...others, ...targetNames()].sort().join(', ')}`);
}

/** The target called `name`; an unknown name is a usage error listing the known ones. */
export async function loadTarget(name: string, flag = '--target'): Promise<Target> {
  if (!isTarget(name)) throw unknownTarget(name, flag);
  return (await TARGETS[name]!.load()).target;
}

/**
 * The one place `--lab` and `STACKS_LAB` are read: which instance of a target a command acts on
 * (the flag, else the environment, else `lab`). For the ssh target it names its state folder.
 */
export function targetInstance(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.STACKS_LAB ?? 'lab';
}
