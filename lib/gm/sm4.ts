/**
 * Authenticated encryption with SM4 (GB/T 32907-2016): SM4-CTR, then HMAC-SM3 over everything that
 * is not secret (header, IV, ciphertext) — encrypt-then-MAC. Node's OpenSSL 3.0 has SM4-CTR but no
 * SM4-GCM/CCM, and a MAC checked before decryption is what makes a wrong key or a flipped bit a
 * clean "does not authenticate" instead of garbage. The enc and MAC keys are derived from one
 * 256-bit master key with HKDF-SM3, so a key file holds one value.
 *
 * Why OpenSSL and not sm-crypto for SM4: native speed, and sm-crypto has no CTR mode; sm-crypto is
 * the second implementation the tests compare SM4 against (ECB/CBC blocks).
 */
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { hkdfSm3, hmacSm3 } from './sm3.js';

export const SEAL_KEY_BYTES = 32;
const IV_BYTES = 16;
const MAC_BYTES = 32;

export interface SealKeys {
  enc: Buffer;
  mac: Buffer;
}

export function deriveSealKeys(master: Buffer): SealKeys {
  if (master.length < SEAL_KEY_BYTES) throw new Error(`a seal key needs ${SEAL_KEY_BYTES} bytes`);
  const salt = Buffer.from('stacks-seal-v1');
  return { enc: hkdfSm3(master, salt, 'sm4-ctr', 16), mac: hkdfSm3(master, salt, 'hmac-sm3', 32) };
}

export interface Sealed {
  iv: Buffer;
  ciphertext: Buffer;
  mac: Buffer;
}

/** `header` is authenticated, not encrypted (format name, key id): it cannot be swapped. */
export function sm4Seal(keys: SealKeys, plaintext: Buffer, header: Buffer = Buffer.alloc(0)): Sealed {
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv('sm4-ctr', keys.enc, iv);
  const ciphertext = Buffer.concat([c.update(plaintext), c.final()]);
  return { iv, ciphertext, mac: macOf(keys, header, iv, ciphertext) };
}

export class SealError extends Error {}

export function sm4Open(keys: SealKeys, sealed: Sealed, header: Buffer = Buffer.alloc(0)): Buffer {
  if (sealed.iv.length !== IV_BYTES || sealed.mac.length !== MAC_BYTES) throw new SealError('sealed data is truncated');
  const want = macOf(keys, header, sealed.iv, sealed.ciphertext);
  if (!timingSafeEqual(want, sealed.mac)) throw new SealError('does not authenticate (wrong key, or the data was changed or truncated)');
  const d = createDecipheriv('sm4-ctr', keys.enc, sealed.iv);
  return Buffer.concat([d.update(sealed.ciphertext), d.final()]);
}

function macOf(keys: SealKeys, header: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  // Lengths first, so header/IV/ciphertext boundaries cannot shift.
  const lens = Buffer.alloc(8);
  lens.writeUInt32BE(header.length, 0);
  lens.writeUInt32BE(ciphertext.length, 4);
  return hmacSm3(keys.mac, lens, header, iv, ciphertext);
}
