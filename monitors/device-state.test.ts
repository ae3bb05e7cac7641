import { describe, expect, it } from 'vitest';
import { analyseSample } from './device-state.js';
import type { DeviceSample, PollTarget } from './types.js';

const target: PollTarget = {
  device: 'xian-r1',
  address: '127.0.0.1',
  port: 161,
  credentials: { version: 'v2c', community: 'x' },
  interfaces: { up1: { link: 'shaanxi-r1--xian-r1', tier: 'province-city', bandwidthMbps: 10_000 } },
};
const sample = (at: number, sysUpTime: number, inOctets: bigint, operUp = true, adminUp = true): DeviceSample => ({
  device: 'xian-r1',
  at,
  sysUpTime,
  interfaces: [
    { ifIndex: 1, name: 'lo', adminUp: true, operUp: true, inOctets: 0n, outOctets: 0n, inErrors: 0n, outErrors: 0n },
    { ifIndex: 2, name: 'up1', adminUp, operUp, inOctets, outOctets: 0n, inErrors: 0n, outErrors: 0n },
  ],
});

describe('analyseSample', () => {
  it('computes utilisation against the tier rate from exact Counter64 deltas', () => {
    const base = 2n ** 60n;
    const a = analyseSample(target, sample(0, 100, base), sample(60_000, 6100, base + 75_000_000_000n));
    // 75 GB in 60 s = 10 Gbit/s on a 10G link
    expect(a.utilisation).toEqual([{ ifName: 'up1', link: target.interfaces!.up1!, ratio: 1 }]);
    expect(a.ends).toEqual([{ object: 'link:shaanxi-r1--xian-r1', link: target.interfaces!.up1!, source: 'xian-r1:up1', ifName: 'up1', bad: false }]);
  });
  it('sees an operationally-down, administratively-up end as bad, and admin-down as intended', () => {
    expect(analyseSample(target, undefined, sample(0, 1, 0n, false)).ends[0]!.bad).toBe(true);
    expect(analyseSample(target, undefined, sample(0, 1, 0n, false, false)).ends[0]!.bad).toBe(false);
  });
  it('discards the interval across a reboot and after a counter reset, recovers a wrap', () => {
    const rebootA = analyseSample(target, sample(0, 900_000, 10n ** 12n), sample(60_000, 300, 5n));
    expect([rebootA.rebooted, rebootA.utilisation]).toEqual([true, []]);
    const reset = analyseSample(target, sample(0, 100, 10n ** 12n), sample(60_000, 6100, 5n));
    expect([reset.resets, reset.utilisation]).toEqual([1, []]);
    const wrap = analyseSample(target, sample(0, 100, 2n ** 64n - 1000n), sample(60_000, 6100, 1000n));
    expect(wrap.wrapped).toBe(1);
    expect(wrap.utilisation[0]!.ratio).toBeCloseTo((2000 * 8) / 60 / 1e10, 15);
  });
  it('without model bindings, every non-loopback interface is its own object', () => {
    const { interfaces: _drop, ...bare } = target;
    const a = analyseSample(bare, undefined, sample(0, 1, 0n, false));
    expect(a.ends.map((e) => [e.object, e.bad])).toEqual([['interface:xian-r1/up1', true]]);
  });
});
