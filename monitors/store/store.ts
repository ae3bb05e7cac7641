/**
 * The fault store: one interface, two implementations (SQLite by default, PostgreSQL when a URL is
 * given). Opening and closing are idempotent — keyed on object + kind + "still open", enforced by a
 * partial unique index — so a daemon that restarts, or a trap and a poll reporting the same outage,
 * never counts a fault twice. A batch of events is applied in one transaction.
 */
import type { Fault, FaultKind } from '../types.js';
import type { FaultEvent } from '../faults/tracker.js';

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
  /** False when the event changed nothing (fault already open, or nothing open to close). */
  changed: boolean;
}

export interface FaultQuery {
  /** Closed faults closed at or after this time (ms) are included; open faults always are. */
  since?: number;
  limit?: number;
  kind?: FaultKind;
}

export interface FaultStore {
  readonly backend: 'sqlite' | 'postgres';
  /** Apply open/close events in order, in one transaction. */
  apply(events: readonly FaultEvent[]): Promise<AppliedEvent[]>;
  acknowledge(id: number, at: number, by: string): Promise<Fault | undefined>;
  /** Close a fault by id (an operator closing a security incident, say); idempotent. */
  closeById(id: number, at: number): Promise<Fault | undefined>;
  openFaults(): Promise<Fault[]>;
  listFaults(query?: FaultQuery): Promise<Fault[]>;
  /** Faults whose [opened, closed or now] interval overlaps [from, to]. */
  faultsBetween(from: number, to: number): Promise<Fault[]>;
  /** Record objects under monitoring; existing ones keep their first-seen time. */
  registerObjects(objects: ReadonlyArray<{ object: string; type: string }>, at: number): Promise<void>;
  objects(): Promise<MonitoredObject[]>;
  close(): Promise<void>;
}

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
  // At most one open fault per object and kind: the heart of "counts nothing twice".
  `CREATE UNIQUE INDEX IF NOT EXISTS faults_one_open ON faults (object, kind) WHERE closed_at IS NULL`,
  `CREATE INDEX IF NOT EXISTS faults_closed_at ON faults (closed_at)`,
  `CREATE INDEX IF NOT EXISTS faults_opened_at ON faults (opened_at)`,
  `CREATE TABLE IF NOT EXISTS monitored_objects (
     object TEXT PRIMARY KEY,
     type TEXT NOT NULL,
     first_seen BIGINT NOT NULL
   )`,
];

export interface FaultRow {
  id: number | string;
  object: string;
  kind: string;
  opened_at: number | string;
  acknowledged_at: number | string | null;
  acknowledged_by: string | null;
  closed_at: number | string | null;
  detail: string | null;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function rowToFault(r: FaultRow): Fault {
  const openedAt = Number(r.opened_at);
  const closedAt = num(r.closed_at);
  return {
    id: Number(r.id),
    object: r.object,
    kind: r.kind as FaultKind,
    openedAt,
    acknowledgedAt: num(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
    closedAt,
    durationMs: closedAt === null ? null : closedAt - openedAt,
    detail: r.detail,
  };
}
