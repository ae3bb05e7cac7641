/**
 * Has the lab converged? From every device not held down, every loopback in scope (not held down)
 * answers ping over IPv4 and IPv6. Runs from the host with `ip netns exec` (no SSH needed).
 */
import type { ScopedTopology } from './scope.js';
import type { LabState } from './state.js';
import { deviceNs } from './names.js';
import { pingArgs, parsePing } from './checks.js';
import { run, sleep } from './shell.js';
import { mapLimit } from '../lib/map-limit.js';

export interface Convergence {
  converged: boolean;
  seconds: number;
  /** `from → address` pairs still failing at the deadline. */
  failing: string[];
}

/** `reached` (device → addresses that answered) lets later rounds ping only what is still missing. */
async function reachabilityOnce(scoped: ScopedTopology, state: LabState, parallel: number, reached = new Map<string, Set<string>>()): Promise<string[]> {
  const up = scoped.devices.filter((d) => !state.faults.devices.includes(d.id));
  const targets = up.flatMap((d) => [d.loopback.ipv4.split('/')[0]!, d.loopback.ipv6.split('/')[0]!]);
  const failing: string[] = [];
  await mapLimit(up, parallel, async (d) => {
    const seen = reached.get(d.id) ?? new Set<string>();
    reached.set(d.id, seen);
    const todo = targets.filter((t) => !seen.has(t));
    if (todo.length === 0) return;
    const r = await run('ip', ['netns', 'exec', deviceNs(state.lab, d.id), ...pingArgs(todo)], { allowFail: true });
    for (const a of parsePing(r.stdout, todo).ok) seen.add(a);
    for (const t of todo) if (!seen.has(t)) failing.push(`${d.id} → ${t}`);
  });
  return failing.sort();
}

export async function waitConverged(scoped: ScopedTopology, state: LabState, opts: { parallel: number; timeoutMs: number }): Promise<Convergence> {
  const started = Date.now();
  const reached = new Map<string, Set<string>>();
  for (;;) {
    const failing = await reachabilityOnce(scoped, state, opts.parallel, reached);
    const seconds = (Date.now() - started) / 1000;
    if (failing.length === 0) return { converged: true, seconds, failing };
    if (Date.now() - started > opts.timeoutMs) return { converged: false, seconds, failing };
    await sleep(500);
  }
}
