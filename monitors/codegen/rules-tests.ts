/**
 * `promtool test rules` unit tests for the synthesized rules, as data: shipped next to the rules so
 * that CI (and the NOC) can rerun them with the real promtool. Each case drives the SLI counters or
 * the fault gauges with a known series and states which alerts must fire, and which must not.
 */
import { stringify } from 'yaml';

export function renderRuleTests(rulesFile: string): string {
  // Counters rising by 60 events a minute; the "good" share sets the error ratio.
  const sli = (sli: string, goodPerMin: number, minutes: number) => [
    { series: `stacks_sli_total{sli="${sli}",object="p1"}`, values: `0+60x${minutes}` },
    { series: `stacks_sli_good_total{sli="${sli}",object="p1"}`, values: `0+${goodPerMin}x${minutes}` },
  ];
  const doc = {
    rule_files: [rulesFile],
    evaluation_interval: '1m',
    tests: [
      {
        // error ratio 10/60 = 16.7% > 14.4 × 1%: fast burn pages (both window pairs), slow burn tickets
        interval: '1m',
        input_series: sli('platform_availability', 50, 300),
        promql_expr_test: [{ expr: 'round(stacks:sli_error_ratio:rate1h, 0.0001)', eval_time: '90m', exp_samples: [{ labels: '{sli="platform_availability"}', value: 0.1667 }] }],
        alert_rule_test: [
          {
            eval_time: '70m',
            alertname: 'StacksErrorBudgetBurnFast',
            exp_alerts: [
              {
                exp_labels: { severity: 'page', slo: 'availability-99', sli: 'platform_availability' },
                exp_annotations: {
                  summary: 'platform_availability is burning its 99% 30-day error budget fast',
                  description: 'Windows 1h/5m at 14.4x, 6h/30m at 6x.',
                },
              },
            ],
          },
        ],
      },
      {
        // error ratio 2/60 = 3.3%: above 3 × 1% but below 6 × and 14.4 ×: a ticket, no page
        interval: '1m',
        input_series: sli('link_availability', 58, 1600),
        alert_rule_test: [
          { eval_time: '1500m', alertname: 'StacksErrorBudgetBurnFast', exp_alerts: [] },
          {
            eval_time: '1500m',
            alertname: 'StacksErrorBudgetBurnSlow',
            exp_alerts: [
              {
                exp_labels: { severity: 'ticket', slo: 'availability-99', sli: 'link_availability' },
                exp_annotations: {
                  summary: 'link_availability is burning its 99% 30-day error budget steadily',
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
        input_series: sli('device_availability', 60, 300),
        alert_rule_test: [
          { eval_time: '280m', alertname: 'StacksErrorBudgetBurnFast', exp_alerts: [] },
          { eval_time: '280m', alertname: 'StacksErrorBudgetBurnSlow', exp_alerts: [] },
        ],
      },
      {
        // a fault opened at t=0 is "at risk" after 2 h and "breached" after 3 h
        interval: '1m',
        input_series: [{ series: 'stacks_fault_opened_timestamp_seconds{fault_id="7",object="link:a--b",kind="link-down"}', values: '0x300' }],
        alert_rule_test: [
          { eval_time: '119m', alertname: 'StacksFaultFixAtRisk', exp_alerts: [] },
          {
            eval_time: '121m',
            alertname: 'StacksFaultFixAtRisk',
            exp_alerts: [
              {
                exp_labels: { severity: 'page', sla: '3h-fix', fault_id: '7', object: 'link:a--b', kind: 'link-down' },
                exp_annotations: { summary: 'Fault 7 on link:a--b (link-down) open over 2 h: the 3-hour fix is at risk' },
              },
            ],
          },
          { eval_time: '179m', alertname: 'StacksFaultFixBreached', exp_alerts: [] },
          {
            eval_time: '181m',
            alertname: 'StacksFaultFixBreached',
            exp_alerts: [
              {
                exp_labels: { severity: 'critical', sla: '3h-fix', fault_id: '7', object: 'link:a--b', kind: 'link-down' },
                exp_annotations: { summary: 'Fault 7 on link:a--b (link-down) open over 3 h: the 3-hour fix is breached' },
              },
            ],
          },
        ],
      },
      {
        // a link down for longer than `for:` pages; one that came back does not
        interval: '1m',
        input_series: [
          { series: 'stacks_link_up{link="l1",tier="county-township",city="xian",level="county"}', values: '1 1 0 0 0 0 0 0' },
          { series: 'stacks_link_up{link="l2",tier="county-township",city="xian",level="county"}', values: '1 0 1 1 1 1 1 1' },
        ],
        alert_rule_test: [
          {
            eval_time: '6m',
            alertname: 'StacksLinkDown',
            exp_alerts: [
              {
                exp_labels: { severity: 'page', link: 'l1', tier: 'county-township', city: 'xian', level: 'county' },
                exp_annotations: { summary: 'Link l1 (county-township, xian) is down' },
              },
            ],
          },
        ],
      },
    ],
  };
  return stringify(doc, { lineWidth: 0 });
}
