/**
 * One device through the NAPALM cycle, journalled in the lab state at every step so an interrupted
 * deploy resumes: a device left `committing` is compared again on the next run (its own confirm
 * timer has rolled it back, or the candidate is already running and only needs confirming).
 */
import type { ScopedTopology } from './scope.js';
import type { StateStore } from './state.js';
import type { DeviceRuntime } from './daemons.js';
import { DeviceSession } from './ssh.js';
import { diffIsEmpty } from '../drivers/frr/driver.js';
import type { ConfigDiff } from '../drivers/types.js';
import { labDriver } from './driver.js';
import { checkUntil, describeFailure, type Expectations } from './checks.js';
import { faultedLinkIds } from './faults.js';
import { sleep } from './shell.js';

export interface DeviceOutcome {
  device: string;
  action: 'unchanged' | 'changed' | 'rolled-back' | 'failed';
  diff?: ConfigDiff;
  reason?: string;
  /** How the commit was applied: only the difference (`incremental`), a restart (`replace`), or a first config (`initial`). */
  commit?: 'incremental' | 'replace' | 'initial';
  seconds: number;
}

export interface PushContext {
  scoped: ScopedTopology;
  store: StateStore;
  privateKey: Buffer;
  confirmSeconds: number;
  checkTimeoutMs: number;
  refresh: boolean;
  /** The config the device is to run, secret values in (pushed, hashed; never recorded). */
  candidate: (device: string) => string;
  /** The same config with its secret references (what the state records). */
  recorded: (device: string) => string;
  hash: (config: string) => string;
  emit: (device: string, step: string, done?: boolean) => void;
}

/** sshd has just been started on a fresh device: retry the first connection for a few seconds. */
export async function connectDevice(ctx: PushContext, rt: DeviceRuntime): Promise<DeviceSession> {
  const pinned = ctx.store.state.devices[rt.device]!.hostKey;
  for (let attempt = 0; ; attempt++) {
    try {
      return await DeviceSession.connect({ device: rt.device, host: rt.mgmtAddress, privateKey: ctx.privateKey, pinnedHostKey: pinned });
    } catch (err) {
      if ((err as { code?: string }).code === 'E_LAB_HOSTKEY' || attempt >= 20) throw err;
      await sleep(250);
    }
  }
}

/**
 * What a device's post-checks expect now: neighbours and loopbacks of devices already confirmed
 * (and of the devices committed in the same batch, when one is given).
 */
export function expectationsFor(ctx: PushContext, device: string, alsoExpect: (id: string) => boolean = () => false): Expectations {
  const s = ctx.store.state;
  const confirmed = (id: string) => (s.devices[id]?.phase === 'confirmed' || alsoExpect(id)) && !s.faults.devices.includes(id);
  const down = faultedLinkIds(ctx.scoped, s);
  const neighbours = new Set<string>();
  for (const l of ctx.scoped.links) {
    if (down.has(l.id)) continue;
    const peer = l.a.device === device ? l.b.device : l.b.device === device ? l.a.device : undefined;
    if (peer && confirmed(peer)) neighbours.add(ctx.scoped.devices.find((d) => d.id === peer)!.routerId);
  }
  const loopbacks: string[] = [];
  for (const d of ctx.scoped.devices) {
    if (d.id !== device && !confirmed(d.id)) continue;
    loopbacks.push(d.loopback.ipv4.split('/')[0]!, d.loopback.ipv6.split('/')[0]!);
  }
  return { neighbours: [...neighbours], loopbacks };
}

export async function pushDevice(ctx: PushContext, rt: DeviceRuntime): Promise<DeviceOutcome> {
  const started = Date.now();
  const id = rt.device;
  const done = (o: Omit<DeviceOutcome, 'device' | 'seconds'>): DeviceOutcome => {
    ctx.emit(id, o.action, true);
    return { device: id, ...o, seconds: (Date.now() - started) / 1000 };
  };
  const candidate = ctx.candidate(id);
  const hash = ctx.hash(candidate);
  const prev = ctx.store.state.devices[id]!;
  if (!ctx.refresh && prev.phase === 'confirmed' && prev.configHash === hash) return done({ action: 'unchanged' });

  let session: DeviceSession | undefined;
  let committing = false;
  try {
    ctx.emit(id, 'connect');
    session = await connectDevice(ctx, rt);
    const drv = labDriver(session);
    ctx.emit(id, 'load');
    await drv.loadReplaceCandidate(candidate);
    const diff = await drv.compareConfig();
    if (diffIsEmpty(diff)) {
      // Already committed (e.g. a deploy interrupted after its confirm): disarm any timer, record it.
      if (await drv.hasPendingCommit()) await drv.confirmCommit().catch(() => undefined);
      await ctx.store.update((s) =>
        Object.assign(s.devices[id]!, { phase: 'confirmed', config: ctx.recorded(id), configHash: hash, pending: undefined, lastError: undefined }),
      );
      return done({ action: 'unchanged' });
    }
    await ctx.store.update((s) => Object.assign(s.devices[id]!, { phase: 'committing', pending: { hash, startedAt: new Date().toISOString() } }));
    ctx.emit(id, 'commit');
    committing = true;
    // Only the difference is applied (a device on its boot config gets the whole file in one pass).
    const commit = await drv.commitConfig({ revertInSeconds: ctx.confirmSeconds });
    ctx.emit(id, 'check');
    const check = await checkUntil(drv, () => expectationsFor(ctx, id), ctx.checkTimeoutMs);
    if (check.ok) {
      await drv.confirmCommit();
      await ctx.store.update((s) =>
        Object.assign(s.devices[id]!, { phase: 'confirmed', config: ctx.recorded(id), configHash: hash, pending: undefined, lastError: undefined }),
      );
      return done({ action: 'changed', diff, commit: commit.method });
    }
    const reason = describeFailure(check);
    ctx.emit(id, 'rollback');
    await drv.rollback();
    await ctx.store.update((s) =>
      Object.assign(s.devices[id]!, { phase: prev.config ? 'confirmed' : 'rolled-back', pending: undefined, lastError: `rolled back: ${reason}` }),
    );
    return done({ action: 'rolled-back', diff, reason });
  } catch (err) {
    const reason = (err as Error).message;
    // A commit that failed half-way must not stay: restore the rollback point (best effort; the
    // device's own timer does it anyway if this fails too).
    if (committing && session)
      await labDriver(session)
        .rollback()
        .catch(() => undefined);
    await ctx.store.update((s) => Object.assign(s.devices[id]!, { lastError: reason, pending: committing ? undefined : s.devices[id]!.pending }));
    return done({ action: 'failed', reason });
  } finally {
    session?.close();
  }
}
