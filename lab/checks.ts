/**
 * Post-commit checks on one device: OSPF and OSPFv3 adjacencies Full with every expected neighbour,
 * and the expected loopbacks answering ping over both families from the device itself.
 */
import type { ExecResult } from './ssh.js';

export interface Expectations {
  /** Router ids of neighbours that must be Full (over OSPFv2 and OSPFv3). */
  neighbours: string[];
  /** Loopback addresses (no prefix length) that must answer ping. */
  loopbacks: string[];
}

export interface CheckResult {
  ok: boolean;
  missingOspf: string[];
  missingOspf6: string[];
  unreachable: string[];
}

export interface CheckRunner {
  exec(command: string): Promise<ExecResult>;
}

interface Ospf4Neighbors {
  neighbors?: Record<string, Array<{ nbrState?: string; state?: string }>>;
}
interface Ospf6Neighbors {
  neighbors?: Array<{ neighborId: string; state: string }>;
}

export function fullOspfNeighbours(json: string): Set<string> {
  const doc = JSON.parse(json || '{}') as Ospf4Neighbors;
  const out = new Set<string>();
  for (const [rid, list] of Object.entries(doc.neighbors ?? {})) {
    if (list.some((n) => (n.nbrState ?? n.state ?? '').startsWith('Full'))) out.add(rid);
  }
  return out;
}

export function fullOspf6Neighbours(json: string): Set<string> {
  const doc = JSON.parse(json || '{}') as Ospf6Neighbors;
  return new Set((doc.neighbors ?? []).filter((n) => n.state === 'Full').map((n) => n.neighborId));
}

/**
 * One fping process for every address, both families at once: forking a ping per address costs
 * ~10 ms on a busy host, and a convergence round is devices × loopbacks pings (1,458 for the default
 * scope). Prints the addresses that answered, one per line; exits 1 when any did not.
 */
export function pingArgs(addresses: readonly string[], timeoutMs = 500): string[] {
  return ['fping', '--alive', '--retry=1', `--timeout=${timeoutMs}`, '--interval=1', ...addresses];
}

/** pingArgs as a shell line (for SSH), quiet about the ones that did not answer. */
export function pingScript(addresses: readonly string[], timeoutMs = 500): string {
  if (addresses.length === 0) return 'true';
  return `${pingArgs(addresses, timeoutMs).join(' ')} 2>/dev/null || true`;
}

export function parsePing(out: string, asked: readonly string[]): { ok: Set<string>; failed: string[] } {
  const answered = new Set(out.split('\n').map((l) => l.trim()));
  const ok = new Set(asked.filter((a) => answered.has(a)));
  return { ok, failed: asked.filter((a) => !ok.has(a)) };
}

/**
 * One round of checks. Adjacencies first: while one is missing, pinging is pointless and costly.
 * `reached` carries loopbacks that already answered in earlier rounds (each is pinged until it
 * answers once), so a round costs one ping per address still missing, not one per address.
 */
export async function checkOnce(r: CheckRunner, exp: Expectations, reached: Set<string> = new Set()): Promise<CheckResult> {
  let missingOspf: string[] = [];
  let missingOspf6: string[] = [];
  if (exp.neighbours.length) {
    const both = await r.exec(`vtysh -c 'show ip ospf neighbor json'; echo '#####'; vtysh -c 'show ipv6 ospf6 neighbor json'`);
    const [v4 = '', v6 = ''] = both.stdout.split('#####');
    const full4 = safe(() => fullOspfNeighbours(v4));
    const full6 = safe(() => fullOspf6Neighbours(v6));
    missingOspf = exp.neighbours.filter((n) => !full4.has(n));
    missingOspf6 = exp.neighbours.filter((n) => !full6.has(n));
  }
  const todo = exp.loopbacks.filter((a) => !reached.has(a));
  if (missingOspf.length + missingOspf6.length === 0 && todo.length) {
    const { ok } = parsePing((await r.exec(pingScript(todo))).stdout, todo);
    for (const a of ok) reached.add(a);
  }
  const unreachable = exp.loopbacks.filter((a) => !reached.has(a));
  return { ok: missingOspf.length + missingOspf6.length + unreachable.length === 0, missingOspf, missingOspf6, unreachable };
}

function safe(fn: () => Set<string>): Set<string> {
  try {
    return fn();
  } catch {
    return new Set();
  }
}

/** Repeat the checks until they pass or the deadline passes; returns the last result. */
export async function checkUntil(r: CheckRunner, exp: () => Expectations, timeoutMs: number, intervalMs = 500): Promise<CheckResult> {
  const deadline = Date.now() + timeoutMs;
  const reached = new Set<string>();
  for (;;) {
    const result = await checkOnce(r, exp(), reached);
    if (result.ok || Date.now() >= deadline) return result;
    await new Promise((res) => setTimeout(res, intervalMs));
  }
}

export function describeFailure(c: CheckResult): string {
  const parts: string[] = [];
  if (c.missingOspf.length) parts.push(`OSPF not Full with ${c.missingOspf.join(', ')}`);
  if (c.missingOspf6.length) parts.push(`OSPFv3 not Full with ${c.missingOspf6.join(', ')}`);
  if (c.unreachable.length) parts.push(`no answer from ${c.unreachable.join(', ')}`);
  return parts.join('; ');
}
