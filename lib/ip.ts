/**
 * Prefix arithmetic over BigInt, with ip-address doing the parsing and canonical formatting.
 * Everything IPAM, verification and policies do with addresses goes through here.
 */
import { Address6 } from 'ip-address';
import type { Family } from '../network/types.js';

export interface Prefix {
  family: Family;
  /** Network address as an integer (host bits zero). */
  network: bigint;
  length: number;
}

export const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };

export class PrefixError extends Error {}

/** Parse `a.b.c.d/len` or `x::/len`; throws PrefixError when invalid or when host bits are set. */
export function parsePrefix(cidr: string, opts: { allowHostBits?: boolean } = {}): Prefix {
  const family: Family = cidr.includes(':') ? 'ipv6' : 'ipv4';
  const [addr, lenText] = cidr.split('/');
  if (lenText === undefined || !/^\d+$/.test(lenText)) throw new PrefixError(`"${cidr}" has no prefix length`);
  const length = Number(lenText);
  if (length > BITS[family]) throw new PrefixError(`"${cidr}": prefix length ${length} exceeds ${BITS[family]}`);
  const value = parseAddress(addr ?? '', family);
  const mask = maskOf(family, length);
  if (!opts.allowHostBits && (value & ~mask & allOnes(family)) !== 0n) {
    throw new PrefixError(`"${cidr}" has host bits set (network is ${formatPrefix({ family, network: value & mask, length })})`);
  }
  return { family, network: value & mask, length };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function parseAddress(text: string, family?: Family): bigint {
  const fam = family ?? (text.includes(':') ? 'ipv6' : 'ipv4');
  if (fam === 'ipv4') {
    // Dotted quads are most of what the model handles: parse them directly (ip-address is ~20x slower).
    const m = IPV4.exec(text);
    if (!m) throw new PrefixError(`"${text}" is not a valid IPv4 address`);
    return BigInt(((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]));
  }
  try {
    if (!Address6.isValid(text)) throw new Error('invalid');
    return new Address6(text).bigInt();
  } catch {
    throw new PrefixError(`"${text}" is not a valid IPv6 address`);
  }
}

export function formatAddress(family: Family, value: bigint): string {
  if (family === 'ipv4') {
    const n = Number(value);
    return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  return formatIpv6(value);
}

/**
 * RFC 5952 text of an IPv6 address: lowercase hex groups without leading zeros, the longest run of
 * two or more zero groups (the first, on a tie) as `::`. The same text as ip-address's correctForm
 * (ip.test.ts compares them), written out because the model formats ~20,000 addresses per synth
 * and building an Address6 for each cost ~0.3 s.
 */
function formatIpv6(value: bigint): string {
  const groups = new Array<number>(8);
  let v = value;
  for (let i = 7; i >= 0; i--) {
    groups[i] = Number(v & 0xffffn);
    v >>= 16n;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

export function formatPrefix(p: Prefix): string {
  return `${formatAddress(p.family, p.network)}/${p.length}`;
}

function allOnes(family: Family): bigint {
  return (1n << BigInt(BITS[family])) - 1n;
}

function maskOf(family: Family, length: number): bigint {
  const bits = BigInt(BITS[family]);
  return ((1n << BigInt(length)) - 1n) << (bits - BigInt(length));
}

export function size(p: Prefix): bigint {
  return 1n << BigInt(BITS[p.family] - p.length);
}

export function lastAddress(p: Prefix): bigint {
  return p.network + size(p) - 1n;
}

export function contains(outer: Prefix, inner: Prefix): boolean {
  return outer.family === inner.family && outer.length <= inner.length && inner.network >= outer.network && lastAddress(inner) <= lastAddress(outer);
}

export function overlaps(a: Prefix, b: Prefix): boolean {
  return a.family === b.family && a.network <= lastAddress(b) && b.network <= lastAddress(a);
}

/** The `index`-th subnet of length `length` inside `p`. */
export function subnet(p: Prefix, length: number, index: number | bigint): Prefix {
  if (length < p.length) throw new PrefixError(`cannot take a /${length} out of ${formatPrefix(p)}`);
  const count = 1n << BigInt(length - p.length);
  const i = BigInt(index);
  if (i < 0n || i >= count) throw new PrefixError(`${formatPrefix(p)} holds ${count} /${length} subnets, not ${i + 1n}`);
  return { family: p.family, network: p.network + i * (1n << BigInt(BITS[p.family] - length)), length };
}

/** Address at `offset` inside `p`, formatted with `withLength` (e.g. `/31` for a p2p end). */
export function hostIn(p: Prefix, offset: number | bigint, withLength?: number): string {
  const value = p.network + BigInt(offset);
  if (value > lastAddress(p)) throw new PrefixError(`offset ${offset} is outside ${formatPrefix(p)}`);
  const text = formatAddress(p.family, value);
  return withLength === undefined ? text : `${text}/${withLength}`;
}

/** Strip the length from `addr/len`. */
export function addressOf(cidrOrAddress: string): string {
  return cidrOrAddress.split('/')[0]!;
}
