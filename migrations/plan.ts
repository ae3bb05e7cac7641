/**
 * The migration plan: assessment + placement + waves, as one plain document (`stacks migrate plan`
 * prints it, exports it as JSON and `migrate run` executes it wave by wave). Pure.
 */
import type { CloudRegistry } from '../cloud/types.js';
import { assess, type Assessed } from './assess.js';
import type { MigrationSystem, PlanRules, Strategy } from './schema.js';
import { countFindings, planFindings, type Finding, type FindingRule } from './findings.js';
import { pathModel, waveBandwidth, type WaveBandwidth } from './bandwidth.js';
import type { Topology } from '../network/types.js';
import { planWaves, DEFAULT_WAVE_OPTIONS, type Mover, type PlannedSystem, type Wave, type WaveOptions, type WavePlan } from './waves.js';

export interface MigrationPlan {
  version: 1;
  /** Where the systems came from: a file, or the generator with its seed. */
  source: { file?: string; generated?: { seed: number; count: number } };
  options: WaveOptions;
  waves: PlannedWave[];
  deadline: PlanDeadline;
  /** Dependency findings (findings.ts): errors fail the plan (exit 1), warnings are listed. */
  findings: Finding[];
  retained: Array<{ id: string; reason: string; classified: boolean }>;
  retired: Array<{ id: string; reason: string }>;
  blocked: Array<{ id: string; strategy: Strategy; reason: string }>;
  strategies: Record<Strategy, number>;
  summary: {
    systems: number;
    classified: number;
    non_classified: number;
    moving: number;
    /** Non-classified systems on cloud once every wave is done, over the non-classified systems still in service. */
    planned_cloud_share: number;
    /** The plan's target: every non-classified system on the clouds. */
    target_share: 1;
    findings: Record<FindingRule, { error: number; warning: number }>;
  };
}

/**
 * The deadline check: no wave after the date AND the share of non-classified systems on cloud at the
 * end reaches the target. Blocked systems (placement refused them) and non-classified systems that
 * stay off the clouds are counted, so "met" never hides them.
 */
interface PlanDeadline extends Omit<WavePlan['deadline'], 'hint'> {
  /** Every wave is before the date (the systems that do move are on time). */
  waves_on_time: boolean;
  blocked: number;
  /** Non-classified systems in service that the plan leaves off the clouds without being blocked (retained). */
  unplaced: number;
  cloud_share: number;
  target_share: number;
  hint?: string;
}

export interface PlanExtras {
  /** The inventory's rules for dependency findings. */
  rules?: PlanRules;
  /** The network the replication crosses: each wave gets its bandwidth plan (bandwidth.ts). */
  network?: Pick<Topology, 'sites' | 'tiers'>;
  /** Share of the narrowest link on a path that replication may take (default 0.5). */
  bandwidthShare?: number;
}

const DEFAULT_BANDWIDTH_SHARE = 0.5;

/** A wave with its bandwidth plan (when the plan was made with the network). */
interface PlannedWave extends Wave {
  bandwidth?: WaveBandwidth;
}

export function buildPlan(
  systems: readonly MigrationSystem[],
  registry: CloudRegistry,
  source: MigrationPlan['source'],
  options: Partial<WaveOptions> = {},
  extras: PlanExtras = {},
): MigrationPlan {
  const opts: WaveOptions = { ...DEFAULT_WAVE_OPTIONS, ...options };
  const assessed = assess(systems, registry);
  const byId = new Map(systems.map((s) => [s.id, s]));
  const movers: Mover[] = [];
  const retained: MigrationPlan['retained'] = [];
  const retired: MigrationPlan['retired'] = [];
  const blocked: MigrationPlan['blocked'] = [];
  const strategies = { rehost: 0, replatform: 0, refactor: 0, repurchase: 0, retire: 0, retain: 0, relocate: 0 } as Record<Strategy, number>;
  for (const a of assessed) {
    const s = byId.get(a.id)!;
    strategies[a.strategy]++;
    if (a.strategy === 'retain') retained.push({ id: a.id, reason: a.reasons.join('; '), classified: s.classification === 'classified' });
    else if (a.strategy === 'retire') retired.push({ id: a.id, reason: a.reasons.join('; ') });
    else if (a.blocked || !a.targetCloud) blocked.push({ id: a.id, strategy: a.strategy, reason: a.blocked ?? 'not placed' });
    else movers.push(toMover(s, a));
  }
  const { waves: planned, deadline: timing } = planWaves(movers, opts);
  const cloudSite = new Map(registry.clouds.map((c) => [c.id, c.location.site]));
  const paths = extras.network && pathModel(extras.network);
  const waves: PlannedWave[] = planned.map((w) => {
    if (!paths) return w;
    const bw = waveBandwidth(
      paths,
      w.systems.map((x) => ({ id: x.id, from: byId.get(x.id)!.location.site, to: cloudSite.get(x.target_cloud) ?? x.target_cloud, dataGiB: x.data_gib })),
      extras.bandwidthShare ?? DEFAULT_BANDWIDTH_SHARE,
    );
    const throttle = new Map(bw.systems.map((b) => [b.id, b.throttle_mbps]));
    return { ...w, systems: w.systems.map((x) => ({ ...x, throttle_mbps: throttle.get(x.id)! })), bandwidth: bw };
  });
  for (const w of waves) for (const x of w.systems) if (byId.get(x.id)!.database) x.database = byId.get(x.id)!.database;
  const classified = systems.filter((s) => s.classification === 'classified').length;
  const inService = systems.length - classified - retired.length;
  const share = inService > 0 ? Math.round((movers.length / inService) * 10_000) / 10_000 : 1;
  const findings = planFindings(systems, assessed, extras.rules);
  const unplaced = retained.filter((r) => !r.classified).length;
  const target = 1;
  const misses: string[] = [];
  if (timing.hint) misses.push(timing.hint);
  if (share < target)
    misses.push(
      `only ${(share * 100).toFixed(1)}% of the ${inService} non-classified systems in service end on a cloud (target ${target * 100}%): ${blocked.length} blocked by placement, ${unplaced} retained off the clouds`,
    );
  const deadline: PlanDeadline = {
    date: timing.date,
    met: timing.met && share >= target,
    waves_on_time: timing.met,
    waves_before_deadline: timing.waves_before_deadline,
    systems_late: timing.systems_late,
    blocked: blocked.length,
    unplaced,
    cloud_share: share,
    target_share: target,
    ...(misses.length ? { hint: misses.join('; ') } : {}),
  };
  return {
    version: 1,
    source,
    options: opts,
    waves,
    deadline,
    findings,
    retained,
    retired,
    blocked,
    strategies,
    summary: {
      systems: systems.length,
      classified,
      non_classified: systems.length - classified,
      moving: movers.length,
      planned_cloud_share: share,
      target_share: 1,
      findings: countFindings(findings),
    },
  };
}

function toMover(s: MigrationSystem, a: Assessed): Mover {
  return { id: s.id, strategy: a.strategy, targetCloud: a.targetCloud!, ...(a.az ? { az: a.az } : {}), dataGiB: s.dataGiB, dependsOn: s.dependsOn };
}

/** The text a person reads: one block per wave, then what stays behind and why. */
export function renderPlanText(plan: MigrationPlan, opts: { all?: boolean } = {}): string {
  const lines: string[] = [];
  const s = plan.summary;
  const src = plan.source.file ?? `generated sample (seed ${plan.source.generated?.seed}, ${plan.source.generated?.count} systems)`;
  lines.push(`Migration plan: ${s.systems} systems from ${src}`);
  lines.push(
    `  ${s.moving} move in ${plan.waves.length} waves; ${plan.retained.length} retained (${s.classified} classified); ${plan.retired.length} retired; ${plan.blocked.length} blocked`,
  );
  lines.push(
    `  strategies: ${Object.entries(plan.strategies)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  lines.push(`  non-classified systems on cloud at the end: ${(s.planned_cloud_share * 100).toFixed(1)}% (target 100%)`);
  const d = plan.deadline;
  const why = [
    d.systems_late ? `${d.systems_late} systems late` : '',
    d.cloud_share < d.target_share ? `${(d.cloud_share * 100).toFixed(1)}% on cloud, target ${(d.target_share * 100).toFixed(0)}%` : '',
  ]
    .filter(Boolean)
    .join(', ');
  lines.push(
    `  deadline ${d.date}: ${d.met ? 'met' : `MISSED (${why})`}; ${d.blocked} blocked, ${d.unplaced} non-classified retained off the clouds; ${d.waves_before_deadline} waves fit before it${d.hint ? `\n  hint: ${d.hint}` : ''}`,
  );
  const errors = plan.findings.filter((f) => f.severity === 'error').length;
  lines.push(
    `  findings: ${errors} error(s), ${plan.findings.length - errors} warning(s)${
      plan.findings.length
        ? ` — ${Object.entries(s.findings)
            .filter(([, n]) => n.error + n.warning)
            .map(([rule, n]) => `${rule} ${n.error + n.warning}`)
            .join(', ')}`
        : ''
    }`,
  );
  lines.push('');
  for (const w of plan.waves) {
    lines.push(
      `wave ${w.number} (${w.date}): ${w.systems.length} systems, ${w.data_gib} GiB → ${Object.entries(w.clouds)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ')}`,
    );
    for (const r of w.reasons) lines.push(`    · ${r}`);
    if (w.bandwidth) {
      const narrow = w.bandwidth.links[0];
      lines.push(
        `    · bandwidth: ${(w.bandwidth.share * 100).toFixed(0)}% of each narrowest link; ${w.bandwidth.links.length} link(s), narrowest ${narrow ? `${narrow.link} ${narrow.mbps} Mbps shared by ${narrow.systems} (${narrow.throttle_mbps} Mbps for replication)` : '-'}; initial sync ${w.bandwidth.initial_sync_hours} h`,
      );
    }
    const shown = opts.all ? w.systems : w.systems.slice(0, 5);
    for (const x of shown)
      lines.push(
        `    ${x.id}  ${x.strategy} → ${x.target_cloud}${x.throttle_mbps !== undefined ? `  ≤${x.throttle_mbps} Mbps` : ''}${x.group ? `  [moves with ${x.group}]` : ''}${x.stage ? `  (stage ${x.stage})` : ''}`,
      );
    if (shown.length < w.systems.length) lines.push(`    … ${w.systems.length - shown.length} more (--all)`);
  }
  const listed = (title: string, rows: Array<{ id: string; reason: string }>) => {
    if (!rows.length) return;
    lines.push('', `${title} (${rows.length}):`);
    for (const r of opts.all ? rows : rows.slice(0, 10)) lines.push(`  ${r.id}: ${r.reason}`);
    if (!opts.all && rows.length > 10) lines.push(`  … ${rows.length - 10} more (--all)`);
  };
  listed('retained', plan.retained);
  listed('retired', plan.retired);
  listed('blocked (placement could not take them)', plan.blocked);
  if (plan.findings.length) {
    lines.push('', `findings (${plan.findings.length}):`);
    for (const f of opts.all ? plan.findings : plan.findings.slice(0, 20)) lines.push(`  ${f.severity.toUpperCase()} ${f.rule}: ${f.message}`);
    if (!opts.all && plan.findings.length > 20) lines.push(`  … ${plan.findings.length - 20} more (--all)`);
  }
  return lines.join('\n');
}

/**
 * Wave 0: the systems that do not move — retired ones (decommissioned: archived, switched off, name
 * removed) and retained ones (their dependants told) — run with `--wave 0` once the waves that call
 * them are done.
 */
export function closingWave(plan: MigrationPlan): { number: number; systems: PlannedSystem[] } {
  const stay = (id: string, strategy: 'retire' | 'retain'): PlannedSystem => ({ id, strategy, target_cloud: '-', data_gib: 0, stage: 0, depends_on: [] });
  return { number: 0, systems: [...plan.retired.map((r) => stay(r.id, 'retire')), ...plan.retained.map((r) => stay(r.id, 'retain'))] };
}
