import { describe, expect, it } from 'vitest';
import { availability, fixRate, pooled } from './uptime.js';
import type { Fault } from './types.js';

const H = 3_600_000;
const fault = (object: string, kind: Fault['kind'], openedAt: number, closedAt: number | null, id = 1): Fault => ({
  id, object, kind, openedAt, closedAt, acknowledgedAt: null, acknowledgedBy: null, durationMs: closedAt === null ? null : closedAt - openedAt, detail: null,
});

describe('availability', () => {
  const now = 100 * 86_400_000;
  it('merges overlapping outages and clips to the window and first-seen time', () => {
    const objs = [{ object: 'link:l', type: 'link', firstSeen: now - 10 * H }];
    const faults = [fault('link:l', 'link-down', now - 5 * H, now - 3 * H), fault('link:l', 'link-down', now - 4 * H, now - 2 * H, 2)];
    const [a] = availability(objs, faults, '30d', now);
    expect(a!.observedSeconds).toBe(10 * 3600);
    expect(a!.downSeconds).toBe(3 * 3600);
    expect(a!.ratio).toBeCloseTo(0.7, 9);
  });
  it('counts an open fault until now and ignores security faults', () => {
    const objs = [{ object: 'device:r1', type: 'device', firstSeen: 0 }];
    const faults = [fault('device:r1', 'device-unreachable', now - H, null), fault('device:r1', 'security', now - 50 * H, null, 2)];
    const [a] = availability(objs, faults, '30d', now);
    expect(a!.downSeconds).toBe(3600);
    expect(a!.ratio).toBeCloseTo(1 - 1 / (30 * 24), 9);
    expect(pooled([a!, { ...a!, downSeconds: 0 }])).toBeCloseTo(1 - 1 / (60 * 24), 9);
  });
});

describe('fixRate', () => {
  it('counts closed-in-3h, late, and leaves young open faults pending', () => {
    const now = 1000 * H;
    const faults = [
      fault('a', 'link-down', now - 10 * H, now - 9 * H),
      fault('b', 'link-down', now - 10 * H, now - 6 * H),
      fault('c', 'platform-down', now - 5 * H, null),
      fault('d', 'device-unreachable', now - H, null),
      fault('e', 'security', now - 10 * H, now - 9 * H),
    ];
    expect(fixRate(faults, 0, now, 3 * H, ['link-down', 'platform-down', 'device-unreachable'])).toEqual({ settled: 3, inTime: 1, ratio: 1 / 3 });
    expect(fixRate([], 0, now, 3 * H, ['link-down']).ratio).toBeNull();
  });
});
