/**
 * Prometheus rules as code, pure: SLO recording rules and multi-window multi-burn-rate alerts (the
 * SRE-workbook / Sloth shape) for the plan's 99% availability target over 30 days, plus the NOC's
 * fault alerts — "fault open > 2 h (3-hour fix at risk)" and "> 3 h (breached)" — and plain up/down
 * alerts. Reads exactly the series monitors/metrics.ts exposes.
 */
import { stringify } from 'yaml';

export interface RuleOptions {
  /** Availability objective (indicator 9's 2025 target, from plan-indicators.json). */
  objective: number;
  /** Indicator 13's window and target, and the NOC's "at risk" mark (see codegen/figures.ts). */
  fixWindowSeconds: number;
  atRiskSeconds: number;
  fixedInTimeObjective: number;
  /** `for:` of the up/down alerts (tests shorten it). */
  downFor: string;
  /** `for:` of the burn-rate alerts. */
  burnFor: string;
  /** Scrape job of the daemon. */
  job: string;
}

export type RuleFigures = Pick<RuleOptions, 'objective' | 'fixWindowSeconds' | 'atRiskSeconds' | 'fixedInTimeObjective'>;

/** Not figures of the plan: how long a condition must hold before it alerts, and the scrape job. */
export const DEFAULT_RULE_TIMING: Omit<RuleOptions, keyof RuleFigures> = { downFor: '2m', burnFor: '2m', job: 'stacks-daemon' };

/** Levels whose faults page the NOC; the rest (county, township, department) open tickets. */
export const PAGING_LEVELS = ['province', 'city', 'datacenter'] as const;

/** Burn-rate windows of the 30-day SLO: [long, short, factor, severity]. */
export const BURN_WINDOWS = [
  ['1h', '5m', 14.4, 'page'],
  ['6h', '30m', 6, 'page'],
  ['1d', '2h', 3, 'ticket'],
  ['3d', '6h', 1, 'ticket'],
] as const;

const RATE_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const errorRatio = (w: string) => `stacks:sli_error_ratio:rate${w}`;

function sloRecording(): Rule[] {
  const rules: Rule[] = RATE_WINDOWS.map((w) => ({
    record: errorRatio(w),
    expr: `(sum by (sli) (rate(stacks_sli_total[${w}])) - sum by (sli) (rate(stacks_sli_good_total[${w}])))\n/ sum by (sli) (rate(stacks_sli_total[${w}]))`,
  }));
  rules.push({
    record: 'stacks:sli_availability:ratio30d',
    expr: `1 - (sum_over_time(${errorRatio('5m')}[30d]) / count_over_time(${errorRatio('5m')}[30d]))`,
  });
  return rules;
}

function burnAlerts(o: RuleOptions): Rule[] {
  const budget = Number((1 - o.objective).toFixed(6));
  const rules: Rule[] = [];
  for (const severity of ['page', 'ticket'] as const) {
    const pairs = BURN_WINDOWS.filter((b) => b[3] === severity);
    const expr = pairs
      .map(([long, short, factor]) => `(${errorRatio(long)} > (${factor} * ${budget}) and ${errorRatio(short)} > (${factor} * ${budget}))`)
      .join('\nor\n');
    rules.push({
      alert: severity === 'page' ? 'StacksErrorBudgetBurnFast' : 'StacksErrorBudgetBurnSlow',
      expr,
      for: o.burnFor,
      labels: { severity, slo: `availability-${Number((o.objective * 100).toFixed(3))}` },
      annotations: {
        summary: `{{ $labels.sli }} is burning its ${pct(o.objective)} 30-day error budget ${severity === 'page' ? 'fast' : 'steadily'}`,
        description: `Windows ${pairs.map(([l, s, f]) => `${l}/${s} at ${f}x`).join(', ')}.`,
      },
    });
  }
  return rules;
}

const hours = (s: number) => `${Number((s / 3600).toFixed(2))} h`;
const pct = (v: number) => `${Number((v * 100).toFixed(3))}%`;

function faultAlerts(o: RuleOptions): Rule[] {
  const age = 'time() - stacks_fault_opened_timestamp_seconds';
  const fix = hours(o.fixWindowSeconds);
  return [
    {
      alert: 'StacksFaultFixAtRisk',
      expr: `${age} > ${o.atRiskSeconds}`,
      labels: { severity: 'page', sla: 'fix-window' },
      annotations: {
        summary: `Fault {{ $labels.fault_id }} on {{ $labels.object }} ({{ $labels.kind }}) unresolved over ${hours(o.atRiskSeconds)}: the ${fix} fix is at risk`,
      },
    },
    {
      alert: 'StacksFaultFixBreached',
      expr: `${age} > ${o.fixWindowSeconds}`,
      labels: { severity: 'critical', sla: 'fix-window' },
      annotations: { summary: `Fault {{ $labels.fault_id }} on {{ $labels.object }} ({{ $labels.kind }}) unresolved over ${fix}: the ${fix} fix is breached` },
    },
    {
      alert: 'StacksFixedInTimeBelowTarget',
      expr: `stacks_fixed_in_time_ratio{window="30d"} < ${o.fixedInTimeObjective}`,
      for: '1h',
      labels: { severity: 'ticket' },
      annotations: { summary: `Only {{ $value | humanizePercentage }} of faults fixed within ${fix} over 30 days (target ${pct(o.fixedInTimeObjective)})` },
    },
    // Severity of device and link alerts is decided by Alertmanager from `level` / `tier` (page for
    // province, city and data-centre, ticket below): one place, see codegen/alertmanager.ts.
    {
      alert: 'StacksLinkDown',
      expr: 'stacks_link_up == 0',
      for: o.downFor,
      annotations: { summary: 'Link {{ $labels.link }} ({{ $labels.tier }}, {{ $labels.city }}) is down' },
    },
    {
      alert: 'StacksDeviceDown',
      expr: 'stacks_device_up == 0',
      for: o.downFor,
      annotations: { summary: 'Device {{ $labels.device }} ({{ $labels.site }}) does not answer SNMP' },
    },
    {
      // Every router of a site down: the site is cut off. Inhibits the alerts of the site's own
      // devices and, for a province or city site, of everything below it in the same city.
      alert: 'StacksSiteDown',
      expr: 'max by (site, city, level) (stacks_device_up) == 0',
      for: o.downFor,
      annotations: { summary: 'Site {{ $labels.site }} ({{ $labels.level }}, {{ $labels.city }}): no router answers' },
    },
    {
      alert: 'StacksPlatformDown',
      expr: 'stacks_platform_up == 0',
      for: o.downFor,
      labels: { severity: 'page' },
      annotations: { summary: 'Cloud platform {{ $labels.platform }} does not answer its probe' },
    },
    {
      alert: 'StacksMonitorDown',
      expr: `up{job="${o.job}"} == 0`,
      for: o.downFor,
      labels: { severity: 'page' },
      annotations: { summary: 'The stacks monitoring daemon is not being scraped: faults are not being detected' },
    },
  ];
}

interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

function ruleGroups(figures: RuleFigures, timing: Partial<typeof DEFAULT_RULE_TIMING> = {}): RuleGroup[] {
  const o: RuleOptions = { ...DEFAULT_RULE_TIMING, ...timing, ...figures };
  return [
    { name: 'stacks-slo-recording', rules: sloRecording() },
    { name: 'stacks-slo-burn-rate', rules: burnAlerts(o) },
    { name: 'stacks-faults', rules: faultAlerts(o) },
  ];
}

export function renderRules(figures: RuleFigures, timing: Partial<typeof DEFAULT_RULE_TIMING> = {}): string {
  return stringify({ groups: ruleGroups(figures, timing) }, { lineWidth: 0 });
}
