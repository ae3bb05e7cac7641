/**
 * Address parsing on the verification hot path. A full province has ~24,000 addresses and ~14,000
 * prefixes per run; parsing them with the general parser (ip-address, via lib/ip) into BigInts was
 * most of the verification time. Here an address becomes a fixed-width hex string (8 digits for
 * IPv4, 32 for IPv6): equal addresses give equal strings and, within a family, string order is
 * numeric order, so sorting, duplicate detection and prefix nesting need no BigInt at all.
 * The plain forms the model writes (dotted quad; hex groups with at most one `::`) are parsed
 * directly; anything else — embedded IPv4, leading zeros, invalid text — goes to lib/ip, so the
 * values and the errors are lib/ip's.
 */
import { BITS, parseAddress, PrefixError } from '../../lib/ip.js';
import type { Family } from '../types.js';

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const WIDTH: Record<Family, number> = { ipv4: 8, ipv6: 32 };

function fastV4(text: string): string | undefined {
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
  return value.toString(16).padStart(8, '0');
}

function fastV6(text: string): string | undefined {
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
  return hex.toLowerCase();
}

/** The address as fixed-width lower-case hex; throws PrefixError like lib/ip on invalid text. */
export function addressHex(text: string, family: Family): string {
  const fast = family === 'ipv4' ? fastV4(text) : fastV6(text);
  return fast ?? parseAddress(text, family).toString(16).padStart(WIDTH[family], '0');
}

export interface HexPrefix {
  /** First and last address, fixed-width hex. */
  network: string;
  last: string;
  length: number;
}

/** `addr/len` → first and last address as hex; throws PrefixError on bad text or host bits. */
export function prefixHex(cidr: string, family: Family): HexPrefix {
  const slash = cidr.indexOf('/');
  const lenText = slash < 0 ? '' : cidr.slice(slash + 1);
  if (!/^\d+$/.test(lenText)) throw new PrefixError(`"${cidr}" has no prefix length`);
  const length = Number(lenText);
  if (length > BITS[family]) throw new PrefixError(`"${cidr}": prefix length ${length} exceeds ${BITS[family]}`);
  const hex = addressHex(cidr.slice(0, slash), family);
  // Split at the nibble holding the boundary: full nibbles kept, one partial nibble, the rest host.
  const full = length >> 2;
  const partialBits = length & 3;
  const hostTail = hex.slice(full + (partialBits ? 1 : 0));
  let boundary = '';
  let boundaryLast = '';
  if (partialBits) {
    const nibble = parseInt(hex[full]!, 16);
    const hostMask = (1 << (4 - partialBits)) - 1;
    if (nibble & hostMask) throw new PrefixError(`"${cidr}" has host bits set`);
    boundary = hex[full]!;
    boundaryLast = (nibble | hostMask).toString(16);
  }
  if (/[^0]/.test(hostTail)) throw new PrefixError(`"${cidr}" has host bits set`);
  const kept = hex.slice(0, full);
  return { network: kept + boundary + hostTail, last: kept + boundaryLast + 'f'.repeat(hostTail.length), length };
}
