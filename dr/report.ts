/**
 * The game-day record of a drill and its verdict. Pure: measurements in, report out; the text
 * rendering is what `stacks dr drill` prints and stores beside the JSON.
 */
import type { Ack } from './writer-client.js';

export type Phase = 'pre-check' | 'inject' | 'runbook' | 'measure' | 'post-check' | 'failback' | 'restore';

export interface StepRecord {
  phase: Phase;
  name: string;
  /** Seconds from the drill's start. */
  at_s: number;
  duration_s: number;
  ok: boolean;
  detail?: string;
}

export interface DrillReport extends Outcome {
  id: string;
  scenario: string;
  title: string;
  lab: string;
  target: string;
  system: string;
  class: { id: string; name: string; gbt20988_level: number; rto_s: number; rpo_s: number };
  started_at: string;
  finished_at: string;
  duration_s: number;
  steps: StepRecord[];
  primary_before: string;
  primary_after: string | null;
  failback: { requested: boolean; done: boolean; downtime_s: number | null; writes_lost: number } | null;
  passed: boolean;
  failures: string[];
  /** Set when the drill stopped early (error or Ctrl-C); the lab was restored anyway. */
  aborted?: string;
}

export interface Measurement {
  /** When the injection began: the failure instant (the outage is counted from here). */
  failAtMs: number;
  /**
   * When the injection had taken effect (every link down). Only a write started after this proves
   * the service answers again: one started earlier may have been acknowledged by the old primary.
   */
  cutAtMs?: number;
  acks: Ack[];
  /** Acknowledged ids the primary after failover holds. */
  present: Set<number>;
}

export interface Outcome {
  /** Failure injected → first write (started after it) acknowledged. Null: never answered again. */
  rto_s: number | null;
  /** Window of acknowledged data lost: from the first lost write's acknowledgement to the failure. */
  rpo_s: number;
  writes_acked: number;
  writes_lost: number;
  lost_ids: number[];
  /** Longest pause between two acknowledged writes during the drill. */
  max_write_gap_s: number;
}

export function measure(m: Measurement): Outcome {
  const first = m.acks.find((a) => a.startMs >= (m.cutAtMs ?? m.failAtMs));
  const lost = m.acks.filter((a) => !m.present.has(a.id));
  const earliestLost = lost.reduce((min, a) => Math.min(min, a.ackMs), Infinity);
  let gap = 0;
  for (let i = 1; i < m.acks.length; i++) gap = Math.max(gap, m.acks[i]!.ackMs - m.acks[i - 1]!.ackMs);
  return {
    rto_s: first ? round((first.ackMs - m.failAtMs) / 1000) : null,
    rpo_s: lost.length ? round(Math.max(0, m.failAtMs - earliestLost) / 1000) : 0,
    writes_acked: m.acks.length,
    writes_lost: lost.length,
    lost_ids: lost.slice(0, 50).map((a) => a.id),
    max_write_gap_s: round(gap / 1000),
  };
}

/** Targets of the class: RTO within `rto_s`; RPO 0 means no acknowledged write may be lost. */
export function verdict(o: Outcome, cls: DrillReport['class'], steps: readonly StepRecord[]): string[] {
  const failures: string[] = [];
  if (o.rto_s === null) failures.push('the service did not answer again');
  else if (o.rto_s > cls.rto_s) failures.push(`RTO ${o.rto_s} s exceeds the class target ${cls.rto_s} s`);
  if (cls.rpo_s === 0 && o.writes_lost > 0) failures.push(`${o.writes_lost} acknowledged writes lost; class ${cls.id} demands RPO 0`);
  else if (o.rpo_s > cls.rpo_s) failures.push(`RPO ${o.rpo_s} s exceeds the class target ${cls.rpo_s} s`);
  for (const s of steps)
    if (!s.ok && (s.phase === 'pre-check' || s.phase === 'post-check' || s.phase === 'failback'))
      failures.push(`${s.phase} failed: ${s.name}${s.detail ? ` (${s.detail})` : ''}`);
  return failures;
}

export const round = (x: number) => Math.round(x * 1000) / 1000;

export function renderReportText(r: DrillReport): string {
  const out = [
    `DR drill ${r.id}: ${r.scenario} — ${r.title}`,
    `target ${r.target} (lab ${r.lab}); system: ${r.system}; class ${r.class.id} ${r.class.name}, GB/T 20988 level ${r.class.gbt20988_level}`,
    `started ${r.started_at}, finished ${r.finished_at} (${r.duration_s} s)`,
    '',
    'timeline:',
  ];
  for (const s of r.steps)
    out.push(
      `  +${s.at_s.toFixed(2).padStart(7)} s  ${s.ok ? 'ok  ' : 'FAIL'}  ${s.phase.padEnd(10)} ${s.name} (${s.duration_s.toFixed(2)} s)${s.detail ? ` — ${s.detail}` : ''}`,
    );
  out.push(
    '',
    'targets vs measured:',
    `  RTO  target ≤ ${r.class.rto_s} s   measured ${r.rto_s === null ? 'never recovered' : `${r.rto_s} s`}`,
    `  RPO  target ≤ ${r.class.rpo_s} s   measured ${r.rpo_s} s (${r.writes_lost} of ${r.writes_acked} acknowledged writes lost)`,
    `  longest write gap ${r.max_write_gap_s} s; primary ${r.primary_before} → ${r.primary_after ?? 'none'}`,
  );
  if (r.failback)
    out.push(`  failback: ${r.failback.done ? `done, downtime ${r.failback.downtime_s} s, ${r.failback.writes_lost} writes lost` : 'not completed'}`);
  if (r.aborted) out.push('', `ABORTED: ${r.aborted} (the lab was restored)`);
  out.push('', r.passed ? 'outcome: PASSED — every target met' : `outcome: FAILED\n${r.failures.map((f) => `  - ${f}`).join('\n')}`);
  return out.join('\n');
}
