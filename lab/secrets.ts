/**
 * Lab secrets: the SNMPv3 user (authPriv), an optional v2c community, and the deploy SSH key. Generated
 * on first deploy under the state dir with mode 0600 and never committed (the state dir is ignored).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile } from 'node:fs/promises';
import { writeFileAtomically } from '../lib/files.js';
import { run } from './shell.js';

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
}

export async function ensureSecrets(file: string, v2c: boolean): Promise<LabSecrets> {
  let secrets: LabSecrets;
  if (existsSync(file)) secrets = JSON.parse(await readFile(file, 'utf8')) as LabSecrets;
  else secrets = { snmp: { user: 'stacks', authProtocol: 'sha', authKey: token(), privProtocol: 'aes', privKey: token() } };
  const before = JSON.stringify(secrets);
  if (v2c && !secrets.snmp.community) secrets.snmp.community = token();
  if (!v2c) delete secrets.snmp.community;
  if (!existsSync(file) || JSON.stringify(secrets) !== before) {
    await writeFileAtomically(file, JSON.stringify(secrets, null, 2) + '\n');
  }
  await chmod(file, 0o600);
  return secrets;
}

export async function readSecrets(file: string): Promise<LabSecrets> {
  return JSON.parse(await readFile(file, 'utf8')) as LabSecrets;
}

const token = () => randomBytes(18).toString('base64url');

/** An ed25519 key pair made by ssh-keygen when missing (used for the deploy key and host keys). */
export async function ensureKeyPair(path: string, comment: string): Promise<string> {
  if (!existsSync(path) || !existsSync(`${path}.pub`)) {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { input: 'y\n' });
  }
  await chmod(path, 0o600);
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
  const all = (existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) : {}) as { tsig?: Record<string, TsigKey> };
  let key = all.tsig?.[name];
  if (!key) {
    key = { name, algorithm: 'hmac-sha256', secret: randomBytes(32).toString('base64') };
    all.tsig = { ...all.tsig, [name]: key };
    await writeFileAtomically(file, JSON.stringify(all, null, 2) + '\n');
  }
  await chmod(file, 0o600);
  return key;
}

export async function readTsigKey(file: string, name: string): Promise<TsigKey | undefined> {
  if (!existsSync(file)) return undefined;
  return (JSON.parse(await readFile(file, 'utf8')) as { tsig?: Record<string, TsigKey> }).tsig?.[name];
}
