/**
 * The devices' /etc/shadow files: root's and the rendered local users' passwords as SHA-512 crypt.
 *
 * Hashing is the slow part of a redeploy (openssl's sha512-crypt of ~80 passwords took 0.8 s of a
 * 27-device no-op deploy on a loaded host), so a device keeps its shadow when its users and their
 * passwords are those it was made from. That is known without hashing again (which costs as much)
 * from a fingerprint kept beside the shadow: an HMAC of the user list keyed by a random key sealed in
 * the lab's secrets, over the users and the shadow text made from them. Without that key the
 * fingerprint tells nothing about a password (a copy of the state dir cannot brute-force it faster
 * than the crypt hashes beside it); a missing, stale or foreign fingerprint, or an edited shadow,
 * makes the device's shadow again.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { run } from './shell.js';
import { runtimeError } from '../lib/errors.js';

export interface ShadowUser {
  name: string;
  password: string;
}

/** A device's shadow text and the fingerprint of the users it was made from. */
export interface DeviceShadow {
  text: string;
  fingerprint: string;
  /** Made now (to be written); false: the device's current file is kept as it is. */
  fresh: boolean;
}

/** Where a device's shadow and its fingerprint live (lab/names.ts DevicePaths). */
export interface ShadowFiles {
  shadow: string;
  fingerprint: string;
}

/** The users and the shadow text made from them: an edit of either shows. */
const fingerprintOf = (key: Buffer, users: readonly ShadowUser[], text: string) =>
  createHmac('sha256', key)
    .update(JSON.stringify([users.map((u) => [u.name, u.password]), text]))
    .digest('hex');

const readOr = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * Each device's shadow: kept when its fingerprint file matches its users now and the shadow as it is,
 * else made again — every device that needs one in one openssl run.
 */
export async function labShadows(usersByDevice: ReadonlyArray<readonly ShadowUser[]>, files: readonly ShadowFiles[], key: Buffer): Promise<DeviceShadow[]> {
  const kept = usersByDevice.map((users, i) => {
    const text = readOr(files[i]!.shadow);
    return text !== undefined && readOr(files[i]!.fingerprint)?.trim() === fingerprintOf(key, users, text) ? text : undefined;
  });
  const made = await deviceShadows(usersByDevice.filter((_, i) => kept[i] === undefined));
  let next = 0;
  return usersByDevice.map((users, i) => {
    const text = kept[i] ?? made[next++]!;
    return { text, fingerprint: fingerprintOf(key, users, text), fresh: kept[i] === undefined };
  });
}

/** The device's /etc/shadow: root's and the rendered users' passwords as SHA-512 crypt (openssl reads the value on stdin, never argv). */
export async function deviceShadows(usersByDevice: ReadonlyArray<readonly ShadowUser[]>): Promise<string[]> {
  // Root logs in by key only (PermitRootLogin prohibit-password), but without a shadow entry of its
  // own sshd (UsePAM no) takes the account for locked: root gets the hash of a password nobody knows.
  const accounts = usersByDevice.map((users) => [{ name: 'root', password: randomBytes(24).toString('base64url') }, ...users]);
  const hashes = await sha512Crypt(accounts.flat().map((u) => u.password));
  let next = 0;
  return accounts.map((users) => `${users.map((u) => `${u.name}:${hashes[next++]}:20000:0:99999:7:::`).join('\n')}\n`);
}

/**
 * sha512-crypt (`$6$`, what Debian's shadow uses) of each password, in order. Node has no crypt(3),
 * so openssl makes them; it hashes every line of its stdin, so the whole lab takes one process
 * where one per user took ~80 (about 2 s of a no-op deploy on a loaded host). Passwords travel on
 * stdin, never in argv.
 */
async function sha512Crypt(passwords: readonly string[]): Promise<string[]> {
  if (passwords.length === 0) return [];
  // openssl reads one password per line and prints `<NULL>` for an empty one
  if (passwords.some((p) => p === '' || /[\r\n]/.test(p)))
    throw runtimeError('E_LAB_SECRET', 'a rendered local user password is empty or contains a line break');
  const hashes = (await run('openssl', ['passwd', '-6', '-stdin'], { input: `${passwords.join('\n')}\n` })).stdout.trim().split('\n');
  if (hashes.length !== passwords.length || hashes.some((h) => !h.startsWith('$6$')))
    throw runtimeError('E_LAB_SHADOW', `openssl passwd gave ${hashes.length} hashes for ${passwords.length} passwords`);
  return hashes;
}
