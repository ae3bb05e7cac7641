/**
 * Alertmanager configuration as code, pure: every stacks alert routes to the NOC; pages and the
 * 3-hour-fix alerts go to the NOC's paging receiver with short repeat, tickets to its ticket queue.
 * Receivers are webhooks (the NOC's gateway); their URLs are inputs, never secrets in the repo.
 */
import { stringify } from 'yaml';

export interface AlertmanagerOptions {
  pageWebhook: string;
  ticketWebhook: string;
}

export const DEFAULT_ALERTMANAGER_OPTIONS: AlertmanagerOptions = {
  pageWebhook: 'http://127.0.0.1:9099/noc/page',
  ticketWebhook: 'http://127.0.0.1:9099/noc/ticket',
};

export function renderAlertmanagerConfig(options: Partial<AlertmanagerOptions> = {}): string {
  const o = { ...DEFAULT_ALERTMANAGER_OPTIONS, ...options };
  const config = {
    global: { resolve_timeout: '5m' },
    route: {
      receiver: 'noc-ticket',
      group_by: ['alertname', 'sli', 'city'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [
        { receiver: 'noc-page', matchers: ['severity=~"page|critical"'], group_wait: '10s', repeat_interval: '30m', continue: false },
        { receiver: 'noc-ticket', matchers: ['severity="ticket"'], repeat_interval: '12h' },
      ],
    },
    // A breached 3-hour fix supersedes its "at risk" alert; a device down explains its links down.
    inhibit_rules: [
      { source_matchers: ['alertname="StacksFaultFixBreached"'], target_matchers: ['alertname="StacksFaultFixAtRisk"'], equal: ['fault_id'] },
      { source_matchers: ['alertname="StacksMonitorDown"'], target_matchers: ['alertname=~"StacksDeviceDown|StacksLinkDown|StacksPlatformDown"'] },
    ],
    receivers: [
      { name: 'noc-page', webhook_configs: [{ url: o.pageWebhook, send_resolved: true }] },
      { name: 'noc-ticket', webhook_configs: [{ url: o.ticketWebhook, send_resolved: true }] },
    ],
  };
  return stringify(config, { lineWidth: 0 });
}

/** The Prometheus configuration that scrapes the daemon and loads the rules (for the NOC's Prometheus). */
export function renderPrometheusConfig(opts: { daemon: string; alertmanager: string; rulesFile: string; job?: string; scrapeInterval?: string }): string {
  return stringify(
    {
      global: { scrape_interval: opts.scrapeInterval ?? '15s', evaluation_interval: opts.scrapeInterval ?? '15s' },
      rule_files: [opts.rulesFile],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [opts.alertmanager] }] }] },
      scrape_configs: [{ job_name: opts.job ?? 'stacks-daemon', static_configs: [{ targets: [opts.daemon] }] }],
    },
    { lineWidth: 0 },
  );
}
