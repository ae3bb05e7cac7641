/**
 * Secret files sealed with SM4 (lib/gm/sm4.ts: SM4-CTR + HMAC-SM3, encrypt-then-MAC). A sealed file
 * is a small JSON envelope — format, algorithm, key id, IV, ciphertext, MAC — written 0600 from
 * creation.
 *
 * The key (32 bytes) comes from, in order: STACKS_SEAL_KEY (64 hex digits or base64), the file
 * named by STACKS_SEAL_KEY_FILE, or `seal.key` beside the sealed file, generated on first use
 * (0600). The default keeps a lab self-contained; a production host sets STACKS_SEAL_KEY_FILE to a
 * file outside the state dir (e.g. a systemd credential), so that a copy of the state dir alone
 * opens nothing.
 *
 * Errors name the file and what is wrong, never its content: no JSON parser message (V8 quotes
 * the text around a syntax error), no key material, no plaintext.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { deriveSealKeys, SEAL_KEY_BYTES, SealError, sm4Open, sm4Seal } from './gm/sm4.js';
import { sm3 } from './gm/sm3.js';
import { createPrivateFileExclusive, writePrivateFileAtomically } from './private-files.js';
import { inputError } from './errors.js';

const SEALED_FORMAT = 'stacks-sealed-v1';
const SEAL_ALG = 'SM4-CTR+HMAC-SM3';
export const SEAL_KEY_ENV = 'STACKS_SEAL_KEY';
export const SEAL_KEY_FILE_ENV = 'STACKS_SEAL_KEY_FILE';

interface Envelope {
  format: typeof SEALED_FORMAT;
  alg: typeof SEAL_ALG;
  kid: string;
  iv: string;
  ct: string;
  mac: string;
}

export interface SealKey {
  key: Buffer;
  /** Where it came from, for messages: `STACKS_SEAL_KEY`, or a file path. Never the key. */
  source: string;
  /** SM3 of the key, first 16 hex digits: tells which key sealed a file without revealing it. */
  kid: string;
}

const kidOf = (key: Buffer) => sm3(Buffer.from('stacks-seal-kid'), key).toString('hex').slice(0, 16);

function parseKeyText(text: string, source: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(t) ? Buffer.from(t, 'base64') : undefined;
  if (!key || key.length !== SEAL_KEY_BYTES) {
    throw inputError('E_SEAL_KEY', source, '(key)', `is not a ${SEAL_KEY_BYTES}-byte key (64 hex digits or base64)`, 'make one with `openssl rand -hex 32`');
  }
  return key;
}

export const defaultKeyFile = (sealedFile: string) => join(dirname(sealedFile), 'seal.key');

/** The key for a sealed file; `create` makes the default key file when none is configured. */
export function sealKeyFor(sealedFile: string, opts: { create?: boolean; env?: NodeJS.ProcessEnv } = {}): SealKey {
  const env = opts.env ?? process.env;
  const fromEnv = env[SEAL_KEY_ENV];
  if (fromEnv) {
    const key = parseKeyText(fromEnv, SEAL_KEY_ENV);
    return { key, source: SEAL_KEY_ENV, kid: kidOf(key) };
  }
  const file = env[SEAL_KEY_FILE_ENV] || defaultKeyFile(sealedFile);
  if (!existsSync(file)) {
    if (!opts.create)
      throw inputError(
        'E_SEAL_KEY',
        file,
        '(file)',
        'no seal key: the sealed file cannot be opened',
        `set ${SEAL_KEY_ENV} or ${SEAL_KEY_FILE_ENV} to the key it was sealed with`,
      );
    createPrivateFileExclusive(file, randomBytes(SEAL_KEY_BYTES).toString('hex') + '\n');
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw inputError('E_SEAL_KEY', file, '(file)', `cannot read the seal key: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const key = parseKeyText(text, file);
  return { key, source: file, kid: kidOf(key) };
}

const header = (kid: string) => Buffer.from(`${SEALED_FORMAT}|${SEAL_ALG}|${kid}`);

function sealBytes(plaintext: Buffer, key: SealKey): string {
  const s = sm4Seal(deriveSealKeys(key.key), plaintext, header(key.kid));
  const env: Envelope = {
    format: SEALED_FORMAT,
    alg: SEAL_ALG,
    kid: key.kid,
    iv: s.iv.toString('base64'),
    ct: s.ciphertext.toString('base64'),
    mac: s.mac.toString('base64'),
  };
  return JSON.stringify(env, null, 2) + '\n';
}

/** Is this text a sealed envelope (as opposed to a legacy plaintext secrets file)? */
/** Whether `text` is a sealed envelope (by its shape; opening it needs the key). */
export function looksSealed(text: string): boolean {
  return text.includes(`"${SEALED_FORMAT}"`);
}

function openBytes(text: string, file: string, key: SealKey): Buffer {
  let env: Partial<Envelope>;
  try {
    env = JSON.parse(text) as Partial<Envelope>;
  } catch {
    throw inputError(
      'E_SECRETS',
      file,
      '(root)',
      'is not a complete sealed secrets file (truncated or damaged)',
      'restore it from a backup, or remove it to generate new secrets',
    );
  }
  const b64 = (v: unknown) => (typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v) ? Buffer.from(v, 'base64') : undefined);
  const iv = b64(env.iv);
  const ct = b64(env.ct);
  const mac = b64(env.mac);
  if (env.format !== SEALED_FORMAT || env.alg !== SEAL_ALG || typeof env.kid !== 'string' || !iv || !ct || !mac) {
    throw inputError('E_SECRETS', file, '(root)', `is not a ${SEALED_FORMAT} file (missing or malformed format, alg, kid, iv, ct or mac)`);
  }
  if (env.kid !== key.kid) {
    throw inputError(
      'E_SEAL_KEY',
      file,
      'kid',
      `was sealed with key ${env.kid}, and the key from ${key.source} is ${key.kid}`,
      `set ${SEAL_KEY_ENV} or ${SEAL_KEY_FILE_ENV} to the key it was sealed with`,
    );
  }
  try {
    return sm4Open(deriveSealKeys(key.key), { iv, ciphertext: ct, mac }, header(env.kid));
  } catch (err) {
    if (err instanceof SealError)
      throw inputError('E_SECRETS', file, '(root)', `${err.message}`, 'restore the file from a backup, or remove it to generate new secrets');
    throw err;
  }
}

/** Parse JSON that may hold secrets: a syntax error says where, never what. */
function parseSecretJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw inputError('E_SECRETS', file, '(root)', 'is not valid JSON (the parser message is withheld: it would quote the secrets)');
  }
}

/** Read a secrets document: sealed (opened with its key) or, for files from before sealing, plain JSON. */
export function readSecretDocument(file: string, opts: { env?: NodeJS.ProcessEnv } = {}): { value: unknown; sealed: boolean } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw inputError('E_SECRETS', file, '(root)', `cannot read the secrets file: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (!looksSealed(text)) return { value: parseSecretJson(text, file), sealed: false };
  const plain = openBytes(text, file, sealKeyFor(file, { env: opts.env }));
  return { value: parseSecretJson(plain.toString('utf8'), file), sealed: true };
}

/** Seal `value` as JSON into `file` (0600 from creation), making the default key on first use. */
export function writeSecretDocument(file: string, value: unknown, opts: { key?: SealKey } = {}): void {
  const key = opts.key ?? sealKeyFor(file, { create: true });
  writePrivateFileAtomically(file, sealBytes(Buffer.from(JSON.stringify(value)), key), { fsync: true });
}
