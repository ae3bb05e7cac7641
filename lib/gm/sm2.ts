/**
 * SM2 digital signatures (GB/T 32918.2-2016 / GM/T 0003.2) over the recommended curve
 * (GB/T 32918.5, "sm2p256v1"), with the signer-ID value Z (default ID 1234567812345678).
 *
 * Why hand-written and not Node's OpenSSL or an npm library (all three measured here, Node 20.20):
 * - Node's `crypto.sign('sm3', data, key)` depends on how the key object was made. A key from
 *   `generateKeyPairSync('ec', { namedCurve: 'SM2' })` is an EC key and gets ECDSA-with-SM3 over the
 *   SM2 curve — not the SM2 scheme at all. A key decoded from PEM/DER is an OpenSSL SM2 key (Node
 *   shows `asymmetricKeyType` undefined) and gets the SM2 scheme, but with Z computed over an EMPTY
 *   signer ID (ENTL = 0): Node has no option to set the ID, so the default ID 1234567812345678 of
 *   GM/T 0009 — what sm-crypto, GmSSL and the standard's worked example use — is out of reach.
 *   Both findings are pinned in gm.test.ts. Node has no SM2 encryption either.
 * - sm-crypto (0.3.13, jsbn) is a correct SM2 — the interop peer in gm.test.ts — but takes ~43 ms
 *   to sign and ~104 ms to verify here; the audit trail signs every record (≤ 1 ms budget). Node's
 *   SM2-typed key takes ~2.4 ms to sign and ~1.5 ms to verify.
 * So the arithmetic is here, in BigInt: Jacobian coordinates (a = -3), a signed-digit fixed-base
 * comb for k·G (sign: ~0.25 ms), plain 4-bit windows for t·P (verify). SM3 and randomness come from OpenSSL;
 * keys are standard PKCS#8 PEM (readable by `openssl pkey`). Checked against the GM/T 0003.5 worked
 * example (exact r, s with its fixed k) and against sm-crypto in both directions.
 * Not constant-time: BigInt arithmetic leaks timing. Acceptable for an audit signer on the host that
 * owns the key (no remote party times it); do not use this for a network-facing service.
 */
import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { sm3 } from './sm3.js';

export interface Curve {
  p: bigint;
  a: bigint;
  b: bigint;
  n: bigint;
  gx: bigint;
  gy: bigint;
}

const h = (s: string) => BigInt('0x' + s.replace(/\s+/g, ''));

/** The recommended curve of GB/T 32918.5-2017. */
export const SM2_CURVE: Curve = {
  p: h('FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFF'),
  a: h('FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFC'),
  b: h('28E9FA9E 9D9F5E34 4D5A9E4B CF6509A7 F39789F5 15AB8F92 DDBCBD41 4D940E93'),
  n: h('FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF 7203DF6B 21C6052B 53BBF409 39D54123'),
  gx: h('32C4AE2C 1F198119 5F990446 6A39C994 8FE30BBF F2660BE1 715A4589 334C74C7'),
  gy: h('BC3736A2 F4F6779C 59BDCEE3 6B692153 D0A9877C C62A4740 02DF32E5 2139F0A0'),
};

const DEFAULT_SIGNER_ID = '1234567812345678';

export interface Point {
  x: bigint;
  y: bigint;
}

/** A point in Jacobian coordinates; z = 0 is the point at infinity. */
interface Jac {
  x: bigint;
  y: bigint;
  z: bigint;
}

const { p: P, n: N } = SM2_CURVE;

const modp = (v: bigint) => {
  const r = v % P;
  return r < 0n ? r + P : r;
};

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [((a % m) + m) % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error('not invertible');
  return ((s0 % m) + m) % m;
}

const INFINITY: Jac = { x: 1n, y: 1n, z: 0n };

function double(q: Jac): Jac {
  if (q.z === 0n || q.y === 0n) return INFINITY;
  // dbl-2001-b, valid because a = -3 on this curve.
  const delta = modp(q.z * q.z);
  const gamma = modp(q.y * q.y);
  const beta = modp(q.x * gamma);
  const alpha = modp(3n * (q.x - delta) * (q.x + delta));
  const x3 = modp(alpha * alpha - 8n * beta);
  const z3 = modp((q.y + q.z) * (q.y + q.z) - gamma - delta);
  const y3 = modp(alpha * (4n * beta - x3) - 8n * gamma * gamma);
  return { x: x3, y: y3, z: z3 };
}

/** Jacobian + affine (madd-2007-bl). */
function addAffine(q: Jac, a: Point): Jac {
  if (q.z === 0n) return { x: a.x, y: a.y, z: 1n };
  const z1z1 = modp(q.z * q.z);
  const u2 = modp(a.x * z1z1);
  const s2 = modp(a.y * q.z * z1z1);
  const hh0 = modp(u2 - q.x);
  const r0 = modp(2n * (s2 - q.y));
  if (hh0 === 0n) return r0 === 0n ? double(q) : INFINITY;
  const hh = modp(hh0 * hh0);
  const i = 4n * hh;
  const j = modp(hh0 * i);
  const v = modp(q.x * i);
  const x3 = modp(r0 * r0 - j - 2n * v);
  const y3 = modp(r0 * (v - x3) - 2n * q.y * j);
  const z3 = modp((q.z + hh0) * (q.z + hh0) - z1z1 - hh);
  return { x: x3, y: y3, z: z3 };
}

/** Jacobian + Jacobian (add-2007-bl). */
function add(q: Jac, r: Jac): Jac {
  if (q.z === 0n) return r;
  if (r.z === 0n) return q;
  const z1z1 = modp(q.z * q.z);
  const z2z2 = modp(r.z * r.z);
  const u1 = modp(q.x * z2z2);
  const u2 = modp(r.x * z1z1);
  const s1 = modp(q.y * r.z * z2z2);
  const s2 = modp(r.y * q.z * z1z1);
  const hh0 = modp(u2 - u1);
  const rr = modp(2n * (s2 - s1));
  if (hh0 === 0n) return rr === 0n ? double(q) : INFINITY;
  const i = modp(4n * hh0 * hh0);
  const j = modp(hh0 * i);
  const v = modp(u1 * i);
  const x3 = modp(rr * rr - j - 2n * v);
  const y3 = modp(rr * (v - x3) - 2n * s1 * j);
  const z3 = modp(((q.z + r.z) * (q.z + r.z) - z1z1 - z2z2) * hh0);
  return { x: x3, y: y3, z: z3 };
}

function toAffine(q: Jac): Point | undefined {
  if (q.z === 0n) return undefined;
  const zi = modInverse(q.z, P);
  const zi2 = modp(zi * zi);
  return { x: modp(q.x * zi2), y: modp(q.y * zi2 * zi) };
}

function onCurve(pt: Point, c: Curve = SM2_CURVE): boolean {
  const { p, a, b } = c;
  if (pt.x < 0n || pt.x >= p || pt.y < 0n || pt.y >= p) return false;
  return (((pt.y * pt.y - (pt.x * pt.x * pt.x + a * pt.x + b)) % p) + p) % p === 0n;
}

// Fixed-base comb for k·G with signed 6-bit digits: k = Σ d_i · 64^i, d_i ∈ [-32, 32], so
// COMB[i][j-1] = j · 64^i · G (affine) for j = 1…32 and a negative digit adds the negated point
// (x, p - y). 43 windows: about 43 affine additions per k·G instead of ~60 with unsigned 4-bit
// windows — k·G is most of an SM2 signature, and the audit trail signs every record. The table
// (1,376 points) is built once, lazily (~60 ms), with one inversion per window (Montgomery's trick).
const COMB_BITS = 6;
const COMB_WINDOWS = Math.ceil(257 / COMB_BITS); // k < n < 2^256, plus the recoding's carry
const COMB_HALF = 1 << (COMB_BITS - 1);
let COMB: Point[][] | undefined;
function comb(): Point[][] {
  if (COMB) return COMB;
  const table: Point[][] = [];
  let base: Jac = { x: SM2_CURVE.gx, y: SM2_CURVE.gy, z: 1n };
  for (let i = 0; i < COMB_WINDOWS; i++) {
    const jac: Jac[] = [base];
    for (let j = 1; j < COMB_HALF; j++) jac.push(add(jac[j - 1]!, base));
    // batch inversion of the z values
    const prefix: bigint[] = [];
    let acc = 1n;
    for (const q of jac) {
      prefix.push(acc);
      acc = modp(acc * q.z);
    }
    let inv = modInverse(acc, P);
    const row: Point[] = new Array(COMB_HALF);
    for (let j = COMB_HALF - 1; j >= 0; j--) {
      const zi = modp(inv * prefix[j]!);
      inv = modp(inv * jac[j]!.z);
      const zi2 = modp(zi * zi);
      row[j] = { x: modp(jac[j]!.x * zi2), y: modp(jac[j]!.y * zi2 * zi) };
    }
    table.push(row);
    // 64·base = 2 · (32·base)
    base = double(jac[COMB_HALF - 1]!);
  }
  COMB = table;
  return table;
}

function mulG(k: bigint): Jac {
  const table = comb();
  const mask = BigInt((1 << COMB_BITS) - 1);
  let acc: Jac = INFINITY;
  let carry = 0;
  for (let i = 0; i < COMB_WINDOWS; i++) {
    let digit = Number((k >> BigInt(COMB_BITS * i)) & mask) + carry;
    carry = 0;
    if (digit > COMB_HALF) {
      digit -= 1 << COMB_BITS;
      carry = 1;
    }
    if (digit > 0) acc = addAffine(acc, table[i]![digit - 1]!);
    else if (digit < 0) {
      const pt = table[i]![-digit - 1]!;
      acc = addAffine(acc, { x: pt.x, y: pt.y === 0n ? 0n : P - pt.y });
    }
  }
  return acc;
}

function mulPoint(k: bigint, pt: Point): Jac {
  const win: Jac[] = [INFINITY, { x: pt.x, y: pt.y, z: 1n }];
  for (let j = 2; j < 16; j++) win.push(addAffine(win[j - 1]!, pt));
  let acc: Jac = INFINITY;
  for (let i = 63; i >= 0; i--) {
    acc = double(double(double(double(acc))));
    const nib = Number((k >> BigInt(4 * i)) & 15n);
    if (nib) acc = add(acc, win[nib]!);
  }
  return acc;
}

const bytes32 = (v: bigint) => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
const toBig = (b: Buffer) => BigInt('0x' + (b.length ? b.toString('hex') : '0'));

/** Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) (GB/T 32918.2 §5.5). */
export function signerZ(pub: Point, id: string | Buffer = DEFAULT_SIGNER_ID, c: Curve = SM2_CURVE): Buffer {
  const idBytes = typeof id === 'string' ? Buffer.from(id, 'utf8') : id;
  const bits = idBytes.length * 8;
  if (bits > 0xffff) throw new Error('SM2 signer id too long');
  const entl = Buffer.from([bits >> 8, bits & 0xff]);
  return sm3(entl, idBytes, bytes32(c.a), bytes32(c.b), bytes32(c.gx), bytes32(c.gy), bytes32(pub.x), bytes32(pub.y));
}

export interface Sm2KeyPair {
  /** The private scalar d. */
  d: bigint;
  pub: Point;
}

export function publicFromPrivate(d: bigint): Point {
  if (d <= 0n || d >= N - 1n) throw new Error('SM2 private key out of range [1, n-2]');
  return toAffine(mulG(d))!;
}

function randomScalar(): bigint {
  for (;;) {
    const k = toBig(randomBytes(32));
    if (k > 0n && k < N - 1n) return k;
  }
}

export function generateSm2KeyPair(): Sm2KeyPair {
  const d = randomScalar();
  return { d, pub: publicFromPrivate(d) };
}

/** e = SM3(Z ‖ M) as an integer. */
function digestE(message: Buffer, pub: Point, id: string | Buffer): bigint {
  return toBig(sm3(signerZ(pub, id), message));
}

export interface Signature {
  r: bigint;
  s: bigint;
}

// Per key: Z (default ID) and (1 + d)^-1 are the same for every signature.
const perKey = new WeakMap<Sm2KeyPair, { z: Buffer; dInv: bigint }>();

/** Sign with the SM2 scheme. `k` is for the standard's worked example only; leave it out. */
export function sm2Sign(message: Buffer, key: Sm2KeyPair, opts: { id?: string | Buffer; k?: bigint } = {}): Signature {
  let cached = perKey.get(key);
  if (!cached) perKey.set(key, (cached = { z: signerZ(key.pub), dInv: modInverse(1n + key.d, N) }));
  const e = opts.id === undefined ? toBig(sm3(cached.z, message)) : digestE(message, key.pub, opts.id);
  const dInv = cached.dInv;
  for (;;) {
    const k = opts.k ?? randomScalar();
    const x1 = toAffine(mulG(k))!.x;
    const r = (e + x1) % N;
    if (r === 0n || r + k === N) {
      if (opts.k !== undefined) throw new Error('fixed k gives r = 0');
      continue;
    }
    const s = (((dInv * ((k - r * key.d) % N)) % N) + N) % N;
    if (s === 0n) {
      if (opts.k !== undefined) throw new Error('fixed k gives s = 0');
      continue;
    }
    return { r, s };
  }
}

export function sm2Verify(message: Buffer, sig: Signature, pub: Point, opts: { id?: string | Buffer } = {}): boolean {
  const { r, s } = sig;
  if (r < 1n || r >= N || s < 1n || s >= N || !onCurve(pub)) return false;
  const t = (r + s) % N;
  if (t === 0n) return false;
  const sum = toAffine(add(mulG(s), mulPoint(t, pub)));
  if (!sum) return false;
  return (digestE(message, pub, opts.id ?? DEFAULT_SIGNER_ID) + sum.x) % N === r;
}

// ---- encodings: DER signatures (GB/T 35276 / X.509 style), PKCS#8 and SPKI keys via Node --------

function derInt(v: bigint): Buffer {
  const hex = v.toString(16);
  let b = Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex');
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return Buffer.concat([Buffer.from([0x02, b.length]), b]);
}

export function signatureToDer(sig: Signature): Buffer {
  const body = Buffer.concat([derInt(sig.r), derInt(sig.s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

export function signatureFromDer(der: Buffer): Signature {
  const fail = () => new Error('not a DER SM2 signature');
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) throw fail();
  let off = 2;
  const read = (): bigint => {
    if (der[off] !== 0x02) throw fail();
    const len = der[off + 1]!;
    if (len < 1 || len > 33 || off + 2 + len > der.length) throw fail();
    const v = toBig(der.subarray(off + 2, off + 2 + len));
    off += 2 + len;
    return v;
  };
  const r = read();
  const s = read();
  if (off !== der.length) throw fail();
  return { r, s };
}

// id-ecPublicKey with the SM2 curve (1.2.156.10197.1.301): the fixed DER prefixes of the encodings
// OpenSSL writes for this curve.
const PKCS8_PREFIX = Buffer.from('308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420', 'hex');
const PKCS8_MIDDLE = Buffer.from('a144034200', 'hex');
const SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');

const uncompressed = (pt: Point) => Buffer.concat([Buffer.from([0x04]), bytes32(pt.x), bytes32(pt.y)]);

function pointFromUncompressed(b: Buffer): Point {
  if (b.length !== 65 || b[0] !== 0x04) throw new Error('not an uncompressed SM2 point');
  const pt = { x: toBig(b.subarray(1, 33)), y: toBig(b.subarray(33)) };
  if (!onCurve(pt)) throw new Error('point is not on the SM2 curve');
  return pt;
}

export function privateKeyToPem(key: Sm2KeyPair): string {
  const der = Buffer.concat([PKCS8_PREFIX, bytes32(key.d), PKCS8_MIDDLE, uncompressed(key.pub)]);
  // Through OpenSSL: it checks the encoding, and the PEM is what `openssl pkey` reads.
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Read an SM2 private key (PKCS#8 or SEC1 PEM/DER); the public point is recomputed and cross-checked. */
export function privateKeyFromPem(pem: string | Buffer): Sm2KeyPair {
  const obj: KeyObject = createPrivateKey(pem);
  const der = obj.export({ type: 'pkcs8', format: 'der' });
  // Node reports a key OpenSSL decoded as SM2 with asymmetricKeyType undefined, a generated one as 'ec'.
  if ((obj.asymmetricKeyType !== 'ec' && obj.asymmetricKeyType !== undefined) || !der.subarray(0, PKCS8_PREFIX.length).equals(PKCS8_PREFIX)) {
    throw new Error('not an SM2 private key (expected an EC key on the SM2 curve)');
  }
  const d = toBig(der.subarray(PKCS8_PREFIX.length, PKCS8_PREFIX.length + 32));
  const pub = publicFromPrivate(d);
  const fromOpenSsl = publicKeyFromPem(createPublicKey(obj).export({ type: 'spki', format: 'pem' }));
  if (fromOpenSsl.x !== pub.x || fromOpenSsl.y !== pub.y) throw new Error('SM2 public key mismatch between OpenSSL and this implementation');
  return { d, pub };
}

export function publicKeyToPem(pub: Point): string {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, uncompressed(pub)]), format: 'der', type: 'spki' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

export function publicKeyFromPem(pem: string | Buffer): Point {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  if (!der.subarray(0, SPKI_PREFIX.length).equals(SPKI_PREFIX)) throw new Error('not an SM2 public key');
  return pointFromUncompressed(der.subarray(SPKI_PREFIX.length));
}

/** The public key as 04‖x‖y hex (the form sm-crypto and GM/T 0009 use). */
export function publicKeyHex(pub: Point): string {
  return uncompressed(pub).toString('hex');
}

export function publicKeyFromHex(hex: string): Point {
  return pointFromUncompressed(Buffer.from(hex, 'hex'));
}

/** A short, stable key id: SM3 of the uncompressed public point, first 16 hex digits. */
export function keyId(pub: Point): string {
  return sm3(uncompressed(pub)).toString('hex').slice(0, 16);
}
