/**
 * SM3 (GB/T 32905-2016) and HMAC-SM3, from Node's OpenSSL: the hash is native and checked against
 * the standard's vectors in gm.test.ts, so there is no reason to carry a JavaScript copy of it.
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto';

export function sm3(...parts: Array<Buffer | string>): Buffer {
  const h = createHash('sm3');
  for (const p of parts) h.update(p);
  return h.digest();
}

export function sm3Hex(...parts: Array<Buffer | string>): string {
  return sm3(...parts).toString('hex');
}

export function hmacSm3(key: Buffer, ...parts: Buffer[]): Buffer {
  const h = createHmac('sm3', key);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** HKDF (RFC 5869) with SM3: one master key gives independent encryption and MAC keys. */
export function hkdfSm3(key: Buffer, salt: Buffer, info: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sm3', key, salt, info, length));
}
