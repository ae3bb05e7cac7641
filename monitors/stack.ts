/**
 * The `monitoring` contribution to `stacks synth`: Prometheus rules with their promtool unit tests,
 * the Prometheus and Alertmanager configurations for the NOC, and the Grafana dashboards. All of it
 * is generated from code (monitors/codegen/), deterministic, no timestamps.
 */
import { stableJson } from '../lib/files.js';
import type { StackContribution, SynthContext } from '../stacks/contribution.js';
import { renderRules, type DEFAULT_RULE_TIMING } from './codegen/rules.js';
import { inventoryFigures } from './plan-data.js';
import { renderRuleTests } from './codegen/rules-tests.js';
import { renderAlertmanagerConfig, renderPrometheusConfig, type AlertmanagerOptions } from './codegen/alertmanager.js';
import { cityDrilldown, provinceOverview } from './codegen/dashboards.js';

export interface MonitoringStackOptions {
  rules?: Partial<typeof DEFAULT_RULE_TIMING>;
  alertmanager?: Partial<AlertmanagerOptions>;
  /** Where the NOC's Prometheus reaches the daemon and Alertmanager. */
  daemon?: string;
  alertmanagerAddress?: string;
}

export function monitoringFiles(ctx: SynthContext, opts: MonitoringStackOptions = {}): Map<string, string> {
  const name = ctx.topology.province.name;
  // Objective, fix window, at-risk mark and the rule tests' city: the inventory's, never typed here.
  const figures = inventoryFigures(ctx.inventory);
  return new Map([
    ['prometheus/rules.yml', renderRules(figures, opts.rules)],
    ['prometheus/rules.test.yml', renderRuleTests('rules.yml', figures)],
    [
      'prometheus/prometheus.yml',
      renderPrometheusConfig({
        daemon: opts.daemon ?? '127.0.0.1:9464',
        alertmanager: opts.alertmanagerAddress ?? '127.0.0.1:9093',
        rulesFile: 'rules.yml',
        job: opts.rules?.job,
      }),
    ],
    ['alertmanager/alertmanager.yml', renderAlertmanagerConfig(opts.alertmanager)],
    ['grafana/province-overview.json', stableJson(provinceOverview(name, figures))],
    ['grafana/city-drilldown.json', stableJson(cityDrilldown(name))],
  ]);
}

export function monitoringStack(opts: MonitoringStackOptions = {}): StackContribution {
  return { name: 'monitoring', files: (ctx) => monitoringFiles(ctx, opts) };
}
