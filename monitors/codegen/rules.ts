/**
 * Prometheus rules as code, pure: SLO recording rules and multi-window multi-burn-rate alerts (the
 * SRE-workbook / Sloth shape) for the plan's 99% availability target over 30 days, plus the NOC's
 * fault alerts — "fault open > 2 h (3-hour fix at risk)" and "> 3 h (breached)" — and plain up/down
 * alerts. Reads exactly the series monitors/metrics.ts exposes.
 */
import { stringify } from 'yaml';

export interface RuleOptions {
  /** Availability objective (Table 1, 2025: 99%). */
  objective: number;
  /** `for:` of the up/down alerts (tests shorten it). */
  downFor: string;
  /** `for:` of the burn-rate alerts. */
  burnFor: string;
  /** Scrape job of the daemon. */
  job: string;
}

export const DEFAULT_RULE_OPTIONS: RuleOptions = { objective: 0.99, downFor: '2m', burnFor: '2m', job: 'stacks-daemon' };

/** The SLIs the daemon counts (stacks_sli_good_total / stacks_sli_total, label `sli`). */
export const SLIS = ['platform_availability', 'device_availability', 'link_availability'] as const;

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

export const errorRatio = (w: string) => `stacks:sli_error_ratio:rate${w}`;

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
      labels: { severity, slo: `availability-${o.objective * 100}` },
      annotations: {
        summary: `{{ $labels.sli }} is burning its ${o.objective * 100}% 30-day error budget ${severity === 'page' ? 'fast' : 'steadily'}`,
        description: `Windows ${pairs.map(([l, s, f]) => `${l}/${s} at ${f}x`).join(', ')}.`,
      },
    });
  }
  return rules;
}

function faultAlerts(o: RuleOptions): Rule[] {
  const age = 'time() - stacks_fault_opened_timestamp_seconds';
  return [
    {
      alert: 'StacksFaultFixAtRisk',
      expr: `${age} > 7200`,
      labels: { severity: 'page', sla: '3h-fix' },
      annotations: { summary: 'Fault {{ $labels.fault_id }} on {{ $labels.object }} ({{ $labels.kind }}) open over 2 h: the 3-hour fix is at risk' },
    },
    {
      alert: 'StacksFaultFixBreached',
      expr: `${age} > 10800`,
      labels: { severity: 'critical', sla: '3h-fix' },
      annotations: { summary: 'Fault {{ $labels.fault_id }} on {{ $labels.object }} ({{ $labels.kind }}) open over 3 h: the 3-hour fix is breached' },
    },
    {
      alert: 'StacksFixedInTimeBelowTarget',
      expr: `stacks_fixed_in_time_ratio{window="30d"} < ${o.objective}`,
      for: '1h',
      labels: { severity: 'ticket' },
      annotations: { summary: 'Only {{ $value | humanizePercentage }} of faults fixed within 3 h over 30 days (target 99%)' },
    },
    {
      alert: 'StacksLinkDown',
      expr: 'stacks_link_up == 0',
      for: o.downFor,
      labels: { severity: 'page' },
      annotations: { summary: 'Link {{ $labels.link }} ({{ $labels.tier }}, {{ $labels.city }}) is down' },
    },
    {
      alert: 'StacksDeviceDown',
      expr: 'stacks_device_up == 0',
      for: o.downFor,
      labels: { severity: 'page' },
      annotations: { summary: 'Device {{ $labels.device }} ({{ $labels.site }}) does not answer SNMP' },
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

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

export function ruleGroups(options: Partial<RuleOptions> = {}): RuleGroup[] {
  const o = { ...DEFAULT_RULE_OPTIONS, ...options };
  return [
    { name: 'stacks-slo-recording', rules: sloRecording() },
    { name: 'stacks-slo-burn-rate', rules: burnAlerts(o) },
    { name: 'stacks-faults', rules: faultAlerts(o) },
  ];
}

export function renderRules(options: Partial<RuleOptions> = {}): string {
  return stringify({ groups: ruleGroups(options) }, { lineWidth: 0 });
}
