/**
 * Fresh devices (no config confirmed yet) are pushed as one batch: commit everywhere with confirm
 * timers, then check everyone against the whole batch, then confirm the devices whose checks pass
 * and roll back the rest. Pushing them one tree level at a time would make a fresh lab wait for
 * convergence once per level; a batch waits once. Changes to running devices still go one device at
 * a time (push.ts), so a bad change is caught and rolled back before it spreads.
 */
import type { DeviceRuntime } from './daemons.js';
import type { PushContext, DeviceOutcome } from './push.js';
import { connectDevice, expectationsFor } from './push.js';
import type { ConfigDriver } from '../drivers/types.js';
import { labDriver } from './driver.js';
import { checkOnce, describeFailure, type CheckResult } from './checks.js';
import { sleep } from './shell.js';
import { mapLimit } from '../lib/map-limit.js';
import type { DeviceSession } from './ssh.js';

interface InFlight {
  rt: DeviceRuntime;
  session: DeviceSession;
  drv: ConfigDriver;
  candidate: string;
  hash: string;
  started: number;
  last?: CheckResult;
  passed: boolean;
  reached: Set<string>;
}

/** `onPhase` names the batch's steps (commit, check, confirm) for the deploy's phase timings. */
export async function pushFreshBatch(
  ctx: PushContext,
  runtimes: DeviceRuntime[],
  parallel: number,
  signal?: AbortSignal,
  onPhase: (phase: string) => void = () => undefined,
): Promise<DeviceOutcome[]> {
  if (runtimes.length === 0) return [];
  onPhase('push-new: commit');
  const outcomes: DeviceOutcome[] = [];
  const inFlight: InFlight[] = [];
  const batch = new Set(runtimes.map((r) => r.device));
  await mapLimit(runtimes, parallel, async (rt) => {
    if (signal?.aborted) return;
    const started = Date.now();
    const candidate = ctx.candidate(rt.device);
    const hash = ctx.hash(candidate);
    try {
      ctx.emit(rt.device, 'connect');
      const session = await connectDevice(ctx, rt);
      const drv = labDriver(session);
      await drv.loadReplaceCandidate(candidate);
      await ctx.store.update((s) => Object.assign(s.devices[rt.device]!, { phase: 'committing', pending: { hash, startedAt: new Date().toISOString() } }));
      ctx.emit(rt.device, 'commit');
      await drv.commitConfig({ revertInSeconds: ctx.confirmSeconds });
      inFlight.push({ rt, session, drv, candidate, hash, started, passed: false, reached: new Set() });
    } catch (err) {
      outcomes.push({ device: rt.device, action: 'failed', reason: (err as Error).message, seconds: (Date.now() - started) / 1000 });
      ctx.emit(rt.device, 'failed', true);
    }
  });

  const deadline = Date.now() + ctx.checkTimeoutMs;
  const committed = new Set(inFlight.map((f) => f.rt.device));
  const inBatch = (id: string) => batch.has(id) && committed.has(id);
  onPhase('push-new: check');
  for (const f of inFlight) ctx.emit(f.rt.device, 'check');
  while (!signal?.aborted) {
    const open = inFlight.filter((f) => !f.passed);
    if (open.length === 0 || Date.now() > deadline) break;
    await mapLimit(open, parallel, async (f) => {
      f.last = await checkOnce(f.drv, expectationsFor(ctx, f.rt.device, inBatch), f.reached);
      f.passed = f.last.ok;
    });
    if (inFlight.some((f) => !f.passed)) await sleep(300);
  }

  onPhase('push-new: confirm');
  await mapLimit(inFlight, parallel, async (f) => {
    const id = f.rt.device;
    try {
      if (f.passed) {
        await f.drv.confirmCommit();
        await ctx.store.update((s) =>
          Object.assign(s.devices[id]!, { phase: 'confirmed', config: ctx.recorded(id), configHash: f.hash, pending: undefined, lastError: undefined }),
        );
        outcomes.push({
          device: id,
          action: 'changed',
          diff: { remove: [], add: f.candidate.split('\n').filter((l) => l.trim() && l !== '!') },
          seconds: (Date.now() - f.started) / 1000,
        });
        ctx.emit(id, 'changed', true);
      } else if (!signal?.aborted) {
        // Interrupted: leave the confirm timer armed; the device rolls itself back, the journal says `committing`.
        const reason = f.last ? describeFailure(f.last) : 'not checked';
        await f.drv.rollback();
        await ctx.store.update((s) => Object.assign(s.devices[id]!, { phase: 'rolled-back', pending: undefined, lastError: `rolled back: ${reason}` }));
        outcomes.push({ device: id, action: 'rolled-back', reason, seconds: (Date.now() - f.started) / 1000 });
        ctx.emit(id, 'rolled-back', true);
      }
    } finally {
      f.session.close();
    }
  });
  return outcomes;
}
