import { describe, expect, it } from 'vitest';
import { RunningConfigsCache, type RunningConfigs } from './running-configs.js';

const reading = (at: number): RunningConfigs => ({ target: 'lab', instance: 'lab', at, devices: [] });

describe('the running configs indicator 1 reads, kept between reads', () => {
  it('waits for the first read, then answers from the last one and reads again in the background once it is older than the interval', async () => {
    const reads: Array<(r: RunningConfigs) => void> = [];
    const cache = new RunningConfigsCache(
      () => new Promise<RunningConfigs>((res) => reads.push(res)),
      1000,
      () => undefined,
    );
    const first = cache.current(0);
    expect(reads).toHaveLength(1);
    reads[0]!(reading(1));
    expect((await first)?.at).toBe(1);
    expect((await cache.current(500))?.at).toBe(1); // fresh enough: no new read
    expect(reads).toHaveLength(1);
    // stale: a new read starts, the caller gets the last answer at once
    expect((await cache.current(1500))?.at).toBe(1);
    expect(reads).toHaveLength(2);
    expect((await cache.current(1600))?.at).toBe(1); // one read in flight at a time
    expect(reads).toHaveLength(2);
    reads[1]!(reading(2));
    await new Promise((r) => setImmediate(r));
    expect((await cache.current(1700))?.at).toBe(2);
  });

  it('a failed read keeps the last answer (with its own time) and is reported', async () => {
    const errors: string[] = [];
    let fail = false;
    const cache = new RunningConfigsCache(
      async () => {
        if (fail) throw new Error('connection refused');
        return reading(7);
      },
      10,
      (e) => errors.push(e.message),
    );
    expect((await cache.current(0))?.at).toBe(7);
    fail = true;
    expect((await cache.current(100))?.at).toBe(7);
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual(['connection refused']);
  });

  it('nothing deployed: no running configs, so indicator 1 stays declared', async () => {
    const cache = new RunningConfigsCache(
      async () => undefined,
      10,
      () => undefined,
    );
    expect(await cache.current(0)).toBeUndefined();
  });
});
