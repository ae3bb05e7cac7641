/** Timed steps of a drill: what ran, when, how long, and whether it held. */
import type { Phase, StepRecord } from './report.js';
import { round } from './report.js';

export class DrillAborted extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'DrillAborted';
  }
}

export class Recorder {
  readonly steps: StepRecord[] = [];
  constructor(
    readonly startedMs: number,
    private readonly signal?: AbortSignal,
    private readonly onStep?: (s: StepRecord) => void,
  ) {}

  private push(s: StepRecord): void {
    this.steps.push(s);
    this.onStep?.(s);
  }

  private guard(name: string): void {
    if (this.signal?.aborted) throw new DrillAborted(`interrupted before "${name}"`);
  }

  /** An action: recorded, and a failure stops the drill (it throws on). */
  async step<T>(phase: Phase, name: string, fn: () => Promise<T>, detail?: (v: T) => string | undefined): Promise<T> {
    this.guard(name);
    const t0 = Date.now();
    try {
      const v = await fn();
      this.push({ phase, name, at_s: round((t0 - this.startedMs) / 1000), duration_s: round((Date.now() - t0) / 1000), ok: true, detail: detail?.(v) });
      return v;
    } catch (err) {
      this.push({
        phase,
        name,
        at_s: round((t0 - this.startedMs) / 1000),
        duration_s: round((Date.now() - t0) / 1000),
        ok: false,
        detail: (err as Error).message.slice(0, 300),
      });
      throw err;
    }
  }

  /** A check: recorded with its verdict; the drill goes on either way. */
  async check(phase: Phase, name: string, fn: () => Promise<{ ok: boolean; detail?: string }>): Promise<boolean> {
    this.guard(name);
    const t0 = Date.now();
    let r: { ok: boolean; detail?: string };
    try {
      r = await fn();
    } catch (err) {
      r = { ok: false, detail: (err as Error).message.slice(0, 300) };
    }
    this.push({ phase, name, at_s: round((t0 - this.startedMs) / 1000), duration_s: round((Date.now() - t0) / 1000), ok: r.ok, detail: r.detail });
    return r.ok;
  }

  /** Recorded without a guard: restore steps run even after an interrupt. */
  async always(phase: Phase, name: string, fn: () => Promise<string | void>): Promise<boolean> {
    const t0 = Date.now();
    try {
      const d = await fn();
      this.push({ phase, name, at_s: round((t0 - this.startedMs) / 1000), duration_s: round((Date.now() - t0) / 1000), ok: true, detail: d || undefined });
      return true;
    } catch (err) {
      this.push({
        phase,
        name,
        at_s: round((t0 - this.startedMs) / 1000),
        duration_s: round((Date.now() - t0) / 1000),
        ok: false,
        detail: (err as Error).message.slice(0, 300),
      });
      return false;
    }
  }
}
