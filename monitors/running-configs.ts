/**
 * Indicator 1 reads the deployed network's running configs through the target's driver (one SSH
 * session per device, as `stacks drift`): too costly for the NOC page's minutely KPI refresh, so
 * the daemon keeps the last read and starts a new one, in the background, once it is older than
 * its interval. The page shows the read's own time (`measuredAt`), never a stale answer as new.
 */
import type { IndicatorInputs } from './indicators/define.js';

export type RunningConfigs = NonNullable<IndicatorInputs['runningConfigs']>;

export class RunningConfigsCache {
  private latest: RunningConfigs | undefined;
  private inFlight: Promise<void> | undefined;
  private startedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly read: () => Promise<RunningConfigs | undefined>,
    private readonly everyMs: number,
    private readonly onError: (err: Error) => void,
  ) {}

  /** The last read; the first call (nothing read yet) waits for it, later ones never wait. */
  async current(now = Date.now()): Promise<RunningConfigs | undefined> {
    if (!this.inFlight && now - this.startedAt >= this.everyMs) {
      this.startedAt = now;
      this.inFlight = this.read()
        .then((r) => {
          // a target no longer deployed has no running configs: indicator 1 falls back to declared
          this.latest = r;
        })
        .catch((err: unknown) => this.onError(err as Error))
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    if (this.latest === undefined && this.inFlight) await this.inFlight;
    return this.latest;
  }
}
