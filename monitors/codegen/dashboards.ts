/**
 * Grafana dashboards as code with @grafana/grafana-foundation-sdk (pinned, pre-1.0): the province
 * overview (uptime against 95%/99%, open faults, 3-hour fix rate, tier utilisation by level) and a
 * per-city drill-down with a `city` template variable. Pure: returns dashboard JSON models.
 */
import {
  DashboardBuilder,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import type { MonitoringFigures } from './figures.js';

const DS = { type: 'prometheus', uid: '${datasource}' };
const q = (expr: string, legend?: string) => {
  const b = new DataqueryBuilder().expr(expr).datasource(DS);
  return legend ? b.legendFormat(legend) : b;
};
/** Thresholds at the plan's targets: red below indicator 9's 2023 target, yellow below its 2025 one, green above. */
const planThresholds = (f: DashboardFigures) =>
  new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    // Grafana's base step has a null value by its schema
    { value: null as unknown as number, color: 'red' },
    { value: f.floor, color: 'yellow' },
    { value: f.objective, color: 'green' },
  ]);
export type DashboardFigures = Pick<MonitoringFigures, 'floor' | 'objective' | 'atRiskSeconds' | 'fixWindowSeconds'>;

// Positions: the builder flows panels left to right and rows below each other (x = y = 0 means "next").
const uptimeStat = (f: DashboardFigures, title: string, expr: string, w = 6) =>
  new StatPanel().title(title).unit('percentunit').decimals(3).min(0).max(1).thresholds(planThresholds(f)).withTarget(q(expr)).gridPos({ x: 0, y: 0, w, h: 5 });

/**
 * What the pinned foundation SDK (0.0.21, its latest) writes that Grafana's schema 13 has moved
 * away from, put right (monitors/codegen/dashboards-schema.test.ts type-checks the result against
 * @grafana/schema): `auto*` interval fields on variables that are not interval variables, a table's
 * `options.footer` (now per field), and a table's missing `custom.cellOptions` (required).
 */
function conformToSchema(d: Dashboard): Dashboard {
  // a JSON copy: the builders leave functions on the model, which structuredClone refuses
  const out = JSON.parse(JSON.stringify(d)) as Dashboard & {
    templating?: { list?: Array<Record<string, unknown>> };
    panels?: Array<{ type?: string; options?: Record<string, unknown>; fieldConfig?: { defaults?: { custom?: Record<string, unknown> } } }>;
  };
  for (const v of out.templating?.list ?? []) {
    if (v.type === 'interval') continue;
    delete v.auto;
    delete v.auto_min;
    delete v.auto_count;
  }
  for (const p of out.panels ?? []) {
    if (p.type !== 'table') continue;
    delete p.options?.footer;
    const custom = p.fieldConfig?.defaults?.custom;
    if (custom && !custom.cellOptions) custom.cellOptions = { type: 'auto' };
  }
  return out;
}

export function provinceOverview(provinceName: string, f: DashboardFigures): Dashboard {
  return conformToSchema(provinceOverviewBuilt(provinceName, f));
}

function provinceOverviewBuilt(provinceName: string, f: DashboardFigures): Dashboard {
  const fixH = `${Number((f.fixWindowSeconds / 3600).toFixed(2))} h`;
  const riskH = `${Number((f.atRiskSeconds / 3600).toFixed(2))} h`;
  const pct = (v: number) => `${Number((v * 100).toFixed(3))}%`;
  return new DashboardBuilder(`${provinceName} e-government network: province overview`)
    .uid('stacks-province-overview')
    .tags(['stacks', 'noc', 'generated'])
    .refresh('1m')
    .time({ from: 'now-7d', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'))
    .withRow(new RowBuilder('Targets of Table 1'))
    .withPanel(
      uptimeStat(
        f,
        'Cloud platform uptime, 365 days (ind. 9)',
        'sum(stacks_uptime_ratio{type="platform",window="365d"}) / count(stacks_uptime_ratio{type="platform",window="365d"})',
      ),
    )
    .withPanel(uptimeStat(f, `Faults fixed within ${fixH}, 30 days (ind. 13)`, 'stacks_fixed_in_time_ratio{window="30d"}'))
    .withPanel(uptimeStat(f, 'Device uptime, 30 days', 'avg(stacks_uptime_ratio{type="device",window="30d"})'))
    .withPanel(uptimeStat(f, 'Link uptime, 30 days', 'avg(stacks_uptime_ratio{type="link",window="30d"})'))
    .withRow(new RowBuilder('Faults'))
    .withPanel(new StatPanel().title('Open faults').withTarget(q('sum by (kind) (stacks_faults_open)', '{{kind}}')).gridPos({ x: 0, y: 0, w: 8, h: 5 }))
    .withPanel(
      new StatPanel()
        .title(`Faults unresolved > ${riskH} (${fixH} fix at risk)`)
        .withTarget(q(`count(time() - stacks_fault_opened_timestamp_seconds > ${f.atRiskSeconds}) or vector(0)`))
        .gridPos({ x: 0, y: 0, w: 8, h: 5 }),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Fault durations (p50, p95)')
        .unit('s')
        .withTarget(q('histogram_quantile(0.5, sum by (le) (rate(stacks_fault_duration_seconds_bucket[1d])))', 'p50'))
        .withTarget(q('histogram_quantile(0.95, sum by (le) (rate(stacks_fault_duration_seconds_bucket[1d])))', 'p95'))
        .gridPos({ x: 0, y: 0, w: 8, h: 5 }),
    )
    .withRow(new RowBuilder('Capacity'))
    .withPanel(
      new TimeseriesPanel()
        .title('Tier utilisation by level (max of link ends)')
        .unit('percentunit')
        .min(0)
        .withTarget(q('max by (tier, level) (stacks_link_utilisation_ratio)', '{{tier}} ({{level}})'))
        .gridPos({ x: 0, y: 0, w: 24, h: 8 }),
    )
    .withRow(new RowBuilder('Error budget'))
    .withPanel(
      new TimeseriesPanel()
        .title(`SLI error ratio (1 h) against the ${pct(f.objective)} objective's budget`)
        .unit('percentunit')
        .withTarget(q('stacks:sli_error_ratio:rate1h', '{{sli}}'))
        .gridPos({ x: 0, y: 0, w: 24, h: 8 }),
    )
    .build();
}

export function cityDrilldown(provinceName: string): Dashboard {
  return conformToSchema(cityDrilldownBuilt(provinceName));
}

function cityDrilldownBuilt(provinceName: string): Dashboard {
  const city = '{city=~"$city"}';
  return new DashboardBuilder(`${provinceName} e-government network: city drill-down`)
    .uid('stacks-city-drilldown')
    .tags(['stacks', 'noc', 'generated'])
    .refresh('1m')
    .time({ from: 'now-24h', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'))
    .withVariable(
      new QueryVariableBuilder('city')
        .label('City')
        .query('label_values(stacks_device_up, city)')
        .datasource(DS)
        .refresh(VariableRefresh.OnDashboardLoad)
        .multi(false)
        .includeAll(false),
    )
    .withPanel(
      new StatPanel()
        .title('Devices down in $city')
        .withTarget(q(`count(stacks_device_up${city} == 0) or vector(0)`))
        .gridPos({ x: 0, y: 0, w: 6, h: 5 }),
    )
    .withPanel(
      new StatPanel()
        .title('Links down in $city')
        .withTarget(q(`count(stacks_link_up${city} == 0) or vector(0)`))
        .gridPos({ x: 0, y: 0, w: 6, h: 5 }),
    )
    .withPanel(
      new TablePanel()
        .title('Device uptime, 30 days')
        .unit('percentunit')
        .withTarget(
          q(
            `stacks_uptime_ratio{type="device",window="30d"} * on (object) group_left(city) label_replace(stacks_device_up${city}, "object", "$1", "device", "(.*)")`,
          )
            .format(PromQueryFormat.Table)
            .instant(),
        )
        .gridPos({ x: 0, y: 0, w: 12, h: 10 }),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Link utilisation in $city')
        .unit('percentunit')
        .min(0)
        .withTarget(q(`stacks_link_utilisation_ratio${city}`, '{{link}} @ {{device}}'))
        .gridPos({ x: 0, y: 0, w: 24, h: 9 }),
    )
    .build();
}
