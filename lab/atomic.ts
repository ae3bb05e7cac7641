/**
 * `stacks deploy --atomic`: the changed devices as one network-wide transaction (what Cisco NSO
 * offers and NAPALM does not). Per stage (all at once; or `--canary N` first, then the rest; or one
 * stage per level of the site tree): commit every device of the stage with a confirm timer, let the
 * network settle, then check the whole network — before any commit the model verify (what `stacks
 * verify` asks of the model) and the config verifier over the configs as they would run, against what
 * runs now (atomic-config-gate.ts); after each stage's commit live reachability of every loopback from every device over both families. A failed stage rolls back every device committed so far (this stage's and the
 * earlier ones', newest first) and stops; when every stage passes, all are confirmed together.
 *
 * Invariants: no device is confirmed before every stage passed; every commit carries a confirm
 * timer that outlasts the transaction, so a deployer killed mid-way leaves each device to roll
 * itself back, and the journal (state `committing`) makes the next deploy compare and redo it.
 */
import type { DeviceRuntime } from './daemons.js';
import type { DeviceOutcome, PushContext } from './push.js';
import { connectDevice } from './push.js';
import { labDriver } from './driver.js';
import { diffIsEmpty } from '../drivers/frr/driver.js';
import type { ConfigDriver } from '../drivers/types.js';
import { deployLevels } from './model.js';
import { waitConverged } from './converge.js';
import { sleep } from './shell.js';
import { mapLimit } from '../lib/map-limit.js';
import type { DeviceSession } from './ssh.js';
import { verifyTopology } from '../network/verify/index.js';
import { configGate } from './atomic-config-gate.js';
import type { VerificationReport } from '../network/verify/report.js';

export interface AtomicOptions {
  canary?: number;
  stageBy?: 'level';
  parallel: number;
  /** Time for a change to show before the live checks (the lab's OSPF dead interval is 3 s). */
  settleMs?: number;
  /**
   * Every device of a stage applies its change at the same instant (and a failed stage is rolled
   * back on all of them at once): first each is connected, loaded and compared, then all commit
   * with one `at`. For changes neighbours must take together (an OSPFv2 key switch on FRR 8.4).
   */
  together?: boolean;
  /**
   * The config verifier's gate before any commit (atomic-config-gate.ts; default on). Off only to
   * prove the live checks and the rollback on a change the verifier would refuse up front.
   */
  configGate?: boolean;
}

export interface StageReport {
  devices: string[];
  ok: boolean;
  reason?: string;
  seconds: number;
  /** With `together`: the spread of the devices' apply instants (latest − earliest, ms). */
  applySpreadMs?: number;
  /** With `together`: the longest vtysh pass of the devices (ms), each from that instant. */
  applyMs?: number;
}

/** How far ahead the shared instant is set: every device's commit script must reach it waiting. */
const leadMs = (devices: number) => 1500 + 150 * devices;

interface Open {
  rt: DeviceRuntime;
  session: DeviceSession;
  drv: ConfigDriver;
  candidate: string;
  hash: string;
  started: number;
}

/** Stages of a transaction over `changed` (device ids in deploy order). */
function stagesOf(changed: string[], levels: string[][], opts: { canary?: number; stageBy?: 'level' }): string[][] {
  if (opts.stageBy === 'level') return levels.map((l) => l.filter((id) => changed.includes(id))).filter((l) => l.length);
  if (opts.canary && opts.canary < changed.length) return [changed.slice(0, opts.canary), changed.slice(opts.canary)];
  return changed.length ? [changed] : [];
}

export async function pushAtomic(
  ctx: PushContext,
  runtimes: DeviceRuntime[],
  opts: AtomicOptions,
  emitPhase: (p: string) => void,
): Promise<{ outcomes: DeviceOutcome[]; stages: StageReport[] }> {
  const byId = new Map(runtimes.map((r) => [r.device, r]));
  const order = deployLevels(ctx.scoped)
    .flat()
    .filter((id) => byId.has(id));
  // Which devices change: the journal says so for most; a device left `committing` is compared on the device.
  const changed = order.filter((id) => {
    const s = ctx.store.state.devices[id]!;
    return ctx.refresh || s.phase !== 'confirmed' || s.configHash !== ctx.hash(ctx.candidate(id));
  });
  const outcomes: DeviceOutcome[] = order.filter((id) => !changed.includes(id)).map((device) => ({ device, action: 'unchanged' as const, seconds: 0 }));
  const stages = stagesOf(changed, deployLevels(ctx.scoped), opts);
  const reports: StageReport[] = [];
  const open: Open[] = [];
  let failure: string | undefined;

  emitPhase('atomic: model verify');
  const verified: VerificationReport = verifyTopology(ctx.scoped.topology, {});
  if (!verified.summary.passed)
    failure = `model verify failed: ${verified.checks
      .filter((c) => !c.passed)
      .map((c) => c.id)
      .join(', ')}`;
  if (!failure && stages.length && opts.configGate !== false) {
    emitPhase('atomic: config verify');
    failure = configGate(ctx).failure;
  }

  for (const [n, stage] of stages.entries()) {
    if (failure) break;
    const started = Date.now();
    emitPhase(`atomic: stage ${n + 1}/${stages.length} commit`);
    const refused: string[] = [];
    /** Journal the commit, then make it (at the shared instant, with `together`). */
    const commit = async (f: Open, at?: number) => {
      const id = f.rt.device;
      await ctx.store.update((s) => Object.assign(s.devices[id]!, { phase: 'committing', pending: { hash: f.hash, startedAt: new Date().toISOString() } }));
      ctx.emit(id, 'commit');
      open.push(f);
      return f.drv.commitConfig({ revertInSeconds: ctx.confirmSeconds, ...(at !== undefined ? { at } : {}) });
    };
    // With `together`, each device waits here once compared; all then commit with one instant.
    const ready: Open[] = [];
    await mapLimit(stage, opts.together ? stage.length : opts.parallel, async (id) => {
      const rt = byId.get(id)!;
      const candidate = ctx.candidate(id);
      const hash = ctx.hash(candidate);
      const t0 = Date.now();
      let session: DeviceSession | undefined;
      try {
        ctx.emit(id, 'connect');
        session = await connectDevice(ctx, rt);
        const drv = labDriver(session);
        await drv.loadReplaceCandidate(candidate);
        if (diffIsEmpty(await drv.compareConfig()) && ctx.store.state.devices[id]!.phase === 'confirmed') {
          session.close();
          outcomes.push({ device: id, action: 'unchanged', seconds: (Date.now() - t0) / 1000 });
          return;
        }
        const f: Open = { rt, session, drv, candidate, hash, started: t0 };
        if (opts.together) ready.push(f);
        else await commit(f);
      } catch (err) {
        if (session && !open.some((o) => o.session === session)) session.close();
        refused.push(`${id}: ${(err as Error).message}`);
      }
    });
    let applySpreadMs: number | undefined;
    let applyMs: number | undefined;
    if (refused.length) for (const f of ready) f.session.close();
    else if (ready.length) {
      const at = Date.now() + leadMs(ready.length);
      const applied: number[] = [];
      await Promise.all(
        ready.map(async (f) => {
          try {
            const r = await commit(f, at);
            if (r.appliedAt !== undefined) applied.push(r.appliedAt);
            if (r.applyMs !== undefined) applyMs = Math.max(applyMs ?? 0, r.applyMs);
          } catch (err) {
            refused.push(`${f.rt.device}: ${(err as Error).message}`);
          }
        }),
      );
      if (applied.length) applySpreadMs = Math.max(...applied) - Math.min(...applied);
    }
    if (refused.length) failure = `commit refused on ${refused.join('; ')}`;
    if (!failure) {
      emitPhase(`atomic: stage ${n + 1}/${stages.length} check`);
      await sleep(opts.settleMs ?? 4000);
      const live = await waitConverged(ctx.scoped, ctx.store.state, { timeoutMs: ctx.checkTimeoutMs });
      if (!live.converged)
        failure = `live check failed after stage ${n + 1}: ${live.failing.length} device→loopback pairs unreachable, e.g. ${live.failing.slice(0, 4).join('; ')}`;
    }
    reports.push({
      devices: stage,
      ok: !failure,
      reason: failure,
      seconds: (Date.now() - started) / 1000,
      ...(applySpreadMs !== undefined ? { applySpreadMs } : {}),
      ...(applyMs !== undefined ? { applyMs } : {}),
    });
  }

  emitPhase(failure ? 'atomic: roll back all' : 'atomic: confirm all');
  // Roll back newest first, so each device returns to the network it was committed into.
  const settle = failure ? [...open].reverse() : open;
  const settleOne = async (f: Open) => {
    const id = f.rt.device;
    try {
      if (failure) {
        await f.drv.rollback();
        const prev = ctx.store.state.devices[id]!;
        await ctx.store.update((s) =>
          Object.assign(s.devices[id]!, {
            phase: prev.config ? 'confirmed' : 'rolled-back',
            pending: undefined,
            lastError: `rolled back with the transaction: ${failure}`,
          }),
        );
        outcomes.push({ device: id, action: 'rolled-back', reason: failure, seconds: (Date.now() - f.started) / 1000 });
      } else {
        await f.drv.confirmCommit();
        await ctx.store.update((s) =>
          Object.assign(s.devices[id]!, { phase: 'confirmed', config: ctx.recorded(id), configHash: f.hash, pending: undefined, lastError: undefined }),
        );
        outcomes.push({ device: id, action: 'changed', commit: 'incremental', seconds: (Date.now() - f.started) / 1000 });
      }
      ctx.emit(id, failure ? 'rolled-back' : 'changed', true);
    } catch (err) {
      outcomes.push({ device: id, action: 'failed', reason: `${id}: ${(err as Error).message}`, seconds: (Date.now() - f.started) / 1000 });
    } finally {
      f.session.close();
    }
  };
  // Devices that changed together go back together; otherwise one at a time, newest first.
  if (opts.together && failure) await Promise.all(settle.map(settleOne));
  else for (const f of settle) await settleOne(f);
  // A device the transaction never committed (its commit refused, or a gate failed before any
  // commit) is named with the failure: nothing ran on it, and the deploy must not read as done.
  for (const r of failure ? changed.filter((id) => !open.some((o) => o.rt.device === id) && !outcomes.some((o) => o.device === id)) : [])
    outcomes.push({ device: r, action: 'failed', reason: failure, seconds: 0 });
  return { outcomes, stages: reports };
}
