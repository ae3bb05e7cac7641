/**
 * Lab secrets: the SNMPv3 user (authPriv), an optional v2c community, the key of the devices' shadow
 * fingerprints (lab/shadow.ts), and the deploy SSH key.
 * Generated on first deploy under the state dir and sealed with SM4 (lib/sealed-file.ts: the key is
 * STACKS_SEAL_KEY / STACKS_SEAL_KEY_FILE, else `seal.key` beside the file), 0600 from creation.
 * A plaintext secrets.json from before sealing is still read, and sealed the next time it is written.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { readSecretDocument, writeSecretDocument } from '../lib/sealed-file.js';
import { inputError } from '../lib/errors.js';
import { run } from './shell.js';
import { PRIVATE_DIR_MODE } from '../lib/private-files.js';

export interface LabSecrets {
  snmp: {
    user: string;
    authProtocol: 'sha';
    authKey: string;
    privProtocol: 'aes';
    privKey: string;
    /** Present only when the lab was deployed with v2c enabled. */
    community?: string;
  };
  /** Keys the fingerprints beside the devices' shadow files (lab/shadow.ts); made on first need. */
  shadowKey?: string;
}

function checkShape(value: unknown, file: string): LabSecrets {
  const snmp = (value as { snmp?: Record<string, unknown> } | null)?.snmp;
  const missing = ['user', 'authKey', 'privKey'].filter((k) => typeof snmp?.[k] !== 'string' || !(snmp[k] as string).length);
  // Names only: the values are the secrets.
  if (!snmp || missing.length)
    throw inputError(
      'E_SECRETS',
      file,
      missing.length ? `snmp.${missing[0]}` : 'snmp',
      'is missing from the lab secrets',
      'remove the file to generate new secrets (then redeploy)',
    );
  return value as LabSecrets;
}

export async function ensureSecrets(file: string, v2c: boolean): Promise<LabSecrets & { shadowKey: string }> {
  let secrets: LabSecrets;
  let sealed = false;
  if (existsSync(file)) {
    const doc = readSecretDocument(file);
    secrets = checkShape(doc.value, file);
    sealed = doc.sealed;
  } else secrets = { snmp: { user: 'stacks', authProtocol: 'sha', authKey: token(), privProtocol: 'aes', privKey: token() } };
  const before = JSON.stringify(secrets);
  if (v2c && !secrets.snmp.community) secrets.snmp.community = token();
  if (!v2c) delete secrets.snmp.community;
  secrets.shadowKey ??= randomBytes(32).toString('base64');
  if (!sealed || JSON.stringify(secrets) !== before) writeSecretDocument(file, secrets);
  return { ...secrets, shadowKey: secrets.shadowKey };
}

export async function readSecrets(file: string): Promise<LabSecrets> {
  return checkShape(readSecretDocument(file).value, file);
}

/** New SNMP keys (and community when there is one), sealed in place; the devices get them on their next start. */
export async function rotateSnmpSecrets(file: string): Promise<LabSecrets> {
  const s = await readSecrets(file);
  s.snmp.authKey = token();
  s.snmp.privKey = token();
  if (s.snmp.community) s.snmp.community = token();
  writeSecretDocument(file, s);
  return s;
}

const token = () => randomBytes(18).toString('base64url');

/** An ed25519 key pair made by ssh-keygen when missing (used for the deploy key and host keys). */
export async function ensureKeyPair(path: string, comment: string): Promise<string> {
  if (!existsSync(path) || !existsSync(`${path}.pub`)) {
    // Under umask 077 the .pub file is 0600 too (ssh-keygen makes the private key 0600 itself), and
    // a missing folder is made 0700 first: nothing of the pair is ever open to others.
    await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
    await run('sh', ['-c', 'umask 077 && exec "$@"', 'sh', 'ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { input: 'y\n' });
  }
  await chmod(path, 0o600); // a key an older version made
  return (await readFile(`${path}.pub`, 'utf8')).trim();
}

/** A TSIG key (RFC 8945) for dynamic DNS updates, kept in the same secret file as the lab's others. */
export interface TsigKey {
  name: string;
  algorithm: 'hmac-sha256';
  /** base64, 32 random bytes. */
  secret: string;
}

/** The TSIG key `name` from the secret file, created (and the file written, mode 0600) when missing. */
export async function ensureTsigKey(file: string, name: string): Promise<TsigKey> {
  const doc = existsSync(file) ? readSecretDocument(file) : { value: {}, sealed: false };
  const all = (doc.value ?? {}) as { tsig?: Record<string, TsigKey> };
  let key = all.tsig?.[name];
  if (!key || !doc.sealed) {
    key ??= { name, algorithm: 'hmac-sha256', secret: randomBytes(32).toString('base64') };
    all.tsig = { ...all.tsig, [name]: key };
    writeSecretDocument(file, all);
  }
  return key;
}

export async function readTsigKey(file: string, name: string): Promise<TsigKey | undefined> {
  if (!existsSync(file)) return undefined;
  return (readSecretDocument(file).value as { tsig?: Record<string, TsigKey> } | null)?.tsig?.[name];
}
