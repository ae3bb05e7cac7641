import { describe, expect, it } from 'vitest';
import { lastAddress, parseAddress, parsePrefix, PrefixError } from '../../lib/ip.js';
import type { Family } from '../types.js';
import { addressHex, prefixHex } from './fast-ip.js';

const big = (hex: string) => BigInt(`0x${hex}`);

describe('hex address parsing agrees with lib/ip', () => {
  const v4 = ['0.0.0.0', '10.0.0.1', '255.255.255.255', '192.168.1.10', '10.0.255.254'];
  const v6 = [
    '::',
    '::1',
    '2001:db8::',
    '2001:db8::1',
    '2001:db8:0:1::a',
    'fe80::1:2:3:4',
    '1:2:3:4:5:6:7:8',
    '2001:DB8::FFFF',
    '3fff::1',
    '1::',
    '::ffff:1.2.3.4',
  ];
  it('gives fixed-width hex of the same value', () => {
    for (const a of v4) expect(big(addressHex(a, 'ipv4')), a).toBe(parseAddress(a, 'ipv4'));
    for (const a of v6) expect(big(addressHex(a, 'ipv6')), a).toBe(parseAddress(a, 'ipv6'));
    expect(addressHex('10.0.0.1', 'ipv4')).toBe('0a000001');
    expect(addressHex('2001:DB8::1', 'ipv6')).toBe('20010db8000000000000000000000001');
  });
  it('orders as the numbers do', () => {
    const sorted = [...v6].sort((a, b) => (addressHex(a, 'ipv6') < addressHex(b, 'ipv6') ? -1 : 1));
    const byValue = [...v6].sort((a, b) => (parseAddress(a, 'ipv6') < parseAddress(b, 'ipv6') ? -1 : 1));
    expect(sorted).toEqual(byValue);
  });
  it('rejects what lib/ip rejects', () => {
    for (const [a, f] of [
      ['256.0.0.1', 'ipv4'],
      ['1.2.3', 'ipv4'],
      ['2001:db8', 'ipv6'],
      ['1::2::3', 'ipv6'],
      ['12345::', 'ipv6'],
      ['1:2:3:4:5:6:7:8:9', 'ipv6'],
      ['2001:db8::', 'ipv4'],
    ] as const) {
      expect(() => addressHex(a, f), a).toThrow(PrefixError);
    }
  });
  it('gives first and last address of prefixes at every boundary, and refuses host bits', () => {
    const cases: Array<[string, Family]> = [];
    for (let len = 0; len <= 32; len++) cases.push([`${len === 0 ? '0.0.0.0' : '10.0.0.0'}/${Math.max(len, 8)}`, 'ipv4']);
    for (const len of [0, 1, 3, 4, 5, 31, 32, 33, 47, 48, 56, 63, 64, 126, 127, 128])
      cases.push([len === 0 ? '::/0' : `2001:db8::/${Math.max(len, 32)}`, 'ipv6']);
    cases.push(['10.128.0.0/9', 'ipv4'], ['10.1.2.128/25', 'ipv4'], ['2001:db8:8000::/33', 'ipv6'], ['2001:db8:0:1::/127', 'ipv6']);
    for (const [p, f] of cases) {
      const ref = parsePrefix(p);
      const got = prefixHex(p, f);
      expect([big(got.network), big(got.last), got.length], p).toEqual([ref.network, lastAddress(ref), ref.length]);
    }
    expect(() => prefixHex('10.0.0.1/24', 'ipv4')).toThrow(/host bits/);
    expect(() => prefixHex('10.64.0.0/9', 'ipv4')).toThrow(/host bits/);
    expect(() => prefixHex('2001:db8::/129', 'ipv6')).toThrow(PrefixError);
    expect(() => prefixHex('10.0.0.0', 'ipv4')).toThrow(/no prefix length/);
  });
});
