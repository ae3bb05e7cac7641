import { describe, expect, it } from 'vitest';
import { parseAddress, parsePrefix, PrefixError } from '../../lib/ip.js';
import { fastAddress, fastPrefix } from './fast-ip.js';

describe('fast address parsing agrees with lib/ip', () => {
  const v4 = ['0.0.0.0', '10.0.0.1', '255.255.255.255', '192.168.1.10', '10.0.255.254'];
  const v6 = ['::', '::1', '2001:db8::', '2001:db8::1', '2001:db8:0:1::a', 'fe80::1:2:3:4', '1:2:3:4:5:6:7:8', '2001:DB8::FFFF', '3fff::1', '1::', '::ffff:1.2.3.4'];
  it('parses the same values', () => {
    for (const a of v4) expect(fastAddress(a, 'ipv4'), a).toBe(parseAddress(a, 'ipv4'));
    for (const a of v6) expect(fastAddress(a, 'ipv6'), a).toBe(parseAddress(a, 'ipv6'));
  });
  it('rejects what lib/ip rejects', () => {
    for (const [a, f] of [['256.0.0.1', 'ipv4'], ['1.2.3', 'ipv4'], ['2001:db8', 'ipv6'], ['1::2::3', 'ipv6'], ['12345::', 'ipv6'], ['1:2:3:4:5:6:7:8:9', 'ipv6'], ['2001:db8::', 'ipv4']] as const) {
      expect(() => fastAddress(a, f), a).toThrow(PrefixError);
    }
  });
  it('parses prefixes and refuses host bits', () => {
    for (const p of ['10.0.0.0/10', '10.1.2.0/31', '2001:db8::/32', '2001:db8:0:1::/127', '0.0.0.0/0']) {
      expect(fastPrefix(p, p.includes(':') ? 'ipv6' : 'ipv4')).toEqual(parsePrefix(p));
    }
    expect(() => fastPrefix('10.0.0.1/24', 'ipv4')).toThrow(/host bits/);
    expect(() => fastPrefix('2001:db8::/129', 'ipv6')).toThrow(PrefixError);
    expect(() => fastPrefix('10.0.0.0', 'ipv4')).toThrow(/no prefix length/);
  });
});
