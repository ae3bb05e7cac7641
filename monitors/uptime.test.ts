import { describe, expect, it } from 'vitest';
import { availability, fixRate, pooled } from './uptime.js';
import type { Fault } from './types.js';

const H = 3_600_000;
const fault = (object: string, kind: Fault['kind'], openedAt: number, closedAt: number | null, id = 1): Fault => ({
  id,
  object,
  kind,
  openedAt,
  closedAt,
  state: closedAt === null ? 'open' : 'closed',
  clearedAt: closedAt,
  assignedAt: null,
  assignedTo: null,
  assignedBy: null,
  resolvedAt: closedAt,
  resolvedBy: closedAt === null ? null : 'stacks-daemon',
  resolution: null,
  cause: null,
  closedBy: null,
  flapping: false,
  acknowledgedAt: null,
  acknowledgedBy: null,
  durationMs: closedAt === null ? null : closedAt - openedAt,
  detail: null,
});

describe('availability', () => {
  const now = 100 * 86_400_000;
  const always = [{ id: 1, from: 0, to: now }];
  it('merges overlapping outages and clips to the window and first-seen time', () => {
    const objs = [{ object: 'link:l', type: 'link', firstSeen: now - 10 * H }];
    const faults = [fault('link:l', 'link-down', now - 5 * H, now - 3 * H), fault('link:l', 'link-down', now - 4 * H, now - 2 * H, 2)];
    const [a] = availability(objs, faults, always, '30d', now);
    expect(a!.observedSeconds).toBe(10 * 3600);
    expect(a!.downSeconds).toBe(3 * 3600);
    expect(a!.ratio).toBeCloseTo(0.7, 9);
  });
  it('counts an open fault until now and ignores security faults', () => {
    const objs = [{ object: 'device:r1', type: 'device', firstSeen: 0 }];
    const faults = [fault('device:r1', 'device-unreachable', now - H, null), fault('device:r1', 'security', now - 50 * H, null, 2)];
    const [a] = availability(objs, faults, always, '30d', now);
    expect(a!.downSeconds).toBe(3600);
    expect(a!.ratio).toBeCloseTo(1 - 1 / (30 * 24), 9);
    expect(pooled([a!, { ...a!, downSeconds: 0 }]).ratio).toBeCloseTo(1 - 1 / (60 * 24), 9);
  });
});

describe('gaps', () => {
  it('counts time nobody watched as unknown, not up, and reports the coverage', () => {
    const now = 100 * 86_400_000;
    const objs = [{ object: 'platform:p', type: 'platform', firstSeen: now - 10 * H }];
    // the daemon ran 10h→6h ago and 4h ago→now: the 2 h between are a gap; the outage spans it
    const spans = [
      { id: 1, from: now - 10 * H, to: now - 6 * H },
      { id: 2, from: now - 4 * H, to: now },
    ];
    const faults = [fault('platform:p', 'platform-down', now - 7 * H, now - 3 * H)];
    const [a] = availability(objs, faults, spans, '30d', now);
    expect(a!.observedSeconds).toBe(8 * 3600);
    expect(a!.unknownSeconds).toBe(2 * 3600);
    expect(a!.downSeconds).toBe(2 * 3600);
    expect(a!.ratio).toBeCloseTo(6 / 8, 9);
    expect(a!.coverage).toBeCloseTo(8 / (30 * 24), 9);
  });
  it('claims nothing over a window nobody watched', () => {
    const [a] = availability([{ object: 'platform:p', type: 'platform', firstSeen: 0 }], [], [], '30d', 100 * H);
    expect(a!.ratio).toBeNull();
    expect(a!.coverage).toBe(0);
  });
});

describe('fixRate', () => {
  it('counts resolved-in-3h, late, and leaves young unresolved faults pending', () => {
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

describe('fixRate and the lifecycle', () => {
  it('uses the resolve time, not the clear time: a fault cleared in minutes but resolved after 4 h is late', () => {
    const now = 1000 * H;
    const f = { ...fault('a', 'link-down', now - 10 * H, now - 9.9 * H), resolvedAt: now - 6 * H };
    expect(fixRate([f], 0, now, 3 * H, ['link-down'])).toEqual({ settled: 1, inTime: 0, ratio: 0 });
  });
});
