import { describe, expect, it } from 'vitest';
import { BurnRateWindows } from './burn.js';

const M = 60_000;

describe('burn rates', () => {
  it('is the error ratio over the window divided by the budget, and says how much of the window it saw', () => {
    const b = new BurnRateWindows(0.99, [
      ['5m', 5 * M],
      ['1h', 60 * M],
    ]);
    const t0 = 1_000_000_000;
    b.add(t0, new Map([['link', { good: 0, total: 0 }]]));
    expect(b.rates().every((r) => r.burnRate === null)).toBe(true); // nothing seen: no figure, not 0
    // 50 minutes of all-good events, then 5 minutes with 10% errors
    b.add(t0 + 50 * M, new Map([['link', { good: 1000, total: 1000 }]]));
    b.add(t0 + 55 * M, new Map([['link', { good: 1090, total: 1100 }]]));
    const [fast, slow] = b.rates();
    expect(fast).toMatchObject({ window: '5m', coveredMs: 5 * M });
    expect(fast!.burnRate).toBeCloseTo(10, 5); // 10% errors / 1% budget
    expect(slow).toMatchObject({ window: '1h', coveredMs: 55 * M }); // the daemon ran 55 of the 60 minutes
    expect(slow!.burnRate).toBeCloseTo(10 / 1100 / 0.01, 5);
  });

  it('keeps only what the longest window needs', () => {
    const b = new BurnRateWindows(0.99, [['5m', 5 * M]]);
    for (let i = 0; i <= 600; i++) b.add(i * 10_000, new Map([['d', { good: i, total: i }]]));
    expect((b as unknown as { samples: unknown[] }).samples.length).toBeLessThan(25);
    expect(b.rates()[0]).toMatchObject({ coveredMs: 5 * M, burnRate: 0 });
  });
});
