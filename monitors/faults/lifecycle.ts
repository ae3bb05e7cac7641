/**
 * The people side of a fault, pure: which operator action is allowed in which state and what it
 * changes. The stores apply the returned patch and journal line in one transaction, so two
 * operators acting at once cannot both "resolve" a fault; this file decides, they only write.
 *
 * Invariants: the first acknowledgement is kept (a second one is a no-op, not an error); assigning
 * acknowledges if nobody had; an outage fault (device, link, platform) cannot be resolved while its
 * condition still holds — "fixed" must mean fixed —; a fault is closed only once resolved; nothing
 * but a note changes a closed fault.
 */
import { OUTAGE_KINDS, type Fault, type FaultState } from '../types.js';

export type LifecycleAction =
  | { action: 'ack'; id: number; at: number; by: string }
  | { action: 'assign'; id: number; at: number; by: string; to: string }
  | { action: 'note'; id: number; at: number; by: string; text: string }
  | { action: 'resolve'; id: number; at: number; by: string; note: string; cause: string }
  | { action: 'close'; id: number; at: number; by: string };

/** Column → value, in the stores' column names. */
type FaultPatch = Partial<
  Record<
    | 'acknowledged_at'
    | 'acknowledged_by'
    | 'assigned_at'
    | 'assigned_to'
    | 'assigned_by'
    | 'resolved_at'
    | 'resolved_by'
    | 'resolution'
    | 'cause'
    | 'closed_at'
    | 'closed_by',
    number | string
  >
>;

export interface JournalLine {
  at: number;
  actor: string;
  action: string;
  text: string | null;
}

export type Decision = { ok: true; patch: FaultPatch; journal: JournalLine | null } | { ok: false; message: string; field: string };

export function faultState(f: Pick<Fault, 'closedAt' | 'resolvedAt' | 'clearedAt' | 'assignedTo' | 'acknowledgedAt'>): FaultState {
  if (f.closedAt !== null) return 'closed';
  if (f.resolvedAt !== null) return 'resolved';
  if (f.clearedAt !== null) return 'cleared';
  if (f.assignedTo !== null) return 'assigned';
  if (f.acknowledgedAt !== null) return 'acknowledged';
  return 'open';
}

const refuse = (field: string, message: string): Decision => ({ ok: false, field, message });

/** Decide an operator action on `f`; `causes` is the inventory's list of cause categories. */
export function decide(f: Fault, a: LifecycleAction, causes: readonly string[]): Decision {
  if (!a.by.trim()) return refuse('operator', 'the operator name is empty');
  const line = (text: string | null): JournalLine => ({ at: a.at, actor: a.by, action: a.action, text });
  if (a.action === 'note') {
    if (!a.text.trim()) return refuse('text', 'the note is empty');
    return { ok: true, patch: {}, journal: line(a.text) };
  }
  if (f.closedAt !== null) {
    if (a.action === 'close') return { ok: true, patch: {}, journal: null };
    return refuse('id', `fault ${f.id} is closed (by ${f.closedBy ?? 'unknown'}); only notes can be added`);
  }
  switch (a.action) {
    case 'ack':
      if (f.acknowledgedAt !== null) return { ok: true, patch: {}, journal: null };
      return { ok: true, patch: { acknowledged_at: a.at, acknowledged_by: a.by }, journal: line(null) };
    case 'assign': {
      if (!a.to.trim()) return refuse('to', 'assign to whom? the assignee is empty');
      if (f.resolvedAt !== null) return refuse('id', `fault ${f.id} is already resolved`);
      const ack: FaultPatch = f.acknowledgedAt === null ? { acknowledged_at: a.at, acknowledged_by: a.by } : {};
      return { ok: true, patch: { ...ack, assigned_at: a.at, assigned_to: a.to, assigned_by: a.by }, journal: line(`to ${a.to}`) };
    }
    case 'resolve': {
      if (f.resolvedAt !== null) return refuse('id', `fault ${f.id} was already resolved by ${f.resolvedBy ?? 'unknown'}`);
      if (!a.note.trim()) return refuse('note', 'a resolution note is required (what was done)');
      if (!causes.includes(a.cause)) return refuse('cause', `"${a.cause}" is not a cause category; one of: ${causes.join(', ')}`);
      if (f.clearedAt === null && OUTAGE_KINDS.includes(f.kind)) {
        return refuse('id', `fault ${f.id} (${f.kind} on ${f.object}) still holds: it can be resolved once the condition clears`);
      }
      const ack: FaultPatch = f.acknowledgedAt === null ? { acknowledged_at: a.at, acknowledged_by: a.by } : {};
      return { ok: true, patch: { ...ack, resolved_at: a.at, resolved_by: a.by, resolution: a.note, cause: a.cause }, journal: line(`[${a.cause}] ${a.note}`) };
    }
    case 'close':
      if (f.resolvedAt === null) return refuse('id', `fault ${f.id} is not resolved yet: resolve it (with a note and a cause) before closing`);
      return { ok: true, patch: { closed_at: a.at, closed_by: a.by }, journal: line(null) };
  }
}
