/**
 * The fault state machine, pure: observations in (object, kind, source, bad?, time), fault events
 * out. An object is bad while any of its sources is bad (a link has two ends; a trap and a poll may
 * both speak for one end). Debounce: a fault opens once the object has stayed bad for `openAfterMs`
 * and clears once it has stayed good for `closeAfterMs`; a flap inside either window changes
 * nothing. The opened and cleared times are when the object went bad and came back, not when the
 * debounce expired.
 *
 * Flaps: an object whose state changes `flap.changes` times within `flap.withinMs` is one
 * "flapping" fault (opened at the first change of the burst, even when no single down lasted the
 * open delay), and it clears only after the object has stayed good for a whole flap window. A
 * flapping fault never resolves itself: a person must look at it, so a bouncing link cannot lift
 * indicator 13 with a run of faults "fixed" in seconds.
 *
 * Clearing is the condition going away. Whether that also resolves the fault (the time that counts
 * as "fixed") is the inventory's policy: kinds in `autoResolveKinds` resolve when they clear, the
 * others wait for an operator (`stacks faults resolve`). The clear event says which.
 *
 * Reports can arrive out of order: a poll sent before a linkDown trap may answer after it, carrying
 * the state from before the trap. Each source's latest report time is kept, and an older report
 * from the same source is dropped, so stale news never clears (or reopens) a fault. Likewise a
 * "bad" report from before the moment a fault cleared describes that fault (the other end of a link
 * may not have sent its linkUp yet when a poll of it went out): it does not open a new one.
 */
import type { FaultKind } from '../types.js';

interface FlapSettings {
  /** State changes (down or up) that make a burst a flap. */
  changes: number;
  withinMs: number;
}

export interface DebounceSettings {
  openAfterMs: number;
  closeAfterMs: number;
  /** Absent: no flap detection (each outage that outlasts the debounce is its own fault). */
  flap?: FlapSettings;
  /** Kinds whose fault resolves when its condition clears (see the inventory's fault policy). */
  autoResolveKinds?: readonly FaultKind[];
}

export type FaultEvent =
  | { type: 'open'; object: string; kind: FaultKind; at: number; detail?: string; flapping?: boolean }
  | { type: 'flapping'; object: string; kind: FaultKind; at: number }
  | { type: 'clear'; object: string; kind: FaultKind; at: number; autoResolve: boolean };

interface ObjectState {
  object: string;
  kind: FaultKind;
  badSources: Set<string>;
  badSince: number | null;
  goodSince: number | null;
  open: boolean;
  flapping: boolean;
  detail?: string;
}

const keyOf = (object: string, kind: FaultKind) => `${kind}\u0000${object}`;

export class FaultTracker {
  private readonly states = new Map<string, ObjectState>();
  /** Latest report time per object and source; outlives the fault so a late report cannot reopen it. */
  private readonly lastReport = new Map<string, number>();
  /** When each object's last fault cleared (the time it came back), per object and kind. */
  private readonly clearedAt = new Map<string, number>();
  /** Times of each object's recent state changes, pruned to the flap window. */
  private readonly changes = new Map<string, number[]>();

  /** `alreadyOpen`: faults the store holds open (after a restart they stay open, not re-opened). */
  constructor(
    private readonly settings: DebounceSettings,
    alreadyOpen: ReadonlyArray<{ object: string; kind: FaultKind; openedAt: number; flapping?: boolean }> = [],
  ) {
    for (const f of alreadyOpen) {
      this.states.set(keyOf(f.object, f.kind), {
        object: f.object,
        kind: f.kind,
        badSources: new Set(),
        badSince: f.openedAt,
        goodSince: null,
        open: true,
        flapping: f.flapping ?? false,
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
      if (at <= (this.clearedAt.get(key) ?? -Infinity)) return [];
      s = { object, kind, badSources: new Set(), badSince: null, goodSince: null, open: false, flapping: false };
      this.states.set(key, s);
    }
    // An open fault restored from the store has no sources yet but is still bad until a good report.
    const wasBad = s.badSources.size > 0 || (s.open && s.goodSince === null);
    if (bad) {
      s.badSources.add(source);
      if (detail) s.detail = detail;
    } else s.badSources.delete(source);
    const isBad = s.badSources.size > 0;
    if (isBad !== wasBad) this.noteChange(key, at);
    const events: FaultEvent[] = [];
    if (isBad) {
      s.goodSince = null;
      s.badSince ??= at;
    } else {
      if (s.open) s.goodSince ??= at;
      else s.badSince = null;
    }
    this.checkFlap(s, key, at, events);
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

  isFlapping(object: string, kind: FaultKind): boolean {
    return this.states.get(keyOf(object, kind))?.flapping ?? false;
  }

  openCount(): number {
    let n = 0;
    for (const s of this.states.values()) if (s.open) n++;
    return n;
  }

  private noteChange(key: string, at: number): void {
    const flap = this.settings.flap;
    if (!flap) return;
    const list = (this.changes.get(key) ?? []).filter((t) => at - t < flap.withinMs);
    list.push(at);
    this.changes.set(key, list);
  }

  private checkFlap(s: ObjectState, key: string, at: number, events: FaultEvent[]): void {
    const flap = this.settings.flap;
    if (!flap || s.flapping) return;
    const recent = (this.changes.get(key) ?? []).filter((t) => at - t < flap.withinMs);
    if (recent.length < flap.changes) return;
    s.flapping = true;
    if (s.open) {
      events.push({ type: 'flapping', object: s.object, kind: s.kind, at });
      return;
    }
    // The burst itself is the fault: open it at its first change, bad or not right now.
    s.open = true;
    s.badSince = recent[0]!;
    if (s.badSources.size === 0) s.goodSince = at;
    events.push({ type: 'open', object: s.object, kind: s.kind, at: s.badSince, flapping: true, ...(s.detail ? { detail: s.detail } : {}) });
  }

  private advance(s: ObjectState, now: number, events: FaultEvent[]): void {
    const key = keyOf(s.object, s.kind);
    const clearAfter = s.flapping ? Math.max(this.settings.closeAfterMs, this.settings.flap?.withinMs ?? 0) : this.settings.closeAfterMs;
    if (!s.open && s.badSources.size > 0 && s.badSince !== null && now - s.badSince >= this.settings.openAfterMs) {
      s.open = true;
      events.push({ type: 'open', object: s.object, kind: s.kind, at: s.badSince, ...(s.detail ? { detail: s.detail } : {}) });
    } else if (s.open && s.badSources.size === 0 && s.goodSince !== null && now - s.goodSince >= clearAfter) {
      const autoResolve = !s.flapping && (this.settings.autoResolveKinds ?? []).includes(s.kind);
      events.push({ type: 'clear', object: s.object, kind: s.kind, at: s.goodSince, autoResolve });
      this.clearedAt.set(key, s.goodSince);
      this.states.delete(key);
      this.changes.delete(key);
    } else if (!s.open && s.badSources.size === 0) {
      this.states.delete(key);
    }
  }
}
