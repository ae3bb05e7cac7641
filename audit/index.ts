/**
 * The audit trail: one tamper-evident record per state-changing step, SM3-chained and SM2-signed.
 *
 * How other code records a step — one call, after the step, with what it did:
 *
 *   import { audit } from '../audit/index.js';
 *   await audit.record(stateDir, {
 *     action: 'fault.ack',                 // dotted verb: <capability>.<step>
 *     objects: ['fault:12'],               // what it touched, `kind:id`
 *     input: { id: 12, by },               // the diff or input: only its SM3 hash is kept
 *     result: 'ok',                        // ok | failed | rolled-back | refused | …
 *     detail: { by },                      // small, non-secret facts
 *   });
 *
 * Who is filled in: the OS user always, and the operator from `--operator` (the CLI puts it in
 * STACKS_OPERATOR) or `event.operator`. The signer is the host key (made on first use) or the
 * operator's key (STACKS_AUDIT_KEY). The store is SQLite under <state>/audit/ or PostgreSQL when
 * STACKS_PG_URL is set. `record` throws a StacksError (exit 3) when the record cannot be written:
 * a change that cannot be audited should not look like a success.
 */
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { ChainVerifier, hashInput, seal, type Anchor, type AuditEvent, type AuditRecord, type ChainReport } from './chain.js';
import { auditDir, hostSigner, operatorSigner, trustedKeys, type Signer } from './keys.js';
import type { AuditQuery, AuditStore } from './store.js';
import { SqliteAuditStore } from './sqlite.js';
import { ensurePrivateDir, writePrivateFileAtomically } from '../lib/private-files.js';
import { checkUrlEnv } from '../lib/pg-url.js';
import { runtimeError, StacksError } from '../lib/errors.js';

export type { AuditRecord } from './chain.js';

interface AuditOptions {
  /** PostgreSQL URL; default STACKS_PG_URL; none: SQLite under the state dir. */
  postgresUrl?: string;
  /** Operator's SM2 key file; default STACKS_AUDIT_KEY; none: the host key. */
  keyFile?: string;
}

export const auditSqlitePath = (stateDir: string) => join(auditDir(stateDir), 'audit.sqlite');
const anchorPath = (stateDir: string) => join(auditDir(stateDir), 'head.json');

const stores = new Map<string, Promise<AuditStore>>();

/** The store for a state dir (one per process, reused by every record). */
function openAuditStore(stateDir: string, opts: AuditOptions = {}): Promise<AuditStore> {
  const url = opts.postgresUrl ?? process.env.STACKS_PG_URL;
  const key = `${stateDir}\0${url ?? ''}`;
  let store = stores.get(key);
  if (!store) {
    store = (async (): Promise<AuditStore> => {
      if (url) {
        checkUrlEnv('STACKS_PG_URL', url);
        const { PostgresAuditStore } = await import('./postgres.js');
        return PostgresAuditStore.connect(url);
      }
      ensurePrivateDir(auditDir(stateDir));
      return new SqliteAuditStore(auditSqlitePath(stateDir));
    })();
    stores.set(key, store);
    store.catch(() => stores.delete(key));
  }
  return store;
}

/** Close every store this process opened (a PostgreSQL pool would otherwise hold the process). */
export async function closeAuditStores(): Promise<void> {
  flushAnchors();
  const all = [...stores.values()];
  stores.clear();
  await Promise.all(all.map(async (s) => (await s.catch(() => undefined))?.close()));
}

const signers = new Map<string, Signer>();
function signerFor(stateDir: string, keyFile: string | undefined): Signer {
  const k = `${stateDir}\0${keyFile ?? ''}`;
  let s = signers.get(k);
  if (!s) {
    s = keyFile ? operatorSigner(stateDir, keyFile) : hostSigner(stateDir);
    signers.set(k, s);
  }
  return s;
}

// The OS user cannot change under a running process: looked up once (userInfo() reads the passwd
// database, ~40 µs — a tenth of the append budget if done per record).
let cachedUser: string | undefined;
function osUser(): string {
  if (cachedUser !== undefined) return cachedUser;
  const name = (() => {
    try {
      return userInfo().username;
    } catch {
      return `uid ${process.getuid?.() ?? '?'}`;
    }
  })();
  cachedUser = process.env.SUDO_USER && process.env.SUDO_USER !== name ? `${name} (sudo from ${process.env.SUDO_USER})` : name;
  return cachedUser;
}

function readAnchor(stateDir: string): Anchor | undefined {
  const file = anchorPath(stateDir);
  if (!existsSync(file)) return undefined;
  try {
    const a = JSON.parse(readFileSync(file, 'utf8')) as Anchor;
    return Number.isInteger(a.seq) && typeof a.hash === 'string' ? a : undefined;
  } catch {
    return undefined;
  }
}

// The anchor (the last head this host wrote) is kept apart from the store, so that removing the
// newest records is noticed. It is written when the process closes its stores or exits, not per
// record (a file rename per record would be half the append budget); a crash loses only the
// anchor's advance, never a record.
const heads = new Map<string, Anchor>();
let exitHook = false;
function noteHead(stateDir: string, head: Anchor): void {
  heads.set(stateDir, head);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', flushAnchors);
  }
}

function flushAnchors(): void {
  for (const [stateDir, head] of heads) {
    try {
      const anchor = readAnchor(stateDir);
      if (!anchor || anchor.seq < head.seq) writePrivateFileAtomically(anchorPath(stateDir), JSON.stringify(head) + '\n');
    } catch {
      /* the anchor is a tripwire, not the record: never fail a command over it */
    }
  }
  heads.clear();
}

/** Append one record. See the module header for the fields. */
async function record(stateDir: string, event: AuditEvent, opts: AuditOptions = {}): Promise<AuditRecord> {
  try {
    const signer = signerFor(stateDir, opts.keyFile ?? process.env.STACKS_AUDIT_KEY);
    const store = await openAuditStore(stateDir, opts);
    const operator = event.operator ?? process.env.STACKS_OPERATOR ?? null;
    const base = {
      at: new Date().toISOString(),
      user: osUser(),
      operator: operator || null,
      action: event.action,
      objects: [...(event.objects ?? [])],
      inputHash: hashInput(event.input),
      result: event.result,
      detail: { ...(event.detail ?? {}) },
      keyId: signer.keyId,
    };
    const rec = await store.append((seq, prev) => seal({ seq, prev, ...base }, signer.key));
    noteHead(stateDir, { seq: rec.seq, hash: rec.hash });
    return rec;
  } catch (err) {
    if (err instanceof StacksError) throw err;
    throw runtimeError(
      'E_AUDIT_WRITE',
      `cannot write the audit record for ${event.action}: ${(err as Error).message}`,
      'the step itself may have run: check `stacks audit log`',
    );
  }
}

interface VerifyOptions extends AuditOptions {
  /** Check every record's signature (slow: ~3 ms each), not only the head's. */
  allSignatures?: boolean;
}

async function verify(stateDir: string, opts: VerifyOptions = {}): Promise<ChainReport> {
  flushAnchors();
  const store = await openAuditStore(stateDir, opts);
  const verifier = new ChainVerifier(trustedKeys(stateDir), { allSignatures: opts.allSignatures, anchor: readAnchor(stateDir) });
  await store.scan((page) => {
    for (const r of page) if (!verifier.push(r)) return false;
    return true;
  });
  return verifier.finish();
}

async function log(stateDir: string, q: AuditQuery, opts: AuditOptions = {}): Promise<AuditRecord[]> {
  return (await openAuditStore(stateDir, opts)).query(q);
}

/** The entry point other modules use: `audit.record(stateDir, {...})`. */
export const audit = { record, verify, log, close: closeAuditStores };
