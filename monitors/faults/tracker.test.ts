import { describe, expect, it } from 'vitest';
import { FaultTracker } from './tracker.js';

describe('FaultTracker', () => {
  it('opens at once with no open delay and closes after the close window, with the recovery time', () => {
    const t = new FaultTracker({ openAfterMs: 0, closeAfterMs: 10_000 });
    expect(t.observe('link:a--b', 'link-down', 'a:eth0', true, 1000)).toEqual([{ type: 'open', object: 'link:a--b', kind: 'link-down', at: 1000 }]);
    expect(t.observe('link:a--b', 'link-down', 'a:eth0', false, 5000)).toEqual([]);
    expect(t.tick(14_999)).toEqual([]);
    expect(t.tick(15_000)).toEqual([{ type: 'close', object: 'link:a--b', kind: 'link-down', at: 5000 }]);
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
    expect(events.filter((e) => e.type === 'close')).toEqual([{ type: 'close', object: 'link:x', kind: 'link-down', at: 39_000 }]);
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
    expect(t.observe('link:l', 'link-down', 'b', false, 3)).toEqual([{ type: 'close', object: 'link:l', kind: 'link-down', at: 3 }]);
  });

  it('resumes faults the store holds open instead of opening them again', () => {
    const t = new FaultTracker({ openAfterMs: 0, closeAfterMs: 0 }, [{ object: 'link:l', kind: 'link-down', openedAt: 100 }]);
    expect(t.observe('link:l', 'link-down', 'a', true, 200)).toEqual([]);
    expect(t.observe('link:l', 'link-down', 'a', false, 300)).toEqual([{ type: 'close', object: 'link:l', kind: 'link-down', at: 300 }]);
  });

  it('closes a resumed fault whose object is found healthy', () => {
    const t = new FaultTracker({ openAfterMs: 0, closeAfterMs: 0 }, [{ object: 'device:r9', kind: 'device-unreachable', openedAt: 100 }]);
    expect(t.observe('device:r9', 'device-unreachable', 'poll', false, 500)).toEqual([{ type: 'close', object: 'device:r9', kind: 'device-unreachable', at: 500 }]);
  });

  it('drops a report older than the last one from its source: a stale poll neither closes nor reopens', () => {
    const t = new FaultTracker({ openAfterMs: 0, closeAfterMs: 0 });
    // trap at 1000 says down; a poll sent at 900 answers "up" afterwards
    expect(t.observe('link:l', 'link-down', 'a', true, 1000)).toHaveLength(1);
    expect(t.observe('link:l', 'link-down', 'a', false, 900)).toEqual([]);
    expect(t.isOpen('link:l', 'link-down')).toBe(true);
    // a linkUp trap at 2000 closes it; a poll sent at 1500 that saw it down changes nothing
    expect(t.observe('link:l', 'link-down', 'a', false, 2000)).toEqual([{ type: 'close', object: 'link:l', kind: 'link-down', at: 2000 }]);
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
    expect(t.observe('link:l', 'link-down', 'a', false, 2000)).toEqual([{ type: 'close', object: 'link:l', kind: 'link-down', at: 2000 }]);
    expect(t.observe('link:l', 'link-down', 'b', true, 1500)).toEqual([]);
    expect(t.openCount()).toBe(0);
    // a new outage after the close is a new fault
    expect(t.observe('link:l', 'link-down', 'b', true, 2500)).toEqual([{ type: 'open', object: 'link:l', kind: 'link-down', at: 2500 }]);
  });
});
