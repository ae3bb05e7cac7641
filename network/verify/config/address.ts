/**
 * Addresses of the config model as fixed-width hex (fast-ip.ts): parse `addr/len`, mask to a
 * network, test containment, and print canonical text (RFC 5952 for IPv6) for the RIB.
 */
import { formatAddress, PrefixError } from '../../../lib/ip.js';
import type { Family } from '../../types.js';
import { addressHex } from '../fast-ip.js';
import type { ConfigAddress } from './model.js';

const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };
const ZEROS = '0'.repeat(32);

/** The first `length` bits of a fixed-width hex address, the rest zero. */
export function maskHex(hex: string, length: number): string {
  const full = length >> 2;
  const partial = length & 3;
  if (!partial) return hex.slice(0, full) + ZEROS.slice(0, hex.length - full);
  const nibble = parseInt(hex[full]!, 16) & (0xf << (4 - partial)) & 0xf;
  return hex.slice(0, full) + nibble.toString(16) + ZEROS.slice(0, hex.length - full - 1);
}

export function containsHex(networkHex: string, length: number, addrHex: string): boolean {
  return networkHex.length === addrHex.length && maskHex(addrHex, length) === networkHex;
}

/** `addr/len` (or `addr` plus a separate length) → a config address, or why it is not one. */
export function configAddress(address: string, length: number, family: Family, line: number): ConfigAddress | string {
  if (!Number.isInteger(length) || length < 0 || length > BITS[family]) return `prefix length ${length} is not 0–${BITS[family]}`;
  try {
    const hex = addressHex(address, family);
    return { address, hex, networkHex: maskHex(hex, length), length, line };
  } catch (err) {
    return err instanceof PrefixError ? err.message : `"${address}" is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`;
  }
}

export function parseCidrText(cidr: string, family: Family, line: number): ConfigAddress | string {
  const slash = cidr.indexOf('/');
  if (slash < 0 || !/^\d+$/.test(cidr.slice(slash + 1))) return `"${cidr}" has no prefix length`;
  return configAddress(cidr.slice(0, slash), Number(cidr.slice(slash + 1)), family, line);
}

/** Hex of an address, or undefined when the text is not one. */
export function hexOrUndefined(address: string, family: Family): string | undefined {
  try {
    return addressHex(address, family);
  } catch {
    return undefined;
  }
}

export function hexToText(family: Family, hex: string): string {
  return formatAddress(family, BigInt(`0x${hex}`));
}

export function prefixText(family: Family, networkHex: string, length: number): string {
  return `${hexToText(family, networkHex)}/${length}`;
}

/** Dotted IPv4 mask → prefix length, or undefined when the bits are not contiguous. */
export function maskLength(mask: string): number | undefined {
  const hex = hexOrUndefined(mask, 'ipv4');
  if (hex === undefined) return undefined;
  const n = parseInt(hex, 16);
  const inv = ~n >>> 0;
  if ((inv & (inv + 1)) !== 0) return undefined;
  return 32 - Math.log2(inv + 1);
}
