/**
 * Hop-by-hop forwarding towards one destination from every device at once: each device's lookup
 * (forwarding.ts) gives its next hops, and a depth-first walk with memo labels each device ok
 * (every ECMP branch arrives), looping (a branch returns to a device already on its path) or
 * blackholed (a device on the way has no route, or the packet leaves where it should not).
 * In a failure scenario only the devices whose decision may have changed, and those whose base
 * paths run through them, are walked again; every other device keeps its base outcome.
 */
import type { Forwarding } from './forwarding.js';
import { containsHex } from './address.js';

export interface Destination {
  /** For messages: `shaanxi-r1 loopback 10.0.0.193`, `the upstream 198.51.100.1`. */
  name: string;
  hex: string;
  /** `upstream`: delivered when it leaves through an internet hand-off; `address`: when a device holds it. */
  kind: 'address' | 'upstream';
  /** The device holding the address (excluded from its own question, and when it fails). */
  owner?: number;
  check: 'reach.core' | 'reach.exit';
}

export type FlowProblem = { kind: 'loop'; cycle: number[] } | { kind: 'blackhole'; at: number; why: string };

const VISITING = 1;
const OK = 2;
const FAILED = 3;

export interface WalkResult {
  state: Uint8Array;
  problem: Map<number, FlowProblem>;
  /** Next-hop devices per device (the forwarding graph), kept from the base walk. */
  successors: number[][];
}

export class Walker {
  private state!: Uint8Array;
  private problem!: Map<number, FlowProblem>;
  private successors: number[][] | undefined;
  private base: WalkResult | undefined;
  private affected: Uint8Array | undefined;
  /** Devices whose own decision may differ from the base; an affected device not in it forwards as in the base. */
  private changed: Uint8Array | undefined;
  private stack: number[] = [];
  private onStack!: Int32Array;
  /** Devices given a state in this walk, when `loses` reuses its arrays (to clear just those). */
  private visited: number[] | undefined;
  private scratch: { state: Uint8Array; onStack: Int32Array; problem: Map<number, FlowProblem> } | undefined;

  constructor(
    private readonly fw: Forwarding,
    private readonly dest: Destination,
  ) {}

  /** Every device's outcome in the current state (the base walk when `base` is absent). */
  walk(nodes: Iterable<number>, base?: WalkResult, affected?: Uint8Array, changed?: Uint8Array): WalkResult {
    const n = this.fw.cp.net.configs.length;
    this.state = new Uint8Array(n);
    this.problem = new Map();
    this.base = base;
    this.affected = affected;
    this.changed = changed;
    this.successors = base ? undefined : Array.from({ length: n }, () => []);
    this.onStack = new Int32Array(n).fill(-1);
    for (const node of nodes) this.visit(node);
    return { state: this.state, problem: this.problem, successors: this.successors ?? base!.successors };
  }

  /**
   * Whether a failure costs anything: does some device of `changed` (those whose own decision may
   * differ from the base), which arrived in the base, fail now? If none does, no device loses the
   * destination — every other device forwards as in the base to devices that still arrive, and a
   * new loop would run through a changed device, which would then fail. States only, on reused
   * arrays; the findings' words come from `walk`, run when this says yes.
   */
  loses(changed: readonly number[], mask: Uint8Array, base: WalkResult, skip: (node: number) => boolean): boolean {
    const n = this.fw.cp.net.configs.length;
    this.scratch ??= { state: new Uint8Array(n), onStack: new Int32Array(n).fill(-1), problem: new Map() };
    this.state = this.scratch.state;
    this.onStack = this.scratch.onStack;
    this.problem = this.scratch.problem;
    this.base = base;
    this.affected = undefined;
    this.changed = mask;
    this.successors = undefined;
    this.visited = [];
    let lost = false;
    for (const node of changed) {
      if (skip(node) || base.state[node] !== OK) continue;
      if (this.visit(node) === FAILED) {
        lost = true;
        break;
      }
    }
    for (const node of this.visited) this.state[node] = 0;
    for (const node of this.stack) this.onStack[node] = -1;
    this.stack = [];
    this.problem.clear();
    this.visited = undefined;
    return lost;
  }

  private fail(node: number, p: FlowProblem): number {
    this.state[node] = FAILED;
    this.problem.set(node, p);
    return FAILED;
  }

  private visit(node: number): number {
    const s = this.state[node]!;
    if (s === OK || s === FAILED) return s;
    if (s === VISITING) return VISITING;
    this.visited?.push(node);
    if (this.base && this.affected && !this.affected[node]) {
      const b = this.base.state[node]!;
      this.state[node] = b;
      const p = this.base.problem.get(node);
      if (p) this.problem.set(node, p);
      return b;
    }
    if (this.base && this.changed && !this.changed[node]) return this.revisit(node);
    const fw = this.fw;
    if (!fw.cp.nodeUp[node]) return this.fail(node, { kind: 'blackhole', at: node, why: 'is down' });
    if (this.dest.kind === 'address' && fw.isLocal(node, this.dest.hex)) {
      this.state[node] = OK;
      return OK;
    }
    const d = fw.lookup(node, this.dest.hex);
    if (!d || !d.hops.length) return this.fail(node, { kind: 'blackhole', at: node, why: d ? 'discards it' : 'has no route' });
    this.state[node] = VISITING;
    this.onStack[node] = this.stack.length;
    this.stack.push(node);
    let outcome: number = OK;
    let problem: FlowProblem | undefined;
    for (const hop of d.hops) {
      if (hop.out === 'upstream') {
        if (this.dest.kind === 'upstream') continue;
        problem ??= { kind: 'blackhole', at: node, why: 'sends it out to the upstream' };
        outcome = FAILED;
        continue;
      }
      if (hop.out === 'attached' || hop.toNode === undefined) {
        const iface = fw.cp.net.ifaces[hop.iface]!;
        if (this.dest.kind === 'address' && iface.addrs.some((a) => containsHex(a.networkHex, a.length, this.dest.hex))) continue;
        problem ??= { kind: 'blackhole', at: node, why: `sends it out of ${iface.name}, where no device of the network is` };
        outcome = FAILED;
        continue;
      }
      if (this.successors) this.successors[node]!.push(hop.toNode);
      const next = hop.toNode;
      const r = this.visit(next);
      if (r === VISITING) {
        problem ??= { kind: 'loop', cycle: [...this.stack.slice(this.onStack[next]!), next] };
        outcome = FAILED;
      } else if (r === FAILED) {
        problem ??= this.problem.get(next) ?? { kind: 'blackhole', at: next, why: 'fails' };
        outcome = FAILED;
      }
    }
    this.stack.pop();
    this.onStack[node] = -1;
    if (outcome === OK) {
      this.state[node] = OK;
      return OK;
    }
    return this.fail(node, problem!);
  }

  /**
   * A device whose decision is the base one, on a path through devices whose decisions changed: its
   * next hops are the base walk's successors (no lookup). A device that failed in the base for a
   * reason of its own keeps that outcome; otherwise it arrives iff every successor does.
   */
  private revisit(node: number): number {
    const b = this.base!;
    if (b.state[node] === FAILED) {
      const p = b.problem.get(node);
      const next = p?.kind === 'blackhole' ? p.at : undefined;
      if (next === node || next === undefined) return this.fail(node, p ?? { kind: 'blackhole', at: node, why: 'fails' });
    }
    this.state[node] = VISITING;
    this.onStack[node] = this.stack.length;
    this.stack.push(node);
    let problem: FlowProblem | undefined;
    for (const next of b.successors[node]!) {
      const r = this.visit(next);
      if (r === VISITING) problem ??= { kind: 'loop', cycle: [...this.stack.slice(this.onStack[next]!), next] };
      else if (r === FAILED) problem ??= this.problem.get(next) ?? { kind: 'blackhole', at: next, why: 'fails' };
    }
    this.stack.pop();
    this.onStack[node] = -1;
    if (!problem && b.state[node] === OK) {
      this.state[node] = OK;
      return OK;
    }
    return this.fail(node, problem ?? b.problem.get(node) ?? { kind: 'blackhole', at: node, why: 'fails' });
  }
}

export const WALK_OK = OK;
export const WALK_FAILED = FAILED;
