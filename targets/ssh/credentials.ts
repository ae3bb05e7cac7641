/**
 * SSH credentials for the ssh target: the router's `credential` in routers.yaml (or the file's, for
 * every router; by default `{{secret:ssh/<device>/password}}`) is a secret reference, resolved from
 * the sealed network store (`<state>/secrets/network.json`, lib/secret-refs.ts) the way a config's
 * OSPF keys are. `stacks secrets set PATH` puts a value in (stdin, never argv); a private key is its
 * key file base64-encoded on one line (the store takes no newlines): `base64 -w0 KEY | stacks secrets
 * set ssh/noc/key`. The value is handed to ssh2 in memory: it is never written anywhere, put in an
 * environment or on a command line, and errors name the device and the reference, never the value.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../../lib/errors.js';
import { refPath, type SecretLookup, secretRef } from '../../lib/secret-refs.js';
import type { RoutersFile } from '../../inventory/routers-schema.js';
import type { RouterEntry } from './inventory.js';

export interface SshCredential {
  /** The reference it came from, `{{secret:PATH}}`: what an error names. */
  ref: string;
  password?: string;
  privateKey?: Buffer;
}

interface CredentialRef {
  kind: 'password' | 'private_key';
  ref: string;
  /** Where the reference is written, for errors (`routers[2].credential.password`, or the default). */
  at: string;
}

/** Which reference logs a router in: its own, the file's, or the default path by device. */
function credentialRef(file: RoutersFile, r: RouterEntry, index: number): CredentialRef {
  const pick = (c: { password?: string; private_key?: string }, at: string): CredentialRef =>
    c.password !== undefined
      ? { kind: 'password', ref: c.password, at: `${at}.password` }
      : { kind: 'private_key', ref: c.private_key!, at: `${at}.private_key` };
  if (r.credential) return pick(r.credential, `routers[${index}].credential`);
  if (file.credential) return pick(file.credential, 'credential');
  return { kind: 'password', ref: secretRef(`ssh/${r.device}/password`), at: `routers[${index}] (no credential: the default reference)` };
}

/**
 * Every router's credential from the store. Refuses (exit 2, before any router is contacted) a
 * reference the store lacks or a key value that is no key, naming each device and reference.
 */
export function resolveCredentials(
  routersFile: string,
  file: RoutersFile,
  routers: readonly RouterEntry[],
  store: SecretLookup,
  stateDir: string,
): Map<string, SshCredential> {
  const legacy = join(stateDir, 'secrets', 'ssh.json');
  if (existsSync(legacy))
    throw inputError(
      'E_SECRET_FILE',
      legacy,
      '(file)',
      'plain-JSON SSH credentials are no longer read (a copy of the state dir would give every router away)',
      'put each value in the sealed store (`stacks secrets set ssh/<device>/password`, value on stdin), name it in routers.yaml if not the default, then remove the file',
    );
  const out = new Map<string, SshCredential>();
  const missing: string[] = [];
  for (const [i, r] of routers.entries()) {
    const c = credentialRef(file, r, i);
    const path = refPath(c.ref)!;
    const value = store.get(path);
    if (value === undefined) {
      missing.push(`${r.device}: ${c.ref} (${c.at})`);
      continue;
    }
    if (c.kind === 'password') {
      out.set(r.device, { ref: c.ref, password: value });
      continue;
    }
    const key = Buffer.from(value, 'base64');
    if (!/^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key.subarray(0, 64).toString('latin1')))
      throw inputError(
        'E_SECRET_VALUE',
        routersFile,
        c.at,
        `${r.device}: the secret ${c.ref} holds no private key (expected the key file base64-encoded on one line)`,
        `base64 -w0 KEYFILE | stacks secrets set ${path}`,
      );
    out.set(r.device, { ref: c.ref, privateKey: key });
  }
  if (missing.length)
    throw inputError(
      'E_SECRET_UNRESOLVED',
      routersFile,
      'credential',
      `the secret store holds no SSH credential for ${missing.length === 1 ? 'a router' : `${missing.length} routers`}: ${missing.join('; ')}`,
      'put each value in the sealed store (`stacks secrets set PATH`, value on stdin) and deploy again; nothing was pushed',
    );
  return out;
}
