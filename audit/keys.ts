/**
 * Audit signing keys. The host key (SM2, PKCS#8 PEM) is generated on first use as
 * <state>/audit/host-key.pem, mode 0600 from creation, exactly once even when two commands start
 * together. An operator may sign with their own key (STACKS_AUDIT_KEY=FILE or --audit-key FILE);
 * it must be trusted first (`stacks audit trust PUB.pem`, itself an audited step). Verification
 * trusts exactly the public keys in <state>/audit/trusted/.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateSm2KeyPair, keyId, privateKeyFromPem, privateKeyToPem, publicKeyFromPem, publicKeyToPem, type Point, type Sm2KeyPair } from '../lib/gm/sm2.js';
import { createPrivateFileExclusive, ensurePrivateDir, writePrivateFileAtomically } from '../lib/private-files.js';
import { inputError } from '../lib/errors.js';

export const auditDir = (stateDir: string) => join(stateDir, 'audit');
const hostKeyFile = (stateDir: string) => join(auditDir(stateDir), 'host-key.pem');
const trustedDir = (stateDir: string) => join(auditDir(stateDir), 'trusted');

export interface Signer {
  key: Sm2KeyPair;
  keyId: string;
  source: 'host' | 'operator';
}

function readKeyFile(file: string, what: string): Sm2KeyPair {
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (err) {
    throw inputError('E_AUDIT_KEY', file, '(file)', `cannot read the ${what}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return privateKeyFromPem(text);
  } catch {
    // Never the content: it is a private key.
    throw inputError(
      'E_AUDIT_KEY',
      file,
      '(file)',
      `is not an SM2 private key (PKCS#8 or SEC1 PEM on the SM2 curve)`,
      'make one with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2`',
    );
  }
}

export function hostSigner(stateDir: string): Signer {
  const file = hostKeyFile(stateDir);
  if (!existsSync(file)) {
    ensurePrivateDir(auditDir(stateDir));
    const fresh = generateSm2KeyPair();
    if (createPrivateFileExclusive(file, privateKeyToPem(fresh))) trust(stateDir, fresh.pub);
  }
  const key = readKeyFile(file, 'audit host key');
  const id = keyId(key.pub);
  if (!existsSync(join(trustedDir(stateDir), `${id}.pem`))) trust(stateDir, key.pub);
  return { key, keyId: id, source: 'host' };
}

export function operatorSigner(stateDir: string, file: string): Signer {
  const key = readKeyFile(file, 'operator audit key');
  const id = keyId(key.pub);
  if (!existsSync(join(trustedDir(stateDir), `${id}.pem`))) {
    throw inputError(
      'E_AUDIT_KEY_UNTRUSTED',
      file,
      '(file)',
      `audit key ${id} is not trusted on this host`,
      'trust its public key first: `stacks audit trust PUB.pem` (openssl pkey -in KEY -pubout > PUB.pem)',
    );
  }
  return { key, keyId: id, source: 'operator' };
}

/** Add a public key to the trusted set; returns its id. */
export function trust(stateDir: string, pub: Point): string {
  ensurePrivateDir(trustedDir(stateDir));
  const id = keyId(pub);
  writePrivateFileAtomically(join(trustedDir(stateDir), `${id}.pem`), publicKeyToPem(pub));
  return id;
}

export function readPublicKeyFile(file: string): Point {
  try {
    return publicKeyFromPem(readFileSync(file));
  } catch {
    throw inputError('E_AUDIT_KEY', file, '(file)', 'is not an SM2 public key (SPKI PEM)');
  }
}

export function trustedKeys(stateDir: string): Map<string, Point> {
  const out = new Map<string, Point>();
  const dir = trustedDir(stateDir);
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.pem'))) {
    try {
      const pub = publicKeyFromPem(readFileSync(join(dir, f)));
      out.set(keyId(pub), pub);
    } catch {
      /* a broken file trusts nothing */
    }
  }
  return out;
}

/** A new host key (rotation): the old public key stays trusted, so older records still verify. */
export function rotateHostKey(stateDir: string): { previous?: string; current: string } {
  const file = hostKeyFile(stateDir);
  const previous = existsSync(file) ? keyId(readKeyFile(file, 'audit host key').pub) : undefined;
  const fresh = generateSm2KeyPair();
  const id = trust(stateDir, fresh.pub);
  writePrivateFileAtomically(file, privateKeyToPem(fresh), { fsync: true });
  return { previous, current: id };
}
