/**
 * Availability over rolling windows, pure: an object is down while it has an open outage fault
 * (device unreachable, link down, platform down); overlapping faults are merged so one outage seen
 * twice is not counted twice. The window never reaches back before monitoring of the object began.
 */
import { OUTAGE_KINDS, type Fault } from './types.js';
import type { MonitoredObject } from './store/store.js';

export const WINDOWS = { '30d': 30 * 86_400_000, '365d': 365 * 86_400_000 } as const;
export type WindowName = keyof typeof WINDOWS;

export interface Availability {
  object: string;
  type: string;
  window: WindowName;
  /** Seconds under monitoring inside the window, and seconds down. */
  observedSeconds: number;
  downSeconds: number;
  /** up / observed; null when the object has not been observed in the window. */
  ratio: number | null;
}

function downMs(faults: readonly Fault[], from: number, to: number): number {
  const spans = faults
    .map((f) => [Math.max(from, f.openedAt), Math.min(to, f.closedAt ?? to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let cur: [number, number] | undefined;
  for (const [a, b] of spans) {
    if (cur && a <= cur[1]) cur[1] = Math.max(cur[1], b);
    else {
      if (cur) total += cur[1] - cur[0];
      cur = [a, b];
    }
  }
  if (cur) total += cur[1] - cur[0];
  return total;
}

export function availability(objects: readonly MonitoredObject[], faults: readonly Fault[], window: WindowName, now: number): Availability[] {
  const byObject = new Map<string, Fault[]>();
  for (const f of faults) {
    if (!OUTAGE_KINDS.includes(f.kind)) continue;
    const list = byObject.get(f.object) ?? [];
    list.push(f);
    byObject.set(f.object, list);
  }
  return objects.map((o) => {
    const from = Math.max(now - WINDOWS[window], o.firstSeen);
    const observed = Math.max(0, now - from);
    const down = downMs(byObject.get(o.object) ?? [], from, now);
    return { object: o.object, type: o.type, window, observedSeconds: observed / 1000, downSeconds: down / 1000, ratio: observed > 0 ? (observed - down) / observed : null };
  });
}

/** Pooled availability of a set of objects (e.g. every cloud platform): total up over total observed. */
export function pooled(list: readonly Availability[]): number | null {
  const observed = list.reduce((s, a) => s + a.observedSeconds, 0);
  const down = list.reduce((s, a) => s + a.downSeconds, 0);
  return observed > 0 ? (observed - down) / observed : null;
}

export interface FixRate {
  /** Faults settled in the window: closed, or open longer than the fix window (already late). */
  settled: number;
  inTime: number;
  ratio: number | null;
}

/**
 * Share of faults fixed within `fixWindowMs` among faults opened in [from, now]. A fault still open
 * but younger than the fix window is pending and counted nowhere; one open longer is already late.
 */
export function fixRate(faults: readonly Fault[], from: number, now: number, fixWindowMs: number, kinds: readonly string[]): FixRate {
  let settled = 0;
  let inTime = 0;
  for (const f of faults) {
    if (!kinds.includes(f.kind) || f.openedAt < from || f.openedAt > now) continue;
    if (f.closedAt !== null) {
      settled++;
      if (f.closedAt - f.openedAt <= fixWindowMs) inTime++;
    } else if (now - f.openedAt > fixWindowMs) settled++;
  }
  return { settled, inTime, ratio: settled > 0 ? inTime / settled : null };
}
