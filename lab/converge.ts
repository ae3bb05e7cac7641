/**
 * Has the lab converged? From every device not held down, every loopback in scope (not held down)
 * answers ping over IPv4 and IPv6. Runs from the host with `ip netns exec` (no SSH needed).
 */
import type { ScopedTopology } from './scope.js';
import type { LabState } from './state.js';
import { deviceNs } from './names.js';
import { pingArgs, parsePing } from './checks.js';
import { run, sleep } from './shell.js';

export interface Convergence {
  converged: boolean;
  seconds: number;
  /** `from → address` pairs still failing at the deadline. */
  failing: string[];
}

const WIDTH = 32;

/**
 * fping from many namespaces at once, in one process: forking from this (large) Node process costs
 * ~25 ms a spawn on a loaded host, and a round was one `ip netns exec … fping` per device, four at a
 * time. The shell starts the namespaces' fpings in the background (WIDTH at a time), each writing
 * to its own file in a private temp folder, and prints them in order once all are done. Namespaces go as
 * arguments, never into the script; addresses too, as one word-split argument per namespace
 * (checked to hold address characters only).
 */
export async function pingFromEach(jobs: ReadonlyArray<{ ns: string; targets: readonly string[] }>): Promise<Array<Set<string>>> {
  const todo = jobs.filter((j) => j.targets.length > 0);
  for (const j of todo) for (const t of j.targets) if (!/^[0-9A-Fa-f:.]+$/.test(t)) throw new Error(`pingFromEach: not an address: ${t}`);
  const fping = pingArgs([]).join(' ');
  const script = [
    'd=$(mktemp -d) || exit 1',
    `trap 'rm -rf "$d"' EXIT`,
    'i=0',
    // at most WIDTH at once: a wide scope's round must not fork hundreds of pingers together
    `while [ $# -ge 2 ]; do i=$((i+1)); ip netns exec "$1" ${fping} $2 > "$d/$i" 2>/dev/null & shift 2; [ $((i % ${WIDTH})) -ne 0 ] || wait; done`,
    'wait',
    'j=0',
    'while [ $j -lt $i ]; do j=$((j+1)); echo "#"; cat "$d/$j"; done',
  ].join('\n');
  const out = todo.length ? (await run('sh', ['-c', script, 'sh', ...todo.flatMap((j) => [j.ns, j.targets.join(' ')])])).stdout : '';
  const blocks = out.split(/^#\n/m).slice(1);
  if (blocks.length !== todo.length) throw new Error(`pingFromEach: ${blocks.length} answers for ${todo.length} namespaces`);
  const answered = new Map(todo.map((j, i) => [j, parsePing(blocks[i]!, j.targets).ok]));
  return jobs.map((j) => answered.get(j) ?? new Set());
}

/** `reached` (device → addresses that answered) lets later rounds ping only what is still missing. */
async function reachabilityOnce(scoped: ScopedTopology, state: LabState, reached = new Map<string, Set<string>>()): Promise<string[]> {
  const up = scoped.devices.filter((d) => !state.faults.devices.includes(d.id));
  const targets = up.flatMap((d) => [d.loopback.ipv4.split('/')[0]!, d.loopback.ipv6.split('/')[0]!]);
  const jobs = up.map((d) => {
    const seen = reached.get(d.id) ?? new Set<string>();
    reached.set(d.id, seen);
    return { device: d.id, seen, ns: deviceNs(state.lab, d.id), targets: targets.filter((t) => !seen.has(t)) };
  });
  const answers = await pingFromEach(jobs);
  const failing: string[] = [];
  jobs.forEach((j, i) => {
    for (const a of answers[i]!) j.seen.add(a);
    for (const t of j.targets) if (!j.seen.has(t)) failing.push(`${j.device} → ${t}`);
  });
  return failing.sort();
}

export async function waitConverged(scoped: ScopedTopology, state: LabState, opts: { timeoutMs: number }): Promise<Convergence> {
  const started = Date.now();
  const reached = new Map<string, Set<string>>();
  for (;;) {
    const failing = await reachabilityOnce(scoped, state, reached);
    const seconds = (Date.now() - started) / 1000;
    if (failing.length === 0) return { converged: true, seconds, failing };
    if (Date.now() - started > opts.timeoutMs) return { converged: false, seconds, failing };
    await sleep(500);
  }
}
