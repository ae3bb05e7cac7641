import { describe, expect, it } from 'vitest';
import { Address6 } from 'ip-address';
import { formatAddress, parseAddress } from './ip.js';
import { seededRandom } from './random.js';

describe('formatAddress (IPv6)', () => {
  it('writes RFC 5952 text, the same as ip-address, for edge cases and 20,000 random addresses', () => {
    const edge = [
      '::',
      '::1',
      '1::',
      '2001:db8::1',
      '2001:db8:0:1::1',
      '2001:0:0:1:0:0:0:1',
      '1:0:0:2:0:0:3:4',
      'fe80::1:0:0:0',
      '0:1:0:1:0:1:0:1',
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      '2001:db8:0:0:1:0:0:1',
    ];
    const random = seededRandom(52);
    const values = edge.map((a) => new Address6(a).bigInt());
    for (let i = 0; i < 20_000; i++) {
      let v = 0n;
      // mostly zero groups, so runs of zeros of every length and position occur
      for (let g = 0; g < 8; g++) v = (v << 16n) | (random() < 0.5 ? 0n : BigInt(Math.floor(random() * 0x10000)));
      values.push(v);
    }
    for (const v of values) expect(formatAddress('ipv6', v)).toBe(Address6.fromBigInt(v).correctForm());
    expect(formatAddress('ipv6', parseAddress('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
  });
});
