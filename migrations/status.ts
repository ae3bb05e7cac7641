/**
 * Where the migration stands: the plan joined with the journal — per wave and per system, the
 * lifecycle state and how far along it is, and the share of non-classified systems on cloud against
 * the plan's target of 100%. Wave 0 — the retired and retained systems, whose runbooks run after the
 * waves — is listed last, so a status hides none of the plan's systems. Pure (the caller reads the
 * plan and the journal).
 */
import { onCloud, progressOf, type LifecycleState } from './lifecycle.js';
import { closingWave, type MigrationPlan } from './plan.js';
import type { RoundRow, SystemRow } from './journal.js';

/** A replicating system's lag: bytes the target lacks, and how old its copy is. */
interface Lag {
  bytes_behind: number;
  files_behind: number;
  seconds_behind: number;
  round: number;
  /** Throughput of the latest round, Mbit/s. */
  mbps: number;
}

interface WaveStatus {
  number: number;
  date: string;
  total: number;
  by_state: Partial<Record<LifecycleState, number>>;
  /** 0..1: mean lifecycle progress of the wave's systems. */
  progress: number;
  systems: Array<{ id: string; state: LifecycleState; target_cloud: string; error?: string; lag?: Lag }>;
}

export interface MigrationStatus {
  waves: WaveStatus[];
  share: {
    on_cloud: number;
    /** Non-classified systems still in service (retired ones are switched off). */
    non_classified_in_service: number;
    ratio: number;
    planned_ratio: number;
    target: 1;
  };
}

export function migrationStatus(plan: MigrationPlan, rows: readonly SystemRow[], rounds: readonly RoundRow[] = [], now = Date.now()): MigrationStatus {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const lastRound = new Map(rounds.map((r) => [r.system, r]));
  const lagOf = (id: string, state: LifecycleState): Lag | undefined => {
    const r = lastRound.get(id);
    if (!r) return undefined;
    // once the name points at the target, the target IS the system: nothing is behind
    const caughtUp = onCloud(state);
    return {
      bytes_behind: caughtUp ? 0 : r.bytes_behind,
      files_behind: caughtUp ? 0 : r.files_behind,
      seconds_behind: caughtUp ? 0 : Math.max(0, Math.round((now - Date.parse(r.started_at)) / 100) / 10),
      round: r.round,
      mbps: r.mbps,
    };
  };
  let onCloudCount = 0;
  const closing = closingWave(plan);
  const all = [...plan.waves, ...(closing.systems.length ? [{ ...closing, date: plan.waves.at(-1)?.date ?? '-' }] : [])];
  const waves = all.map((w): WaveStatus => {
    const by: Partial<Record<LifecycleState, number>> = {};
    let sum = 0;
    const systems = w.systems.map((s) => {
      const row = byId.get(s.id);
      const state: LifecycleState = row?.state ?? 'planned';
      by[state] = (by[state] ?? 0) + 1;
      sum += progressOf(state);
      if (onCloud(state)) onCloudCount++;
      const lag = lagOf(s.id, state);
      return { id: s.id, state, target_cloud: s.target_cloud, ...(row?.error ? { error: row.error } : {}), ...(lag ? { lag } : {}) };
    });
    return { number: w.number, date: w.date, total: w.systems.length, by_state: by, progress: w.systems.length ? sum / w.systems.length : 1, systems };
  });
  const inService = plan.summary.non_classified - plan.retired.length;
  return {
    waves,
    share: {
      on_cloud: onCloudCount,
      non_classified_in_service: inService,
      ratio: inService > 0 ? onCloudCount / inService : 1,
      planned_ratio: plan.summary.planned_cloud_share,
      target: 1,
    },
  };
}

export function renderStatusText(st: MigrationStatus, opts: { systems?: boolean } = {}): string {
  const lines = [
    `non-classified systems on cloud: ${st.share.on_cloud}/${st.share.non_classified_in_service} = ${(st.share.ratio * 100).toFixed(1)}% (plan reaches ${(st.share.planned_ratio * 100).toFixed(1)}%, target 100%)`,
  ];
  for (const w of st.waves) {
    const states = Object.entries(w.by_state)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const when = w.number === 0 ? 'retired and retained, after the waves' : w.date;
    lines.push(`wave ${w.number} (${when}) ${bar(w.progress)} ${(w.progress * 100).toFixed(0).padStart(3)}%  ${w.total} systems: ${states}`);
    if (opts.systems) for (const s of w.systems) lines.push(`    ${s.id.padEnd(32)} ${s.state}${lagText(s.lag)}${s.error ? `  (${s.error})` : ''}`);
  }
  return lines.join('\n');
}

const lagText = (l?: Lag) => (l ? `  lag ${l.bytes_behind} B / ${l.seconds_behind} s (round ${l.round}, ${l.mbps} Mbit/s)` : '');

const bar = (p: number, width = 20) => `[${'#'.repeat(Math.round(p * width)).padEnd(width, '.')}]`;
