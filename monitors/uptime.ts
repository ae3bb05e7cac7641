/**
 * Availability over rolling windows, pure. Three kinds of time, not two: an object is *down* while
 * it has an outage fault (device unreachable, link down, platform down) whose condition holds, *up*
 * while watched without one, and *unknown* while nobody watched — the daemon was not running (no
 * watch span covers the moment) or the object was not monitored yet. Uptime is up / watched, and
 * each figure carries its coverage (watched / window) so a ratio over a week of a year is never
 * read as the year's. Overlapping faults are merged so one outage seen twice is not counted twice.
 */
import { OUTAGE_KINDS, type Fault } from './types.js';
import type { MonitoredObject, WatchSpan } from './store/store.js';

export const WINDOWS = { '30d': 30 * 86_400_000, '365d': 365 * 86_400_000 } as const;
export type WindowName = keyof typeof WINDOWS;

export interface Availability {
  object: string;
  type: string;
  window: WindowName;
  /** Seconds of the window the object was watched, of those seconds down, and seconds unknown. */
  observedSeconds: number;
  downSeconds: number;
  unknownSeconds: number;
  /** watched / whole window (1 = watched every second of it). */
  coverage: number;
  /** up / watched; null when the object was not watched at all in the window. */
  ratio: number | null;
}

type Span = readonly [number, number];

/** Merge overlapping [a, b) spans, sorted. */
function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

const total = (spans: readonly Span[]) => spans.reduce((s, [a, b]) => s + (b - a), 0);

/** Intersection of two merged span lists. */
function intersect(x: readonly Span[], y: readonly Span[]): Span[] {
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const a = Math.max(x[i]![0], y[j]![0]);
    const b = Math.min(x[i]![1], y[j]![1]);
    if (b > a) out.push([a, b]);
    if (x[i]![1] < y[j]![1]) i++;
    else j++;
  }
  return out;
}

/** The watched time of [from, to]: the daemon's runs clipped to it, merged. */
function watched(spans: readonly WatchSpan[], from: number, to: number): Span[] {
  return mergeSpans(spans.map((s) => [Math.max(from, s.from), Math.min(to, s.to)] as const));
}

export function availability(
  objects: readonly MonitoredObject[],
  faults: readonly Fault[],
  spans: readonly WatchSpan[],
  window: WindowName,
  now: number,
): Availability[] {
  const byObject = new Map<string, Fault[]>();
  for (const f of faults) {
    if (!OUTAGE_KINDS.includes(f.kind)) continue;
    const list = byObject.get(f.object) ?? [];
    list.push(f);
    byObject.set(f.object, list);
  }
  return objects.map((o) => {
    const from = Math.max(now - WINDOWS[window], o.firstSeen);
    const whole = Math.max(0, now - from);
    const seen = watched(spans, from, now);
    const observed = total(seen);
    const outages = mergeSpans((byObject.get(o.object) ?? []).map((f) => [Math.max(from, f.openedAt), Math.min(now, f.clearedAt ?? now)] as const));
    const down = total(intersect(outages, seen));
    return {
      object: o.object,
      type: o.type,
      window,
      observedSeconds: observed / 1000,
      downSeconds: down / 1000,
      unknownSeconds: (whole - observed) / 1000,
      coverage: WINDOWS[window] > 0 ? observed / WINDOWS[window] : 0,
      ratio: observed > 0 ? (observed - down) / observed : null,
    };
  });
}

/** Pooled availability of a set of objects (e.g. every cloud platform): total up over total observed. */
export function pooled(list: readonly Availability[]): { ratio: number | null; coverage: number } {
  const observed = list.reduce((s, a) => s + a.observedSeconds, 0);
  const down = list.reduce((s, a) => s + a.downSeconds, 0);
  const coverage = list.length ? list.reduce((s, a) => s + a.coverage, 0) / list.length : 0;
  return { ratio: observed > 0 ? (observed - down) / observed : null, coverage };
}

export interface FixRate {
  /** Faults settled in the window: resolved, or unresolved longer than the fix window (already late). */
  settled: number;
  inTime: number;
  ratio: number | null;
}

/**
 * Share of faults fixed within `fixWindowMs` among faults opened in [from, now]. "Fixed" is the
 * resolve time (an operator's, or the clear time of an auto-resolving kind — the inventory's
 * policy, applied when the fault cleared). A fault unresolved but younger than the fix window is
 * pending and counted nowhere; one older is already late. A flap is one fault, so it counts once.
 */
export function fixRate(faults: readonly Fault[], from: number, now: number, fixWindowMs: number, kinds: readonly string[]): FixRate {
  let settled = 0;
  let inTime = 0;
  for (const f of faults) {
    if (!kinds.includes(f.kind) || f.openedAt < from || f.openedAt > now) continue;
    if (f.resolvedAt !== null) {
      settled++;
      if (f.resolvedAt - f.openedAt <= fixWindowMs) inTime++;
    } else if (now - f.openedAt > fixWindowMs) settled++;
  }
  return { settled, inTime, ratio: settled > 0 ? inTime / settled : null };
}
