/**
 * Table 1 indicators this system computes — 1, 2, 3, 4, 7, 8, 9, 12, 13 — each against its 2023 and
 * 2025 targets. Pure: the caller hands in the inventory-derived models and what the fault store
 * holds; an indicator whose source is missing is reported `unavailable` with the reason, never
 * invented.
 */
import stringWidth from 'string-width';
import type { Topology, Level } from '../network/types.js';
import type { Fault } from './types.js';
import { FIX_WINDOW_MS, OUTAGE_KINDS } from './types.js';
import { availability, fixRate, pooled, WINDOWS } from './uptime.js';
import type { MonitoredObject } from './store/store.js';

export interface PlanIndicator {
  id: number;
  name_zh: string;
  name_en: string;
  definition: string;
  target_2023: string | null;
  target_2025: string | null;
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
  source: string;
  detail?: Record<string, unknown>;
}

export type Computed =
  | { status: 'ok'; value: number; numerator?: number; denominator?: number; definition: string; source: string; detail?: Record<string, unknown> }
  | { status: 'no-data' | 'unavailable'; reason: string; definition: string; source: string; detail?: Record<string, unknown> };

export function kpiRow(plan: PlanIndicator, c: Computed): KpiRow {
  const t23 = parseTarget(plan.target_2023);
  const t25 = parseTarget(plan.target_2025);
  const value = c.status === 'ok' ? c.value : null;
  return {
    id: plan.id,
    name: plan.name_en,
    name_zh: plan.name_zh,
    value,
    target_2023: t23?.value ?? null,
    target_2025: t25?.value ?? null,
    target_2023_op: t23?.op ?? null,
    target_2025_op: t25?.op ?? null,
    meets_2023: meets(value, t23),
    meets_2025: meets(value, t25),
    status: c.status,
    ...(c.status !== 'ok' ? { reason: c.reason } : {}),
    ...(c.status === 'ok' && c.numerator !== undefined ? { numerator: c.numerator, denominator: c.denominator } : {}),
    definition: c.definition,
    source: c.source,
    ...(c.detail ? { detail: c.detail } : {}),
  };
}

/** Levels indicator 3 counts (the plan: province, city, county); townships are reported beside them. */
const COVERAGE_LEVELS: readonly Level[] = ['province', 'city', 'county'];

/**
 * 3 — extranet coverage: a site is on the (merged) extranet when it is served today by either of
 * the two legacy extranets being merged (the topology's `legacy` membership).
 */
export function extranetCoverage(t: Topology): Computed {
  const by = (levels: readonly Level[]) => {
    const sites = t.sites.filter((s) => levels.includes(s.level));
    const covered = sites.filter((s) => s.legacy.length > 0).length;
    return { covered, total: sites.length };
  };
  const main = by(COVERAGE_LEVELS);
  const township = by(['township']);
  const definition = 'province/city/county sites served by the extranet (either legacy network being merged) / all such sites in the topology';
  if (main.total === 0) return { status: 'no-data', reason: 'the topology has no province/city/county sites', definition, source: 'topology' };
  return {
    status: 'ok',
    value: main.covered / main.total,
    numerator: main.covered,
    denominator: main.total,
    definition,
    source: 'topology (legacy membership)',
    detail: { townships_covered: township.covered, townships_total: township.total, township_rate: township.total ? township.covered / township.total : null },
  };
}

/** 4 — capacity sufficiency: sites whose uplinks (count and rate) meet the plan's bandwidth for their tier. */
export function capacitySufficiency(t: Topology, planTiers: ReadonlyArray<{ parent: string; child: string; links: number; bandwidth_mbps: number }> = []): Computed {
  // the plan's figures from the inventory (province.yaml plan_tiers); a tier the plan does not name uses its declared rate
  const planOf = new Map(planTiers.map((p) => [`${p.parent}-${p.child}`, { links: p.links, mbps: p.bandwidth_mbps }]));
  const deviceSite = new Map(t.devices.map((d) => [d.id, d.site]));
  const tiers = new Map(t.tiers.map((x) => [x.id, x]));
  const uplinks = new Map<string, { tier: string; mbps: number[] }>();
  for (const l of t.links) {
    if (l.kind !== 'uplink') continue;
    const site = deviceSite.get(l.b.device);
    if (!site) continue;
    const e = uplinks.get(site) ?? { tier: l.tier, mbps: [] };
    e.mbps.push(l.bandwidthMbps);
    uplinks.set(site, e);
  }
  let meetsCount = 0;
  const short: string[] = [];
  const sites = t.sites.filter((s) => s.parent);
  for (const s of sites) {
    const u = uplinks.get(s.id);
    const tier = u ? tiers.get(u.tier) : undefined;
    const plan = u && (planOf.get(u.tier) ?? (tier && planOf.get(`${tier.parent}-${tier.child}`)));
    const need = u ? (plan ?? (tier ? { links: tier.links, mbps: tier.bandwidthMbps } : undefined)) : undefined;
    const ok = !!u && !!need && u.mbps.filter((m) => m >= need.mbps).length >= need.links;
    if (ok) meetsCount++;
    else if (short.length < 20) short.push(s.id);
  }
  const definition = "sites whose uplinks match the plan's tier bandwidth (count × rate) / all non-province sites";
  if (!sites.length) return { status: 'no-data', reason: 'the topology has no sites below the province', definition, source: 'topology' };
  return { status: 'ok', value: meetsCount / sites.length, numerator: meetsCount, denominator: sites.length, definition, source: 'topology (links vs plan tier rates)', detail: { short_sites: short } };
}

export interface StoreView {
  objects: MonitoredObject[];
  /** Faults overlapping the last 365 days. */
  faults: Fault[];
  now: number;
}

/** 9 — platform availability: pooled uptime of every monitored cloud platform over the last 365 days. */
export function platformAvailability(s: StoreView | undefined): Computed {
  const definition = 'pooled uptime of monitored cloud platforms over the last 365 days (since monitoring began)';
  if (!s) return { status: 'unavailable', reason: 'no fault store yet: run `stacks daemon` with platform targets', definition, source: 'fault store' };
  const platforms = s.objects.filter((o) => o.type === 'platform');
  if (!platforms.length) return { status: 'no-data', reason: 'no cloud platform is monitored yet (give `stacks daemon` platform targets)', definition, source: 'fault store' };
  const a = availability(platforms, s.faults, '365d', s.now);
  const v = pooled(a);
  if (v === null) return { status: 'no-data', reason: 'platforms registered but not yet observed', definition, source: 'fault store' };
  return { status: 'ok', value: v, definition, source: 'fault store', detail: { per_platform: Object.fromEntries(a.map((x) => [x.object.replace(/^platform:/, ''), x.ratio])), window: '365d' } };
}

/** 13 — network and platform faults cleared within 3 hours, over the last 365 days. */
export function fixedInTime(s: StoreView | undefined): Computed {
  const definition = 'network and platform faults (device unreachable, link down, platform down) closed within 3 h / such faults settled in the last 365 days (open ones count once older than 3 h)';
  if (!s) return { status: 'unavailable', reason: 'no fault store yet: run `stacks daemon`', definition, source: 'fault store' };
  const r = fixRate(s.faults, s.now - WINDOWS['365d'], s.now, FIX_WINDOW_MS, OUTAGE_KINDS);
  if (r.ratio === null) return { status: 'no-data', reason: 'no network or platform fault has been settled in the window', definition, source: 'fault store' };
  return { status: 'ok', value: r.ratio, numerator: r.inTime, denominator: r.settled, definition, source: 'fault store', detail: { window: '365d' } };
}

/**
 * 12 — security incidents remediated in time. A security incident is a fault of kind `security`:
 * opened by the daemon on an SNMP authenticationFailure notification (someone probing a device
 * with wrong credentials) and closed by an operator (`stacks faults close ID`) once remediated.
 * "In time" = closed within `windowMs` (default 24 h; the plan gives no figure).
 */
export function securityRemediation(s: StoreView | undefined, windowMs: number): Computed {
  const definition = `security incidents (kind security) closed within ${windowMs / 3_600_000} h / security incidents settled in the last 365 days`;
  if (!s) return { status: 'unavailable', reason: 'no fault store yet: run `stacks daemon`', definition, source: 'fault store' };
  const r = fixRate(s.faults, s.now - WINDOWS['365d'], s.now, windowMs, ['security']);
  if (r.ratio === null) return { status: 'no-data', reason: 'no security incident settled in the window', definition, source: 'fault store' };
  return { status: 'ok', value: r.ratio, numerator: r.inTime, denominator: r.settled, definition, source: 'fault store', detail: { window: '365d', remediation_hours: windowMs / 3_600_000 } };
}

/** An indicator value computed by another module (cloud/, network/), in the shape kpi needs. */
export function fromModule(v: { value: number; numerator: number; denominator: number; definition: string }, source: string): Computed {
  return { status: 'ok', value: v.value, numerator: v.numerator, denominator: v.denominator, definition: v.definition, source };
}

export function unavailable(reason: string, definition: string, source: string): Computed {
  return { status: 'unavailable', reason, definition, source };
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);
const tgt = (v: number | null, op: string | null) => (v === null ? '—' : `${op === '>' ? '>' : ''}${(v * 100).toFixed(0)}%`);
const mark = (m: boolean | null) => (m === null ? ' ' : m ? '✓' : '✗');

export function renderKpiTable(rows: readonly KpiRow[]): string {
  const header = ['id', 'indicator', 'value', '2023', '', '2025', '', 'note'];
  const lines = rows.map((r) => [
    String(r.id),
    `${r.name} (${r.name_zh})`,
    pct(r.value),
    tgt(r.target_2023, r.target_2023_op),
    mark(r.meets_2023),
    tgt(r.target_2025, r.target_2025_op),
    mark(r.meets_2025),
    r.status === 'ok' ? (r.numerator !== undefined ? `${r.numerator}/${r.denominator}` : r.source) : `${r.status}: ${r.reason}`,
  ]);
  // Columns by display width: a Chinese character takes two terminal cells.
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => stringWidth(l[i]!))));
  const fmt = (cols: string[]) => cols.map((c, i) => (i === cols.length - 1 ? c : c + ' '.repeat(widths[i]! - stringWidth(c)))).join('  ');
  return [fmt(header), ...lines.map(fmt)].join('\n') + '\n';
}
