/**
 * `promtool test rules` unit tests for the synthesized rules, as data: shipped next to the rules so
 * that CI (and the NOC) can rerun them with the real promtool. Each case drives the SLI counters or
 * the fault gauges with a known series and states which alerts must fire, and which must not.
 */
import { stringify } from 'yaml';
import type { MonitoringFigures } from './figures.js';

/** `objective` etc. must be the ones the rules were rendered with; `exampleCity` labels the series. */
export function renderRuleTests(rulesFile: string, f: MonitoringFigures): string {
  const city = f.exampleCity;
  const pct = (v: number) => `${Number((v * 100).toFixed(3))}%`;
  const slo = `availability-${Number((f.objective * 100).toFixed(3))}`;
  const hours = (sec: number) => `${Number((sec / 3600).toFixed(2))} h`;
  const fix = hours(f.fixWindowSeconds);
  const min = (sec: number) => `${Math.round(sec / 60)}m`;
  // Counters rising by PER_MIN events a minute; the errors per minute set the error ratio, as a
  // multiple of the objective's budget: 16.7x pages (above 14.4x), 3.3x tickets (above 3x, below 6x).
  const PER_MIN = 6000;
  const budget = 1 - f.objective;
  const errorsAt = (times: number) => Math.round(PER_MIN * budget * times);
  const fastErrors = errorsAt(50 / 3);
  const slowErrors = errorsAt(10 / 3);
  const sli = (sli: string, errorsPerMin: number, minutes: number) => [
    { series: `stacks_sli_total{sli="${sli}",object="p1"}`, values: `0+${PER_MIN}x${minutes}` },
    { series: `stacks_sli_good_total{sli="${sli}",object="p1"}`, values: `0+${PER_MIN - errorsPerMin}x${minutes}` },
  ];
  const doc = {
    rule_files: [rulesFile],
    evaluation_interval: '1m',
    tests: [
      {
        // error ratio 16.7 × the budget (16.7% at 99%): fast burn pages (both window pairs), slow burn tickets
        interval: '1m',
        input_series: sli('platform_availability', fastErrors, 300),
        promql_expr_test: [
          {
            expr: 'round(stacks:sli_error_ratio:rate1h, 0.0001)',
            eval_time: '90m',
            exp_samples: [{ labels: '{sli="platform_availability"}', value: Number((Math.round((fastErrors / PER_MIN) * 10_000) / 10_000).toFixed(4)) }],
          },
        ],
        alert_rule_test: [
          {
            eval_time: '70m',
            alertname: 'StacksErrorBudgetBurnFast',
            exp_alerts: [
              {
                exp_labels: { severity: 'page', slo, sli: 'platform_availability' },
                exp_annotations: {
                  summary: `platform_availability is burning its ${pct(f.objective)} 30-day error budget fast`,
                  description: 'Windows 1h/5m at 14.4x, 6h/30m at 6x.',
                },
              },
            ],
          },
        ],
      },
      {
        // error ratio 3.3 × the budget: above 3 × but below 6 × and 14.4 ×: a ticket, no page
        interval: '1m',
        input_series: sli('link_availability', slowErrors, 1600),
        alert_rule_test: [
          { eval_time: '1500m', alertname: 'StacksErrorBudgetBurnFast', exp_alerts: [] },
          {
            eval_time: '1500m',
            alertname: 'StacksErrorBudgetBurnSlow',
            exp_alerts: [
              {
                exp_labels: { severity: 'ticket', slo, sli: 'link_availability' },
                exp_annotations: {
                  summary: `link_availability is burning its ${pct(f.objective)} 30-day error budget steadily`,
                  description: 'Windows 1d/2h at 3x, 3d/6h at 1x.',
                },
              },
            ],
          },
        ],
      },
      {
        // a healthy SLI (no errors) raises nothing
        interval: '1m',
        input_series: sli('device_availability', 0, 300),
        alert_rule_test: [
          { eval_time: '280m', alertname: 'StacksErrorBudgetBurnFast', exp_alerts: [] },
          { eval_time: '280m', alertname: 'StacksErrorBudgetBurnSlow', exp_alerts: [] },
        ],
      },
      {
        // a fault opened at t=0 is "at risk" after the at-risk mark and "breached" after the fix window
        interval: '1m',
        input_series: [
          {
            series: 'stacks_fault_opened_timestamp_seconds{fault_id="7",object="link:a--b",kind="link-down"}',
            values: `0x${Math.ceil(f.fixWindowSeconds / 60) + 60}`,
          },
        ],
        alert_rule_test: [
          { eval_time: min(f.atRiskSeconds - 60), alertname: 'StacksFaultFixAtRisk', exp_alerts: [] },
          {
            eval_time: min(f.atRiskSeconds + 60),
            alertname: 'StacksFaultFixAtRisk',
            exp_alerts: [
              {
                exp_labels: { severity: 'page', sla: 'fix-window', fault_id: '7', object: 'link:a--b', kind: 'link-down' },
                exp_annotations: { summary: `Fault 7 on link:a--b (link-down) unresolved over ${hours(f.atRiskSeconds)}: the ${fix} fix is at risk` },
              },
            ],
          },
          { eval_time: min(f.fixWindowSeconds - 60), alertname: 'StacksFaultFixBreached', exp_alerts: [] },
          {
            eval_time: min(f.fixWindowSeconds + 60),
            alertname: 'StacksFaultFixBreached',
            exp_alerts: [
              {
                exp_labels: { severity: 'critical', sla: 'fix-window', fault_id: '7', object: 'link:a--b', kind: 'link-down' },
                exp_annotations: { summary: `Fault 7 on link:a--b (link-down) unresolved over ${fix}: the ${fix} fix is breached` },
              },
            ],
          },
        ],
      },
      {
        // a link down for longer than `for:` alerts (Alertmanager routes it as a ticket); one that came back does not
        interval: '1m',
        input_series: [
          { series: `stacks_link_up{link="l1",tier="county-township",city="${city}",level="county"}`, values: '1 1 0 0 0 0 0 0' },
          { series: `stacks_link_up{link="l2",tier="county-township",city="${city}",level="county"}`, values: '1 0 1 1 1 1 1 1' },
        ],
        alert_rule_test: [
          {
            eval_time: '6m',
            alertname: 'StacksLinkDown',
            exp_alerts: [
              {
                exp_labels: { link: 'l1', tier: 'county-township', city, level: 'county' },
                exp_annotations: { summary: `Link l1 (county-township, ${city}) is down` },
              },
            ],
          },
        ],
      },
      {
        // one of a site's two routers down: a device alert; both down: the site alert too
        interval: '1m',
        input_series: [
          { series: `stacks_device_up{device="c-r1",site="c",city="${city}",level="city"}`, values: '1 0 0 0 0 0 0 0 0 0' },
          { series: `stacks_device_up{device="c-r2",site="c",city="${city}",level="city"}`, values: '1 1 1 1 1 0 0 0 0 0' },
        ],
        alert_rule_test: [
          {
            eval_time: '4m',
            alertname: 'StacksDeviceDown',
            exp_alerts: [
              { exp_labels: { device: 'c-r1', site: 'c', city, level: 'city' }, exp_annotations: { summary: 'Device c-r1 (c) does not answer SNMP' } },
            ],
          },
          { eval_time: '4m', alertname: 'StacksSiteDown', exp_alerts: [] },
          {
            eval_time: '9m',
            alertname: 'StacksSiteDown',
            exp_alerts: [{ exp_labels: { site: 'c', city, level: 'city' }, exp_annotations: { summary: `Site c (city, ${city}): no router answers` } }],
          },
        ],
      },
      {
        // a platform that stops answering pages; the daemon not being scraped pages
        interval: '1m',
        input_series: [
          { series: 'stacks_platform_up{platform="provincial"}', values: '1 0 0 0 0 0' },
          { series: 'up{job="stacks-daemon",instance="127.0.0.1:9464"}', values: '1 1 0 0 0 0' },
        ],
        alert_rule_test: [
          { eval_time: '1m', alertname: 'StacksPlatformDown', exp_alerts: [] },
          {
            eval_time: '5m',
            alertname: 'StacksPlatformDown',
            exp_alerts: [
              { exp_labels: { severity: 'page', platform: 'provincial' }, exp_annotations: { summary: 'Cloud platform provincial does not answer its probe' } },
            ],
          },
          {
            eval_time: '5m',
            alertname: 'StacksMonitorDown',
            exp_alerts: [
              {
                exp_labels: { severity: 'page', job: 'stacks-daemon', instance: '127.0.0.1:9464' },
                exp_annotations: { summary: 'The stacks monitoring daemon is not being scraped: faults are not being detected' },
              },
            ],
          },
        ],
      },
      {
        // the fixed-in-time rate below its target for an hour opens a ticket; at the target, nothing
        interval: '5m',
        input_series: [
          { series: 'stacks_fixed_in_time_ratio{window="30d"}', values: `${Number((f.fixedInTimeObjective - 0.02).toFixed(4))}x20` },
          { series: 'stacks_fixed_in_time_ratio{window="365d"}', values: '0x20' },
        ],
        alert_rule_test: [
          { eval_time: '30m', alertname: 'StacksFixedInTimeBelowTarget', exp_alerts: [] },
          {
            eval_time: '70m',
            alertname: 'StacksFixedInTimeBelowTarget',
            exp_alerts: [
              {
                exp_labels: { severity: 'ticket', window: '30d' },
                exp_annotations: {
                  summary: `Only ${pct(f.fixedInTimeObjective - 0.02)} of faults fixed within ${fix} over 30 days (target ${pct(f.fixedInTimeObjective)})`,
                },
              },
            ],
          },
        ],
      },
    ],
  };
  return stringify(doc, { lineWidth: 0 });
}
