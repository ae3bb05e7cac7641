/**
 * Where the audit chain is kept: SQLite under the state dir by default, PostgreSQL when configured
 * (the fault store's convention: STACKS_PG_URL). Appending is serialised across processes — SQLite
 * BEGIN IMMEDIATE, PostgreSQL a transaction-scoped advisory lock — because each record needs the
 * hash of the one before it.
 */
import { canonicalOf, detailJson, objectsJson, type AuditRecord } from './chain.js';
import { hash } from 'node:crypto';

export interface AuditQuery {
  action?: string;
  /** Records touching this object (exact `kind:id`, or a prefix ending in `*`). */
  object?: string;
  user?: string;
  operator?: string;
  result?: string;
  /** ISO times, inclusive. */
  since?: string;
  until?: string;
  limit?: number;
}

export interface AuditStore {
  readonly backend: 'sqlite' | 'postgres';
  /**
   * Append one record: `make` gets the next seq and the previous hash and returns the sealed
   * record; it runs inside the store's lock, so it must be quick (hash + sign: well under 1 ms).
   */
  append(make: (seq: number, prev: string) => AuditRecord): Promise<AuditRecord>;
  /** Every record in stored (seq) order, in pages, as `verifiable` rows: verification streams through them. */
  scan(onPage: (records: Array<AuditRecord & { computedHash: string }>) => boolean | void, pageSize?: number): Promise<void>;
  query(q: AuditQuery): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

export const AUDIT_SCHEMA = `CREATE TABLE IF NOT EXISTS audit_log (
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  user_name TEXT NOT NULL,
  operator TEXT,
  action TEXT NOT NULL,
  objects TEXT NOT NULL,
  input_hash TEXT,
  result TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev TEXT NOT NULL,
  key_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  sig TEXT NOT NULL
)`;

export interface AuditRow {
  seq: number | string;
  at: string;
  user_name: string;
  operator: string | null;
  action: string;
  objects: string;
  input_hash: string | null;
  result: string;
  detail: string;
  prev: string;
  key_id: string;
  hash: string;
  sig: string;
}

export function toRow(r: AuditRecord): unknown[] {
  return [r.seq, r.at, r.user, r.operator, r.action, objectsJson(r.objects), r.inputHash, r.result, detailJson(r.detail), r.prev, r.keyId, r.hash, r.sig];
}

/** A stored row back to a record. A row someone edited into invalid JSON still yields a record (that fails its hash). */
export function fromRow(row: AuditRow): AuditRecord {
  const json = <T>(text: string, fallback: T): T => {
    try {
      return JSON.parse(text) as T;
    } catch {
      return fallback;
    }
  };
  return {
    seq: Number(row.seq),
    at: row.at,
    user: row.user_name,
    operator: row.operator,
    action: row.action,
    objects: json<string[]>(row.objects, [`(unreadable: ${row.objects.slice(0, 40)})`]),
    inputHash: row.input_hash,
    result: row.result,
    detail: json(row.detail, { unreadable: row.detail.slice(0, 40) }),
    prev: row.prev,
    keyId: row.key_id,
    hash: row.hash,
    sig: row.sig,
  };
}

/** The columns in schema order: a raw (array) row of `SELECT ${AUDIT_COLUMNS}` is indexed by them. */
export const AUDIT_COLUMNS = 'seq, at, user_name, operator, action, objects, input_hash, result, detail, prev, key_id, hash, sig';

/**
 * A row for the verifier from its stored fields, in AUDIT_COLUMNS order: the chain fields and the
 * hash computed from the row's text (not a re-serialisation), which is what verification compares.
 * objects and detail stay empty: the hash covers their stored text, and the verifier reads neither.
 * One-shot `crypto.hash`: verify hashes every record, and a Hash object per row costs more than the hash.
 */
export function verifiableFields(f: readonly unknown[]): AuditRecord & { computedHash: string } {
  const seq = Number(f[0]);
  const at = f[1] as string;
  const user = f[2] as string;
  const operator = f[3] as string | null;
  const action = f[4] as string;
  const inputHash = f[6] as string | null;
  const result = f[7] as string;
  const prev = f[9] as string;
  const keyId = f[10] as string;
  return {
    seq,
    at,
    user,
    operator,
    action,
    objects: [],
    inputHash,
    result,
    detail: {},
    prev,
    keyId,
    hash: f[11] as string,
    sig: f[12] as string,
    computedHash: hash('sm3', canonicalOf(seq, at, user, operator, action, f[5] as string, inputHash, result, f[8] as string, prev, keyId), 'hex'),
  };
}

/** A named row (PostgreSQL) for the verifier: see verifiableFields. */
export function verifiable(row: AuditRow): AuditRecord & { computedHash: string } {
  return verifiableFields([
    row.seq,
    row.at,
    row.user_name,
    row.operator,
    row.action,
    row.objects,
    row.input_hash,
    row.result,
    row.detail,
    row.prev,
    row.key_id,
    row.hash,
    row.sig,
  ]);
}

/** The WHERE clause of a query, with `?` or `$n` placeholders. */
export function whereOf(q: AuditQuery, placeholder: (i: number) => string): { sql: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  const add = (cond: (p: string) => string, v: unknown) => {
    args.push(v);
    parts.push(cond(placeholder(args.length)));
  };
  if (q.action) q.action.endsWith('*') ? add((p) => `action LIKE ${p}`, q.action.slice(0, -1) + '%') : add((p) => `action = ${p}`, q.action);
  if (q.user) add((p) => `user_name = ${p}`, q.user);
  if (q.operator) add((p) => `operator = ${p}`, q.operator);
  if (q.result) add((p) => `result = ${p}`, q.result);
  if (q.since) add((p) => `at >= ${p}`, q.since);
  if (q.until) add((p) => `at <= ${p}`, q.until);
  // objects is a JSON array of strings: match the quoted element (or its prefix).
  if (q.object) add((p) => `objects LIKE ${p}`, q.object.endsWith('*') ? `%"${q.object.slice(0, -1)}%` : `%"${q.object}"%`);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
}
