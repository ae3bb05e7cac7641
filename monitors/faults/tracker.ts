/**
 * The fault state machine, pure: observations in (object, kind, source, bad?, time), fault events
 * out. An object is bad while any of its sources is bad (a link has two ends; a trap and a poll may
 * both speak for one end). Debounce: a fault opens once the object has stayed bad for `openAfterMs`
 * and closes once it has stayed good for `closeAfterMs`; a flap inside either window changes
 * nothing, so a link bouncing every few seconds is one fault, not fifty. The opened and closed times
 * are when the object went bad and came back, not when the debounce expired.
 *
 * Reports can arrive out of order: a poll sent before a linkDown trap may answer after it, carrying
 * the state from before the trap. Each source's latest report time is kept, and an older report
 * from the same source is dropped, so stale news never closes (or reopens) a fault. Likewise a
 * "bad" report from before the moment a fault closed describes that fault (the other end of a link
 * may not have sent its linkUp yet when a poll of it went out): it does not open a new one.
 */
import type { FaultKind } from '../types.js';

export interface DebounceSettings {
  openAfterMs: number;
  closeAfterMs: number;
}

export const DEFAULT_DEBOUNCE: DebounceSettings = { openAfterMs: 0, closeAfterMs: 30_000 };

export type FaultEvent =
  | { type: 'open'; object: string; kind: FaultKind; at: number; detail?: string }
  | { type: 'close'; object: string; kind: FaultKind; at: number };

interface ObjectState {
  object: string;
  kind: FaultKind;
  badSources: Set<string>;
  badSince: number | null;
  goodSince: number | null;
  open: boolean;
  detail?: string;
}

const keyOf = (object: string, kind: FaultKind) => `${kind}\u0000${object}`;

export class FaultTracker {
  private readonly states = new Map<string, ObjectState>();
  /** Latest report time per object and source; outlives the fault so a late report cannot reopen it. */
  private readonly lastReport = new Map<string, number>();
  /** When each object's last fault closed (the time it came back), per object and kind. */
  private readonly closedAt = new Map<string, number>();

  /** `alreadyOpen`: faults the store holds open (after a restart they stay open, not re-opened). */
  constructor(
    private readonly settings: DebounceSettings = DEFAULT_DEBOUNCE,
    alreadyOpen: ReadonlyArray<{ object: string; kind: FaultKind; openedAt: number }> = [],
  ) {
    for (const f of alreadyOpen) {
      this.states.set(keyOf(f.object, f.kind), {
        object: f.object,
        kind: f.kind,
        badSources: new Set(),
        badSince: f.openedAt,
        goodSince: null,
        open: true,
      });
    }
  }

  /** Whether a report from `source` made at `at` is no older than the last one taken from it. */
  isCurrent(object: string, kind: FaultKind, source: string, at: number): boolean {
    const previous = this.lastReport.get(`${keyOf(object, kind)}\u0000${source}`);
    return previous === undefined || at >= previous;
  }

  observe(object: string, kind: FaultKind, source: string, bad: boolean, at: number, detail?: string): FaultEvent[] {
    const key = keyOf(object, kind);
    if (!this.isCurrent(object, kind, source, at)) return [];
    this.lastReport.set(`${key}\u0000${source}`, at);
    let s = this.states.get(key);
    if (!s) {
      if (!bad) return [];
      if (at <= (this.closedAt.get(key) ?? -Infinity)) return [];
      s = { object, kind, badSources: new Set(), badSince: null, goodSince: null, open: false };
      this.states.set(key, s);
    }
    if (bad) {
      s.badSources.add(source);
      if (detail) s.detail = detail;
    } else s.badSources.delete(source);
    const events: FaultEvent[] = [];
    if (s.badSources.size > 0) {
      s.goodSince = null;
      s.badSince ??= at;
    } else {
      if (s.open) s.goodSince ??= at;
      else s.badSince = null;
    }
    this.advance(s, at, events);
    return events;
  }

  /** Apply the debounce windows that have expired by `now` (call it every second or so). */
  tick(now: number): FaultEvent[] {
    const events: FaultEvent[] = [];
    for (const s of this.states.values()) this.advance(s, now, events);
    return events;
  }

  isOpen(object: string, kind: FaultKind): boolean {
    return this.states.get(keyOf(object, kind))?.open ?? false;
  }

  openCount(): number {
    let n = 0;
    for (const s of this.states.values()) if (s.open) n++;
    return n;
  }

  private advance(s: ObjectState, now: number, events: FaultEvent[]): void {
    const key = keyOf(s.object, s.kind);
    if (!s.open && s.badSources.size > 0 && s.badSince !== null && now - s.badSince >= this.settings.openAfterMs) {
      s.open = true;
      events.push({ type: 'open', object: s.object, kind: s.kind, at: s.badSince, ...(s.detail ? { detail: s.detail } : {}) });
    } else if (s.open && s.badSources.size === 0 && s.goodSince !== null && now - s.goodSince >= this.settings.closeAfterMs) {
      events.push({ type: 'close', object: s.object, kind: s.kind, at: s.goodSince });
      this.closedAt.set(key, s.goodSince);
      this.states.delete(key);
    } else if (!s.open && s.badSources.size === 0) {
      this.states.delete(key);
    }
  }
}
