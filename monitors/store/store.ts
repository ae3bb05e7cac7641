/**
 * The fault store: one interface, two implementations (SQLite by default, PostgreSQL when a URL is
 * given). Opening and clearing are idempotent — keyed on object + kind + "condition still holds",
 * enforced by a partial unique index — so a daemon that restarts, or a trap and a poll reporting
 * the same outage, never counts a fault twice. A batch of events is applied in one transaction.
 *
 * Beside the faults: the journal (who did what to a fault, and when: the daemon's open/clear as
 * much as an operator's acknowledge or resolve) and the watch spans (when a daemon was running:
 * time outside every span is unknown, never "up").
 */
import type { Fault, FaultKind } from '../types.js';
import type { FaultEvent } from '../faults/tracker.js';
import { faultState, type JournalLine, type LifecycleAction } from '../faults/lifecycle.js';

export interface MonitoredObject {
  object: string;
  /** `device`, `link`, `platform`. */
  type: string;
  /** When monitoring of the object began (ms): uptime windows never reach back before it. */
  firstSeen: number;
}

export interface AppliedEvent {
  event: FaultEvent;
  fault: Fault | undefined;
  /** False when the event changed nothing (fault already open, or nothing active to clear). */
  changed: boolean;
}

export interface FaultQuery {
  /** Faults closed at or after this time (ms) are included; faults not closed always are. */
  since?: number;
  limit?: number;
  kind?: FaultKind;
  /** Only faults not closed yet (the NOC's open tickets, cleared or not). */
  openOnly?: boolean;
}

export type ActResult =
  | { ok: true; fault: Fault; changed: boolean }
  | { ok: false; reason: 'no-fault'; message: string }
  | { ok: false; reason: 'refused'; field: string; message: string };

/** A period a daemon was running: from its start to its last heartbeat. */
export interface WatchSpan {
  id: number;
  from: number;
  to: number;
}

export interface FaultStore {
  readonly backend: 'sqlite' | 'postgres';
  /** Apply open/flapping/clear events in order, in one transaction; each is journalled. */
  apply(events: readonly FaultEvent[]): Promise<AppliedEvent[]>;
  /** An operator action, decided by faults/lifecycle.ts and written with its journal line atomically. */
  act(action: LifecycleAction, causes: readonly string[]): Promise<ActResult>;
  fault(id: number): Promise<Fault | undefined>;
  journal(id: number): Promise<JournalLine[]>;
  /** Faults whose condition still holds (the tracker resumes them after a restart). */
  activeFaults(): Promise<Fault[]>;
  listFaults(query?: FaultQuery): Promise<Fault[]>;
  /** Faults whose outage [opened, cleared or now] overlaps [from, to]. */
  faultsBetween(from: number, to: number): Promise<Fault[]>;
  /** Record objects under monitoring; existing ones keep their first-seen time. */
  registerObjects(objects: ReadonlyArray<{ object: string; type: string }>, at: number): Promise<void>;
  objects(): Promise<MonitoredObject[]>;
  /** A daemon run begins: a new watch span [at, at]. */
  beginWatch(at: number): Promise<number>;
  /** The daemon is still watching: extend its span to `at`. */
  heartbeat(span: number, at: number): Promise<void>;
  /** Spans overlapping [from, to], clipped to it, oldest first. */
  watchSpans(from: number, to: number): Promise<WatchSpan[]>;
  close(): Promise<void>;
}

/** Columns added since the first schema (an older store gains them on open; see MIGRATED_BACKFILL). */
export const FAULT_COLUMNS: ReadonlyArray<readonly [string, 'BIGINT' | 'TEXT' | 'INTEGER']> = [
  ['cleared_at', 'BIGINT'],
  ['assigned_at', 'BIGINT'],
  ['assigned_to', 'TEXT'],
  ['assigned_by', 'TEXT'],
  ['resolved_at', 'BIGINT'],
  ['resolved_by', 'TEXT'],
  ['resolution', 'TEXT'],
  ['cause', 'TEXT'],
  ['closed_by', 'TEXT'],
  ['flapping', 'INTEGER'],
];

/** The first schema's closed_at was the condition's end and, implicitly, its fix. */
export const MIGRATED_BACKFILL = `UPDATE faults SET cleared_at = closed_at, resolved_at = closed_at, resolved_by = 'stacks-daemon', closed_by = 'stacks-daemon', flapping = 0 WHERE cleared_at IS NULL AND closed_at IS NOT NULL`;

export const SCHEMA_STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS faults (
     id INTEGER PRIMARY KEY,
     object TEXT NOT NULL,
     kind TEXT NOT NULL,
     opened_at BIGINT NOT NULL,
     acknowledged_at BIGINT,
     acknowledged_by TEXT,
     closed_at BIGINT,
     detail TEXT
   )`,
  `CREATE INDEX IF NOT EXISTS faults_closed_at ON faults (closed_at)`,
  `CREATE INDEX IF NOT EXISTS faults_opened_at ON faults (opened_at)`,
  `CREATE TABLE IF NOT EXISTS monitored_objects (
     object TEXT PRIMARY KEY,
     type TEXT NOT NULL,
     first_seen BIGINT NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS fault_journal (
     id INTEGER PRIMARY KEY,
     fault_id BIGINT NOT NULL,
     at BIGINT NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     text TEXT
   )`,
  `CREATE INDEX IF NOT EXISTS fault_journal_fault ON fault_journal (fault_id, at)`,
  `CREATE TABLE IF NOT EXISTS watch_spans (
     id INTEGER PRIMARY KEY,
     started_at BIGINT NOT NULL,
     last_seen BIGINT NOT NULL
   )`,
];

/** After the columns exist: one active fault per object and kind, the heart of "counts nothing twice". */
export const INDEX_STATEMENTS = [
  `DROP INDEX IF EXISTS faults_one_open`,
  `CREATE UNIQUE INDEX IF NOT EXISTS faults_one_active ON faults (object, kind) WHERE cleared_at IS NULL`,
];

/** The daemon's own journal entries carry this actor. */
export const DAEMON_ACTOR = 'stacks-daemon';

export interface FaultRow {
  id: number | string;
  object: string;
  kind: string;
  opened_at: number | string;
  cleared_at: number | string | null;
  acknowledged_at: number | string | null;
  acknowledged_by: string | null;
  assigned_at: number | string | null;
  assigned_to: string | null;
  assigned_by: string | null;
  resolved_at: number | string | null;
  resolved_by: string | null;
  resolution: string | null;
  cause: string | null;
  closed_at: number | string | null;
  closed_by: string | null;
  flapping: number | string | boolean | null;
  detail: string | null;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function rowToFault(r: FaultRow): Fault {
  const openedAt = Number(r.opened_at);
  const clearedAt = num(r.cleared_at);
  const base = {
    id: Number(r.id),
    object: r.object,
    kind: r.kind as FaultKind,
    openedAt,
    clearedAt,
    acknowledgedAt: num(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
    assignedAt: num(r.assigned_at),
    assignedTo: r.assigned_to,
    assignedBy: r.assigned_by,
    resolvedAt: num(r.resolved_at),
    resolvedBy: r.resolved_by,
    resolution: r.resolution,
    cause: r.cause,
    closedAt: num(r.closed_at),
    closedBy: r.closed_by,
    flapping: r.flapping === true || Number(r.flapping) === 1,
    durationMs: clearedAt === null ? null : clearedAt - openedAt,
    detail: r.detail,
  };
  return { ...base, state: faultState(base) };
}

/** What the daemon's events write to the journal. */
export function eventJournal(e: FaultEvent): JournalLine {
  if (e.type === 'open') return { at: e.at, actor: DAEMON_ACTOR, action: 'open', text: e.detail ?? (e.flapping ? 'flapping' : null) };
  if (e.type === 'flapping') return { at: e.at, actor: DAEMON_ACTOR, action: 'flapping', text: null };
  return {
    at: e.at,
    actor: DAEMON_ACTOR,
    action: e.autoResolve ? 'clear+resolve' : 'clear',
    text: e.autoResolve ? 'condition cleared; auto-resolving kind' : 'condition cleared; waits for an operator to resolve',
  };
}
