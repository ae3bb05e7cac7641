import { describe, expect, it } from 'vitest';
import { EngineTimeWindows } from './time-window.js';

const S = 1000;

describe('RFC 3414 time window for notifications', () => {
  it('learns an engine from its first message and drops what falls behind the window', () => {
    const w = new EngineTimeWindows();
    expect(w.check('e1', 3, 5000, 0)).toEqual({ ok: true });
    expect(w.check('e1', 3, 4851, 0).ok).toBe(true); // 149 s behind: inside
    expect(w.check('e1', 3, 4849, 0)).toMatchObject({ ok: false });
    // a replay of the first message 200 s later: the local notion has moved to 5200
    expect(w.check('e1', 3, 5000, 200 * S)).toMatchObject({ ok: false, reason: expect.stringMatching(/150 s behind 5200/) });
    expect(w.check('e1', 3, 5199, 200 * S).ok).toBe(true);
    expect(w.check('e1', 2, 99_999, 200 * S)).toMatchObject({ ok: false, reason: expect.stringMatching(/snmpEngineBoots 2/) });
    expect(w.check('other', 1, 1, 200 * S).ok).toBe(true); // engines are independent
  });

  it('a reboot (higher boots) resets the notion; a replayed pre-reboot message is then old', () => {
    const w = new EngineTimeWindows();
    w.check('e', 1, 90_000, 0);
    expect(w.check('e', 2, 30, 10 * S).ok).toBe(true);
    expect(w.check('e', 1, 90_010, 11 * S).ok).toBe(false);
    expect(w.check('e', 2, 40, 20 * S).ok).toBe(true);
  });

  it('a latched engine (boots 2^31-1) is outside the window for good', () => {
    const w = new EngineTimeWindows();
    w.check('e', 2 ** 31 - 1, 10, 0);
    expect(w.check('e', 2 ** 31 - 1, 20, S).ok).toBe(false);
  });

  it('stays bounded under a flood of engine ids', () => {
    const w = new EngineTimeWindows(10);
    for (let i = 0; i < 100; i++) w.check(`e${i}`, 1, 1000, 0);
    expect((w as unknown as { engines: Map<string, unknown> }).engines.size).toBe(10);
  });
});
