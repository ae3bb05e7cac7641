/**
 * The audit chain, pure: how a record is written down (canonical form), hashed with SM3 into a
 * chain (each record commits to the hash of the one before), and how a sequence of stored records
 * is checked. Invariants a verifier relies on:
 *  - `seq` starts at 1 and increases by exactly 1; `prev` of record 1 is 64 zeros;
 *  - `hash` = SM3(canonical(record without hash and sig)), and canonical() is stable across
 *    versions (a positional JSON array: key order and whitespace cannot vary);
 *  - `sig` is an SM2 signature (default signer ID) over the 32 hash bytes by the key `keyId`.
 * A changed record breaks its own hash; a removed, inserted or reordered one breaks `seq` or the
 * next `prev`; a rewritten tail breaks the signature of the head (a forger has no trusted key);
 * a truncated tail is caught against the anchor (the last head this host wrote, kept apart).
 */
import { sm3 } from '../lib/gm/sm3.js';
import { signatureFromDer, signatureToDer, sm2Sign, sm2Verify, type Point, type Sm2KeyPair } from '../lib/gm/sm2.js';

export const GENESIS = '0'.repeat(64);

export type AuditDetail = Record<string, string | number | boolean | null>;

/** What a caller says happened. */
export interface AuditEvent {
  /** Dotted verb: `deploy.commit`, `plan.accept`, `fault.ack`, `migrate.step`, `secrets.rotate`… */
  action: string;
  /** What it touched, as `kind:id` (the policy findings' convention): `device:xian-r1`, `fault:12`. */
  objects?: readonly string[];
  /** The diff or input acted on: only its SM3 hash is stored (it may hold secrets). */
  input?: unknown;
  /** `ok`, `failed`, `rolled-back`, `refused`… */
  result: string;
  /** Small facts worth reading later (counts, ids). Never secrets. */
  detail?: AuditDetail;
  /** The person, when they said who they are (`--operator`); the OS user is always recorded. */
  operator?: string;
}

export interface AuditRecord {
  seq: number;
  /** ISO 8601, UTC, milliseconds. */
  at: string;
  user: string;
  operator: string | null;
  action: string;
  objects: string[];
  inputHash: string | null;
  result: string;
  detail: AuditDetail;
  prev: string;
  keyId: string;
  hash: string;
  sig: string;
}

export type UnsignedRecord = Omit<AuditRecord, 'hash' | 'sig'>;

function sortedDetail(d: AuditDetail): AuditDetail {
  const out: AuditDetail = {};
  for (const k of Object.keys(d).sort()) out[k] = d[k]!;
  return out;
}

/** The stored text of the two structured fields: what the hash covers, byte for byte. */
export const objectsJson = (objects: readonly string[]) => JSON.stringify(objects);
export const detailJson = (detail: AuditDetail) => JSON.stringify(sortedDetail(detail));

/** The canonical text, from the fields' stored forms (so a verifier can hash a row without parsing it). */
export function canonicalOf(
  seq: number,
  at: string,
  user: string,
  operator: string | null,
  action: string,
  objects: string,
  inputHash: string | null,
  result: string,
  detail: string,
  prev: string,
  keyId: string,
): string {
  const q = JSON.stringify;
  return `["stacks-audit-v1",${seq},${q(at)},${q(user)},${q(operator)},${q(action)},${objects},${q(inputHash)},${q(result)},${detail},${q(prev)},${q(keyId)}]`;
}

function canonical(r: UnsignedRecord): string {
  return canonicalOf(r.seq, r.at, r.user, r.operator, r.action, objectsJson(r.objects), r.inputHash, r.result, detailJson(r.detail), r.prev, r.keyId);
}

export function hashRecord(r: UnsignedRecord): string {
  return sm3(canonical(r)).toString('hex');
}

/** SM3 of the input: bytes as they are, anything else as stable JSON. */
export function hashInput(input: unknown): string | null {
  if (input === undefined) return null;
  if (Buffer.isBuffer(input)) return sm3(input).toString('hex');
  if (typeof input === 'string') return sm3(input).toString('hex');
  return sm3(stable(input)).toString('hex');
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function seal(r: UnsignedRecord, key: Sm2KeyPair): AuditRecord {
  const hash = hashRecord(r);
  const sig = signatureToDer(sm2Sign(Buffer.from(hash, 'hex'), key)).toString('hex');
  return { ...r, hash, sig };
}

function signatureValid(r: AuditRecord, pub: Point): boolean {
  try {
    return sm2Verify(Buffer.from(r.hash, 'hex'), signatureFromDer(Buffer.from(r.sig, 'hex')), pub);
  } catch {
    return false;
  }
}

export interface Anchor {
  seq: number;
  hash: string;
}

export interface ChainProblem {
  /** The first bad record (or, for a truncated tail, the first one missing). */
  seq: number;
  reason: string;
}

export interface ChainReport {
  ok: boolean;
  records: number;
  head?: Anchor;
  /** Records whose signature was checked (the head always; every one with `allSignatures`). */
  signaturesChecked: number;
  problem?: ChainProblem;
}

/**
 * Walk the records in stored order and stop at the first bad one. `keys` maps key ids to trusted
 * public keys. Streaming: a million records are checked in constant memory.
 */
export class ChainVerifier {
  private expectSeq = 1;
  private prev = GENESIS;
  private last: AuditRecord | undefined;
  private checked = 0;
  problem: ChainProblem | undefined;
  count = 0;

  private readonly allSignatures: boolean;
  private readonly anchor: Anchor | undefined;

  constructor(
    private readonly keys: ReadonlyMap<string, Point>,
    opts: { allSignatures?: boolean; anchor?: Anchor } = {},
  ) {
    this.allSignatures = opts.allSignatures ?? false;
    this.anchor = opts.anchor;
  }

  /** Feed the next record; false once a problem is found (stop feeding). `computedHash`: the row's hash, already computed from its stored text. */
  push(r: AuditRecord & { computedHash?: string }): boolean {
    if (this.problem) return false;
    this.count++;
    const fail = (reason: string) => {
      this.problem = { seq: r.seq, reason };
      return false;
    };
    if (r.seq !== this.expectSeq) {
      return r.seq > this.expectSeq
        ? ((this.problem = { seq: this.expectSeq, reason: `record ${this.expectSeq} is missing (next stored record is ${r.seq})` }), false)
        : fail(`record ${r.seq} appears again or out of order after record ${this.expectSeq - 1}`);
    }
    if (r.prev !== this.prev)
      return fail(
        `does not follow record ${r.seq - 1}: its prev hash ${r.prev.slice(0, 16)}… is not that record's hash ${this.prev.slice(0, 16)}… (a record was removed, inserted or reordered)`,
      );
    const hash = r.computedHash ?? hashRecord(r);
    if (hash !== r.hash) return fail(`was changed: its content hashes to ${hash.slice(0, 16)}…, the chain holds ${r.hash.slice(0, 16)}…`);
    if (this.anchor && r.seq === this.anchor.seq && r.hash !== this.anchor.hash)
      return fail('is not the record this host wrote with that number (its hash differs from the anchor)');
    const pub = this.keys.get(r.keyId);
    if (!pub) return fail(`is signed by key ${r.keyId}, which is not a trusted audit key`);
    if (this.allSignatures) {
      this.checked++;
      if (!signatureValid(r, pub)) return fail('its SM2 signature does not verify');
    }
    this.prev = r.hash;
    this.expectSeq++;
    this.last = r;
    return true;
  }

  finish(): ChainReport {
    const anchor = this.anchor;
    const base = { records: this.count, signaturesChecked: this.checked };
    if (this.problem) return { ok: false, ...base, problem: this.problem };
    const head = this.last ? { seq: this.last.seq, hash: this.last.hash } : undefined;
    if (this.last && !this.allSignatures) {
      base.signaturesChecked++;
      if (!signatureValid(this.last, this.keys.get(this.last.keyId)!))
        return {
          ok: false,
          ...base,
          head,
          problem: { seq: this.last.seq, reason: 'its SM2 signature does not verify (the chain was rewritten without the signing key)' },
        };
    }
    if (anchor && (!head || head.seq < anchor.seq)) {
      return {
        ok: false,
        ...base,
        head,
        problem: {
          seq: (head?.seq ?? 0) + 1,
          reason: `record ${(head?.seq ?? 0) + 1} is missing: this host last wrote record ${anchor.seq}, the log ends at ${head?.seq ?? 'nothing'}`,
        },
      };
    }
    return { ok: true, ...base, head };
  }

  /** Hash of the record with this seq, as seen while walking (to compare with the anchor). */
  get lastRecord(): AuditRecord | undefined {
    return this.last;
  }
}
