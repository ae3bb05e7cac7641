import { describe, expect, it } from 'vitest';
import { FaultTracker } from './tracker.js';

describe('FaultTracker', () => {
  it('opens at once with no open delay and closes after the close window, with the recovery time', () => {
    const t = new FaultTracker({ openAfterMs: 0, closeAfterMs: 10_000 });
    expect(t.observe('link:a--b', 'link-down', 'a:eth0', true, 1000)).toEqual([{ type: 'open', object: 'link:a--b', kind: 'link-down', at: 1000 }]);
    expect(t.observe('link:a--b', 'link-down', 'a:eth0', false, 5000)).toEqual([]);
    expect(t.tick(14_999)).toEqual([]);
    expect(t.tick(15_000)).toEqual([{ type: 'clear', object: 'link:a--b', kind: 'link-down', at: 5000, autoResolve: false }]);
    expect(t.isOpen('link:a--b', 'link-down')).toBe(false);
  });

  it('debounces flaps: a link bouncing inside the close window stays one fault', () => {
    const t = new FaultTracker({ openAfterMs: 0, closeAfterMs: 10_000 });
    const events = [];
    for (let i = 0; i < 20; i++) {
      events.push(...t.observe('link:x', 'link-down', 's', true, i * 2000));
      events.push(...t.observe('link:x', 'link-down', 's', false, i * 2000 + 1000));
    }
    events.push(...t.tick(200_000));
    expect(events.filter((e) => e.type === 'open')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'clear')).toEqual([{ type: 'clear', object: 'link:x', kind: 'link-down', at: 39_000, autoResolve: false }]);
  });

  it('ignores blips shorter than the open delay', () => {
    const t = new FaultTracker({ openAfterMs: 5000, closeAfterMs: 0 });
    expect(t.observe('device:r1', 'device-unreachable', 'poll', true, 0)).toEqual([]);
    expect(t.observe('device:r1', 'device-unreachable', 'poll', false, 3000)).toEqual([]);
    expect(t.tick(10_000)).toEqual([]);
    t.observe('device:r1', 'device-unreachable', 'poll', true, 20_000);
    expect(t.tick(25_000)).toEqual([{ type: 'open', object: 'device:r1', kind: 'device-unreachable', at: 20_000 }]);
  });

  it('keeps a link bad while either end is down', () => {
    const t = new FaultTracker({ openAfterMs: 0, closeAfterMs: 0 });
    t.observe('link:l', 'link-down', 'a', true, 0);
    t.observe('link:l', 'link-down', 'b', true, 1);
    expect(t.observe('link:l', 'link-down', 'a', false, 2)).toEqual([]);
    expect(t.observe('link:l', 'link-down', 'b', false, 3)).toEqual([{ type: 'clear', object: 'link:l', kind: 'link-down', at: 3, autoResolve: false }]);
  });

  it('resumes faults the store holds open instead of opening them again', () => {
    const t = new FaultTracker({ openAfterMs: 0, closeAfterMs: 0 }, [{ object: 'link:l', kind: 'link-down', openedAt: 100 }]);
    expect(t.observe('link:l', 'link-down', 'a', true, 200)).toEqual([]);
    expect(t.observe('link:l', 'link-down', 'a', false, 300)).toEqual([{ type: 'clear', object: 'link:l', kind: 'link-down', at: 300, autoResolve: false }]);
  });

  it('closes a resumed fault whose object is found healthy', () => {
    const t = new FaultTracker({ openAfterMs: 0, closeAfterMs: 0 }, [{ object: 'device:r9', kind: 'device-unreachable', openedAt: 100 }]);
    expect(t.observe('device:r9', 'device-unreachable', 'poll', false, 500)).toEqual([
      { type: 'clear', object: 'device:r9', kind: 'device-unreachable', at: 500, autoResolve: false },
    ]);
  });

  it('drops a report older than the last one from its source: a stale poll neither closes nor reopens', () => {
    const t = new FaultTracker({ openAfterMs: 0, closeAfterMs: 0 });
    // trap at 1000 says down; a poll sent at 900 answers "up" afterwards
    expect(t.observe('link:l', 'link-down', 'a', true, 1000)).toHaveLength(1);
    expect(t.observe('link:l', 'link-down', 'a', false, 900)).toEqual([]);
    expect(t.isOpen('link:l', 'link-down')).toBe(true);
    // a linkUp trap at 2000 closes it; a poll sent at 1500 that saw it down changes nothing
    expect(t.observe('link:l', 'link-down', 'a', false, 2000)).toEqual([{ type: 'clear', object: 'link:l', kind: 'link-down', at: 2000, autoResolve: false }]);
    expect(t.observe('link:l', 'link-down', 'a', true, 1500)).toEqual([]);
    expect(t.openCount()).toBe(0);
    // another source's report is news from that end, once it is newer than the closed fault
    expect(t.observe('link:l', 'link-down', 'b', true, 2100)).toHaveLength(1);
  });

  it('a bad report from before a fault closed belongs to that fault: no second fault for one outage', () => {
    const t = new FaultTracker({ openAfterMs: 0, closeAfterMs: 0 });
    // end a goes down at 1000 and up at 2000 (traps); end b never trapped, and a poll of b sent at
    // 1500, while the link was down, answers after the fault closed
    expect(t.observe('link:l', 'link-down', 'a', true, 1000)).toHaveLength(1);
    expect(t.observe('link:l', 'link-down', 'a', false, 2000)).toEqual([{ type: 'clear', object: 'link:l', kind: 'link-down', at: 2000, autoResolve: false }]);
    expect(t.observe('link:l', 'link-down', 'b', true, 1500)).toEqual([]);
    expect(t.openCount()).toBe(0);
    // a new outage after the close is a new fault
    expect(t.observe('link:l', 'link-down', 'b', true, 2500)).toEqual([{ type: 'open', object: 'link:l', kind: 'link-down', at: 2500 }]);
  });
});

describe('FaultTracker flaps and policy', () => {
  const settings = { openAfterMs: 10_000, closeAfterMs: 30_000, flap: { changes: 6, withinMs: 600_000 }, autoResolveKinds: ['link-down' as const] };

  it('turns 50 flaps in 5 minutes into one flapping fault that does not resolve itself', () => {
    const t = new FaultTracker(settings);
    const events = [];
    // 50 down/up cycles of 6 s: no single down lasts the 10 s open delay
    for (let i = 0; i < 50; i++) {
      events.push(...t.observe('link:x', 'link-down', 'a:eth1', true, i * 6000));
      events.push(...t.observe('link:x', 'link-down', 'a:eth1', false, i * 6000 + 3000));
      events.push(...t.tick(i * 6000 + 5000));
    }
    expect(events.filter((e) => e.type === 'open')).toEqual([{ type: 'open', object: 'link:x', kind: 'link-down', at: 0, flapping: true }]);
    expect(t.isFlapping('link:x', 'link-down')).toBe(true);
    // stable again: it clears only after a whole flap window of quiet, and needs an operator
    expect(t.tick(297_000 + 30_000)).toEqual([]);
    expect(t.tick(297_000 + 600_000)).toEqual([{ type: 'clear', object: 'link:x', kind: 'link-down', at: 297_000, autoResolve: false }]);
  });

  it('an outage that outlasts the debounce resolves itself when its kind is auto-resolving', () => {
    const t = new FaultTracker(settings);
    t.observe('link:y', 'link-down', 'a', true, 0);
    expect(t.tick(10_000)).toEqual([{ type: 'open', object: 'link:y', kind: 'link-down', at: 0 }]);
    t.observe('link:y', 'link-down', 'a', false, 60_000);
    expect(t.tick(90_000)).toEqual([{ type: 'clear', object: 'link:y', kind: 'link-down', at: 60_000, autoResolve: true }]);
    t.observe('device:r', 'device-unreachable', 'poll', true, 0);
    t.tick(10_000);
    t.observe('device:r', 'device-unreachable', 'poll', false, 20_000);
    expect(t.tick(50_000)).toEqual([{ type: 'clear', object: 'device:r', kind: 'device-unreachable', at: 20_000, autoResolve: false }]);
  });

  it('marks an already open fault as flapping when it starts to bounce', () => {
    const t = new FaultTracker(settings);
    t.observe('link:z', 'link-down', 'a', true, 0);
    t.tick(20_000);
    const events = [];
    for (let i = 0; i < 3; i++) {
      events.push(...t.observe('link:z', 'link-down', 'a', false, 30_000 + i * 4000));
      events.push(...t.observe('link:z', 'link-down', 'a', true, 32_000 + i * 4000));
    }
    expect(events).toEqual([{ type: 'flapping', object: 'link:z', kind: 'link-down', at: 38_000 }]); // the first down at 0 is the first change
  });
});
