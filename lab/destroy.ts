/**
 * `stacks destroy --target lab`: remove every namespace, interface, process and file of a lab. It
 * works from labels, not from the state file, so it also cleans up after a crash: namespaces named
 * `stx-<lab>-*`, host interfaces named `stx<lab>m*`, and processes running inside those namespaces
 * or whose command line names the lab's directory, and its runtime dir (`/run/stacks/<lab>`).
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { ScopedTopology } from './scope.js';
import type { StateStore } from './state.js';
import { acquireLock } from './lock.js';
import { checkLabId, DEFAULT_LAB_ID, hostMgmtIf, hostMgmtPrefix, labPaths, nsPrefix, type LabPaths } from './names.js';
import { ipBatch, run, sleep } from './shell.js';
import { listNamespaces } from './realize.js';
import { processesNaming } from '../lib/processes.js';
import { removeLabRuntimeDir } from './runtime-dir.js';

export interface DestroyResult {
  lab: string;
  namespaces: number;
  processes: number;
  interfaces: number;
  seconds: number;
}

export interface Leftovers {
  namespaces: string[];
  interfaces: string[];
  processes: number[];
}

async function processesIn(ns: string): Promise<number[]> {
  const r = await run('ip', ['netns', 'pids', ns], { allowFail: true });
  return r.stdout
    .split('\n')
    .map(Number)
    .filter((p) => p > 0);
}

async function hostInterfaces(prefix: string): Promise<string[]> {
  const r = await run('ip', ['-j', 'link', 'show'], { allowFail: true });
  const links = JSON.parse(r.stdout || '[]') as Array<{ ifname: string }>;
  return links.map((l) => l.ifname).filter((n) => n.startsWith(prefix));
}

/** What of a lab (or of every lab, with `lab` undefined) is still on the host. */
export async function findLeftovers(lab: string | undefined, labRoot?: string): Promise<Leftovers> {
  const namespaces = (await listNamespaces()).filter((n) => n.startsWith(lab ? nsPrefix(lab) : 'stx-'));
  const interfaces = await hostInterfaces(lab ? hostMgmtPrefix(lab) : 'stx');
  const processes = new Set<number>(labRoot ? processesNaming(labRoot + '/') : []);
  for (const ns of namespaces) for (const p of await processesIn(ns)) processes.add(p);
  return { namespaces, interfaces, processes: [...processes] };
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const p of pids) {
    try {
      process.kill(p, sig);
    } catch {
      // already gone
    }
  }
}

async function killAll(pids: number[]): Promise<void> {
  signal(pids, 'SIGTERM');
  const deadline = Date.now() + 2000;
  let left = pids;
  while (left.length && Date.now() < deadline) {
    await sleep(50);
    left = left.filter((p) => {
      try {
        process.kill(p, 0);
        return !/State:\s+Z/.test(readFileSync(`/proc/${p}/status`, 'utf8'));
      } catch {
        return false;
      }
    });
  }
  signal(left, 'SIGKILL');
}

async function removeNamespaces(namespaces: string[], labRoot: string | undefined): Promise<number> {
  const procs = new Set<number>(labRoot ? processesNaming(labRoot + '/') : []);
  for (const ns of namespaces) for (const p of await processesIn(ns)) procs.add(p);
  await killAll([...procs]);
  await ipBatch(
    namespaces.map((n) => `netns del ${n}`),
    undefined,
    true,
  );
  return procs.size;
}

export async function destroyLab(opts: { stateDir: string; lab?: string }): Promise<DestroyResult> {
  const started = Date.now();
  const lab = checkLabId(opts.lab ?? DEFAULT_LAB_ID);
  const paths = labPaths(opts.stateDir, lab);
  const lock = acquireLock(paths.lock, 'destroy');
  try {
    const found = await findLeftovers(lab, paths.root);
    const processes = await removeNamespaces(found.namespaces, paths.root);
    // The kernel tears a deleted namespace down asynchronously; its veth peers vanish shortly after.
    let interfaces = await hostInterfaces(hostMgmtPrefix(lab));
    for (let i = 0; i < 40 && interfaces.length > 0; i++) {
      await sleep(50);
      interfaces = await hostInterfaces(hostMgmtPrefix(lab));
    }
    await ipBatch(
      interfaces.map((i) => `link del ${i}`),
      undefined,
      true,
    );
    await rm(paths.root, { recursive: true, force: true });
    // By its label (the lab id) too, like the namespaces: also what a crashed run of another state dir left.
    removeLabRuntimeDir(lab);
    return { lab, namespaces: found.namespaces.length, processes, interfaces: found.interfaces.length, seconds: (Date.now() - started) / 1000 };
  } finally {
    lock.release();
  }
}

/** Devices recorded in the state but no longer in scope: their namespaces, interfaces and files go. */
export async function removeOutOfScope(store: StateStore, scoped: ScopedTopology, paths: LabPaths): Promise<string[]> {
  const keep = new Set(scoped.devices.map((d) => d.id));
  const gone = Object.keys(store.state.devices).filter((d) => !keep.has(d));
  if (gone.length === 0) return [];
  await removeNamespaces(
    gone.map((d) => store.state.devices[d]!.ns),
    undefined,
  );
  const hostIfs = gone.map((d) => hostMgmtIf(store.state.lab, store.state.slots[d]!));
  const existing = new Set(await hostInterfaces(hostMgmtPrefix(store.state.lab)));
  await ipBatch(
    hostIfs.filter((i) => existing.has(i)).map((i) => `link del ${i}`),
    undefined,
    true,
  );
  for (const d of gone) for (const dir of [paths.device(d).dir, paths.device(d).runtime]) await rm(dir, { recursive: true, force: true });
  await store.update((s) => {
    for (const d of gone) {
      delete s.devices[d];
      delete s.slots[d];
    }
  });
  return gone;
}
