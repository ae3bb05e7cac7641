/**
 * Alertmanager configuration as code, pure. Who gets woken: a fault of a province, city or data
 * centre site pages the NOC; one of a county, township or department site opens a ticket; a single
 * link down is a ticket whatever its tier (links come in redundant pairs: the twin carries the
 * traffic, and a pair down shows as its site down). Grouped by city, so a city's trouble is one
 * notification per receiver, not one per alert. While a site is down, the alerts it explains are
 * inhibited: its own devices, and — for a province or city site — everything below it in the same
 * city (a city cut off makes its counties and townships unreachable too; the NOC needs one page).
 * Receivers are webhooks (the daemon's /alertmanager endpoint, or the NOC's gateway); their URLs
 * and bearer token are inputs, never in the repo.
 */
import { stringify } from 'yaml';
import { PAGING_LEVELS } from './rules.js';

export interface AlertmanagerOptions {
  pageWebhook: string;
  ticketWebhook: string;
  /** File holding the webhook's bearer token (Alertmanager reads it; the token is never in this config). */
  bearerTokenFile?: string;
  /** Grouping delays (tests shorten them): wait before a new group's first notification, and between updates. */
  groupWait?: string;
  pageGroupWait?: string;
  groupInterval?: string;
}

const DEFAULT_ALERTMANAGER_OPTIONS: AlertmanagerOptions = {
  pageWebhook: 'http://127.0.0.1:9464/alertmanager/page',
  ticketWebhook: 'http://127.0.0.1:9464/alertmanager/ticket',
};

const paging = `level=~"${PAGING_LEVELS.join('|')}"`;
const below = 'level=~"county|township|department"';

export function renderAlertmanagerConfig(options: Partial<AlertmanagerOptions> = {}): string {
  const o = { ...DEFAULT_ALERTMANAGER_OPTIONS, ...options };
  const webhook = (url: string) => ({
    url,
    send_resolved: true,
    ...(o.bearerTokenFile ? { http_config: { authorization: { type: 'Bearer', credentials_file: o.bearerTokenFile } } } : {}),
  });
  const config = {
    global: { resolve_timeout: '5m' },
    route: {
      receiver: 'noc-ticket',
      group_by: ['city', 'alertname', 'sli'],
      group_wait: o.groupWait ?? '30s',
      group_interval: o.groupInterval ?? '5m',
      repeat_interval: '4h',
      routes: [
        {
          receiver: 'noc-page',
          matchers: ['alertname=~"StacksSiteDown|StacksDeviceDown"', paging],
          group_by: ['city'],
          group_wait: o.pageGroupWait ?? '10s',
          repeat_interval: '30m',
        },
        { receiver: 'noc-ticket', matchers: ['alertname=~"StacksSiteDown|StacksDeviceDown|StacksLinkDown"'], group_by: ['city'], repeat_interval: '12h' },
        { receiver: 'noc-page', matchers: ['severity=~"page|critical"'], group_wait: o.pageGroupWait ?? '10s', repeat_interval: '30m' },
        { receiver: 'noc-ticket', matchers: ['severity="ticket"'], repeat_interval: '12h' },
      ],
    },
    inhibit_rules: [
      // A breached fix window supersedes its "at risk" alert.
      { source_matchers: ['alertname="StacksFaultFixBreached"'], target_matchers: ['alertname="StacksFaultFixAtRisk"'], equal: ['fault_id'] },
      // Nobody is watching: the device, link and platform alerts are stale, not news.
      {
        source_matchers: ['alertname="StacksMonitorDown"'],
        target_matchers: ['alertname=~"StacksSiteDown|StacksDeviceDown|StacksLinkDown|StacksPlatformDown"'],
      },
      // A site down explains its own devices being down.
      { source_matchers: ['alertname="StacksSiteDown"'], target_matchers: ['alertname="StacksDeviceDown"'], equal: ['site'] },
      // A city site down explains everything below it in that city.
      {
        source_matchers: ['alertname="StacksSiteDown"', 'level="city"'],
        target_matchers: ['alertname=~"StacksSiteDown|StacksDeviceDown|StacksLinkDown"', below],
        equal: ['city'],
      },
      // The province core down explains every site below it.
      {
        source_matchers: ['alertname="StacksSiteDown"', 'level="province"'],
        target_matchers: ['alertname=~"StacksSiteDown|StacksDeviceDown|StacksLinkDown"', 'level!="province"'],
      },
    ],
    receivers: [
      { name: 'noc-page', webhook_configs: [webhook(o.pageWebhook)] },
      { name: 'noc-ticket', webhook_configs: [webhook(o.ticketWebhook)] },
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
