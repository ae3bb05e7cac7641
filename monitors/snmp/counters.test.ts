import { describe, expect, it } from 'vitest';
import { bufferToBigInt, counterDelta, counterValue, rebooted, utilisation } from './counters.js';

describe('Counter64 from net-snmp Buffers', () => {
  it('keeps values above 2^53 exact', () => {
    const buf = Buffer.from('0020000000000001', 'hex'); // 2^53 + 1
    expect(bufferToBigInt(buf)).toBe(9007199254740993n);
    expect(counterValue(Buffer.from('ffffffffffffffff', 'hex'))).toBe(18446744073709551615n);
    expect(counterValue(Buffer.from('0102', 'hex'))).toBe(258n);
    // BER's 9-byte form of a value ≥ 2^63
    expect(counterValue(Buffer.from('008000000000000001', 'hex'))).toBe(9223372036854775809n);
  });
  it('rejects what is not a counter', () => {
    expect(counterValue('12')).toBeUndefined();
    expect(counterValue(-1)).toBeUndefined();
    expect(counterValue(Buffer.from('010000000000000000', 'hex'))).toBeUndefined();
  });
});

describe('counterDelta', () => {
  it('plain increase', () => {
    expect(counterDelta(10n, 25n, { bits: 64, elapsedMs: 1000 })).toEqual({ kind: 'ok', delta: 15n });
  });
  it('treats a plausible decrease as a wrap', () => {
    const prev = (1n << 64n) - 1000n;
    expect(counterDelta(prev, 500n, { bits: 64, elapsedMs: 60_000, maxBitsPerSecond: 10e9 })).toEqual({ kind: 'wrapped', delta: 1500n });
    expect(counterDelta(4294967000n, 100n, { bits: 32, elapsedMs: 60_000, maxBitsPerSecond: 1e9 })).toEqual({ kind: 'wrapped', delta: 396n });
  });
  it('treats an implausible decrease as a reset', () => {
    expect(counterDelta(5_000_000_000n, 10n, { bits: 64, elapsedMs: 60_000, maxBitsPerSecond: 10e9 })).toEqual({ kind: 'reset' });
    expect(counterDelta(5n, 1n, { bits: 64, elapsedMs: 60_000 })).toEqual({ kind: 'reset' });
  });
});

describe('rebooted', () => {
  it('sees sysUpTime going back', () => {
    expect(rebooted(500_000, 300)).toBe(true);
    expect(rebooted(300, 500_000)).toBe(false);
  });
  it('tells a TimeTicks wrap from a reboot', () => {
    expect(rebooted(2 ** 32 - 100, 50)).toBe(false);
  });
});

describe('utilisation', () => {
  it('uses the busier direction against the rate', () => {
    // 75 MB in 60 s = 10 Mbit/s on a 200M link
    expect(utilisation(75_000_000n, 1n, 60_000, 200)).toBeCloseTo(0.05, 6);
    expect(utilisation(0n, 0n, 0, 200)).toBe(0);
  });
});
