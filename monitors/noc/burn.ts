/**
 * SLO burn rates for the NOC page, pure: the same figure the synthesized Prometheus rules alert on
 * (error ratio over a window ÷ the error budget 1 − objective, per SLI), computed from cumulative
 * good/total counts the daemon samples. Prometheus holds the long history; the page needs only the
 * burn-rate windows, so samples are kept for the longest of them and thinned to one a minute.
 *
 * Invariants: a window reports the span it actually covers (`coveredMs`); a window with no events
 * in it has no burn rate (null), never 0 — a daemon that just started has seen nothing burn yet
 * and says so.
 */
export interface SliCounts {
  good: number;
  total: number;
}

export interface BurnRate {
  sli: string;
  window: string;
  windowMs: number;
  /** How much of the window the samples span (shorter after a restart). */
  coveredMs: number;
  errorRatio: number | null;
  burnRate: number | null;
}

interface Sample {
  at: number;
  counts: Map<string, SliCounts>;
}

export class BurnRateWindows {
  private samples: Sample[] = [];
  private readonly longest: number;

  constructor(
    /** Availability objective (indicator 9), e.g. 0.99. */
    readonly objective: number,
    readonly windows: ReadonlyArray<readonly [name: string, ms: number]>,
  ) {
    this.longest = Math.max(...windows.map(([, ms]) => ms));
  }

  /** Record the cumulative counts per SLI at `at` (counters only grow within one daemon run). */
  add(at: number, counts: ReadonlyMap<string, SliCounts>): void {
    this.samples.push({ at, counts: new Map(counts) });
    // keep the newest minute dense (the 5-minute window needs it), older ones one a minute
    const keep: Sample[] = [];
    let lastKept = -Infinity;
    for (const s of this.samples) {
      if (s.at < at - this.longest - 60_000) continue;
      if (s.at >= at - 120_000 || s.at - lastKept >= 60_000) {
        keep.push(s);
        lastKept = s.at;
      }
    }
    this.samples = keep;
  }

  rates(): BurnRate[] {
    const last = this.samples.at(-1);
    if (!last) return [];
    const budget = 1 - this.objective;
    const out: BurnRate[] = [];
    for (const sli of [...last.counts.keys()].sort()) {
      for (const [window, windowMs] of this.windows) {
        const from = this.samples.find((s) => s.at >= last.at - windowMs) ?? last;
        const a = from.counts.get(sli) ?? { good: 0, total: 0 };
        const b = last.counts.get(sli)!;
        const total = b.total - a.total;
        const bad = total - (b.good - a.good);
        const errorRatio = total > 0 ? bad / total : null;
        out.push({
          sli,
          window,
          windowMs,
          coveredMs: last.at - from.at,
          errorRatio,
          burnRate: errorRatio === null || budget <= 0 ? null : errorRatio / budget,
        });
      }
    }
    return out;
  }
}
