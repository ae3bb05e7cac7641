/**
 * Address parsing on the verification hot path. A full province has ~20,000 addresses per run and
 * the general parser (ip-address, via lib/ip) costs tens of microseconds each, which was most of
 * the verification time. These parse the plain forms the model writes (dotted quad; hex groups
 * with at most one `::`) directly, and hand anything else — embedded IPv4, zones, invalid text —
 * to lib/ip, so the result and the errors are the same as lib/ip's.
 */
import { BITS, parseAddress, PrefixError, type Prefix } from '../../lib/ip.js';
import type { Family } from '../types.js';

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function fastV4(text: string): bigint | undefined {
  const m = V4.exec(text);
  if (!m) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part[0] === '0') return undefined; // leading zeros: let the full parser decide
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return BigInt(value);
}

function fastV6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  let hex = '';
  for (const g of head) {
    if (!HEX_GROUP.test(g)) return undefined;
    hex += g.padStart(4, '0');
  }
  if (halves.length === 2) hex += '0000'.repeat(missing);
  for (const g of tail) {
    if (!HEX_GROUP.test(g)) return undefined;
    hex += g.padStart(4, '0');
  }
  return BigInt(`0x${hex}`);
}

export function fastAddress(text: string, family: Family): bigint {
  const fast = family === 'ipv4' ? fastV4(text) : fastV6(text);
  return fast ?? parseAddress(text, family);
}

/** `addr/len` → prefix; throws PrefixError (as lib/ip's parsePrefix) on bad text or host bits. */
export function fastPrefix(cidr: string, family: Family): Prefix {
  const slash = cidr.indexOf('/');
  if (slash < 0) throw new PrefixError(`"${cidr}" has no prefix length`);
  const lenText = cidr.slice(slash + 1);
  if (!/^\d+$/.test(lenText)) throw new PrefixError(`"${cidr}" has no prefix length`);
  const length = Number(lenText);
  const bits = BITS[family];
  if (length > bits) throw new PrefixError(`"${cidr}": prefix length ${length} exceeds ${bits}`);
  const value = fastAddress(cidr.slice(0, slash), family);
  const hostBits = BigInt(bits - length);
  if (((value >> hostBits) << hostBits) !== value) throw new PrefixError(`"${cidr}" has host bits set`);
  return { family, network: value, length };
}
