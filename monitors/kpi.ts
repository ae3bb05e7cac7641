/**
 * Table 1 rows: an indicator's computed value (monitors/indicators/) against its 2023 and 2025
 * targets from plan-indicators.json, and the text table. Pure. An indicator whose source is missing
 * is reported `unavailable` with the reason, never invented; one computed over too little watched
 * time is shown but not claimed (its `meets_*` are null).
 */
import stringWidth from 'string-width';
import type { Basis, Computed } from './indicators/define.js';

export interface PlanIndicator {
  id: number;
  name_zh: string;
  name_en: string;
  definition: string;
  target_2023: string | null;
  target_2025: string | null;
  /** Indicator 13: the fix window in hours ("within 3 hours"). */
  fix_window_hours?: number;
}

export interface Target {
  value: number;
  /** `>` for targets written ">95%", else `>=`. */
  op: '>=' | '>';
}

export function parseTarget(text: string | null): Target | null {
  if (!text) return null;
  const m = /^\s*(>=?|≥)?\s*([\d.]+)\s*%\s*$/.exec(text);
  if (!m) return null;
  return { value: Number(m[2]) / 100, op: m[1] === '>' ? '>' : '>=' };
}

const meets = (v: number | null, t: Target | null): boolean | null => (v === null || t === null ? null : t.op === '>' ? v > t.value : v >= t.value);

export interface KpiRow {
  id: number;
  name: string;
  name_zh: string;
  value: number | null;
  target_2023: number | null;
  target_2025: number | null;
  target_2023_op: '>=' | '>' | null;
  target_2025_op: '>=' | '>' | null;
  meets_2023: boolean | null;
  meets_2025: boolean | null;
  /** ok: computed; no-data: the source exists but holds nothing to count yet; unavailable: no source. */
  status: 'ok' | 'no-data' | 'unavailable';
  reason?: string;
  numerator?: number;
  denominator?: number;
  definition: string;
  /** live, journal or declared (see monitors/indicators/define.ts). */
  basis: Basis;
  source: string;
  /** ISO time the figure was measured (or its source last written); null when unknown. */
  measured_at: string | null;
  /** False when the value is shown but not held against the targets (e.g. too little watched time). */
  claimed: boolean;
  note?: string;
  detail?: Record<string, unknown>;
}

export function kpiRow(plan: PlanIndicator, c: Computed): KpiRow {
  const t23 = parseTarget(plan.target_2023);
  const t25 = parseTarget(plan.target_2025);
  const value = c.status === 'ok' ? c.value : null;
  const claimed = c.status === 'ok' && c.claim !== false;
  const judged = claimed ? value : null;
  return {
    id: plan.id,
    name: plan.name_en,
    name_zh: plan.name_zh,
    value,
    target_2023: t23?.value ?? null,
    target_2025: t25?.value ?? null,
    target_2023_op: t23?.op ?? null,
    target_2025_op: t25?.op ?? null,
    meets_2023: meets(judged, t23),
    meets_2025: meets(judged, t25),
    status: c.status,
    ...(c.status !== 'ok' ? { reason: c.reason } : {}),
    ...(c.status === 'ok' && c.numerator !== undefined ? { numerator: c.numerator, denominator: c.denominator } : {}),
    definition: c.definition,
    basis: c.basis,
    source: c.source,
    measured_at: c.measuredAt === null ? null : new Date(c.measuredAt).toISOString(),
    claimed,
    ...(c.status === 'ok' && c.note ? { note: c.note } : {}),
    ...(c.detail ? { detail: c.detail } : {}),
  };
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);
const tgt = (v: number | null, op: string | null) => (v === null ? '—' : `${op === '>' ? '>' : ''}${(v * 100).toFixed(0)}%`);
const mark = (m: boolean | null) => (m === null ? ' ' : m ? '✓' : '✗');

const when = (iso: string | null) => (iso === null ? 'undated' : iso.replace(/\.\d+Z$/, 'Z'));

export function renderKpiTable(rows: readonly KpiRow[]): string {
  const header = ['id', 'indicator', 'value', '2023', '', '2025', '', 'source', 'measured', 'note'];
  const lines = rows.map((r) => [
    String(r.id),
    `${r.name} (${r.name_zh})`,
    pct(r.value),
    tgt(r.target_2023, r.target_2023_op),
    mark(r.meets_2023),
    tgt(r.target_2025, r.target_2025_op),
    mark(r.meets_2025),
    r.basis,
    when(r.measured_at),
    [r.status === 'ok' ? (r.numerator !== undefined ? `${r.numerator}/${r.denominator}` : '') : `${r.status}: ${r.reason}`, r.source, r.note]
      .filter(Boolean)
      .join('; '),
  ]);
  // Columns by display width: a Chinese character takes two terminal cells.
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => stringWidth(l[i]!))));
  const fmt = (cols: string[]) => cols.map((c, i) => (i === cols.length - 1 ? c : c + ' '.repeat(widths[i]! - stringWidth(c)))).join('  ');
  return [fmt(header), ...lines.map(fmt)].join('\n') + '\n';
}
