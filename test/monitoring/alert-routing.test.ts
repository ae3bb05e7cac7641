/**
 * Alert routing with the real Alertmanager: the synthesized config, a real `prometheus-alertmanager`
 * on loopback, and the daemon's own webhook as both receivers. A city's two core routers go down:
 * the alerts Prometheus would send for it (the site down, its two devices down, the county ends of
 * its links down) plus an unrelated county device elsewhere arrive at Alertmanager through its API;
 * the NOC gets one page, tickets for the rest, no storm, and the page is linked to the faults in the
 * journal. The webhook refuses a missing token (401) and a malformed payload (400, naming the field)
 * and records nothing for either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MonitorDaemon } from '../../monitors/daemon.js';
import { daemonPolicy } from '../../monitors/daemon-policy.js';
import { loadInventory } from '../../inventory/load.js';
import { SqliteFaultStore } from '../../monitors/store/sqlite.js';
import { renderAlertmanagerConfig } from '../../monitors/codegen/alertmanager.js';
import { capturedLogger, waitUntil } from '../support/monitor-harness.js';
import { freePort } from '../support/pg-cluster.js';
import { httpReady, startProcess, type Proc } from '../support/processes.js';
import type { PollTarget } from '../../monitors/types.js';

/** The embedded inventory's counting rules, as `stacks daemon` passes them. */
const counting = await daemonPolicy(await loadInventory());

const dir = mkdtempSync(join(tmpdir(), 'stacks-am-'));
const TOKEN = 'test-token-0123456789abcdef';
let store: SqliteFaultStore;
let daemon: MonitorDaemon;
let am: Proc | undefined;
let amPort = 0;

const target = (device: string, site: string, city: string, level: string): PollTarget => ({
  device,
  // a closed loopback port: never polled in this test (the interval is an hour and polls are staggered)
  address: '127.0.0.1',
  port: 9,
  credentials: { version: 'v2c', community: 'unused' },
  placement: { site, city, level },
});

beforeAll(async () => {
  store = new SqliteFaultStore(join(dir, 'faults.sqlite'));
  // the faults the poller would hold for the city's routers
  await store.apply([
    { type: 'open', object: 'device:xian-r1', kind: 'device-unreachable', at: Date.now() - 60_000 },
    { type: 'open', object: 'device:xian-r2', kind: 'device-unreachable', at: Date.now() - 60_000 },
  ]);
  daemon = new MonitorDaemon({
    targets: [target('zz-unpolled', 'zz', 'zz', 'township'), target('xian-r1', 'xian', 'xian', 'city'), target('xian-r2', 'xian', 'xian', 'city')],
    platforms: [],
    store,
    logger: capturedLogger().logger,
    intervalMs: 3_600_000,
    session: { timeoutMs: 200, retries: 0 },
    ...counting,

    debounce: { ...counting.debounce, openAfterMs: 3_600_000 },
    http: { host: '127.0.0.1', port: 0 },
    webhookToken: TOKEN,
    processMetrics: false,
  });
  await daemon.start();
  const hook = `http://127.0.0.1:${daemon.httpPort}/alertmanager`;
  writeFileSync(join(dir, 'token'), TOKEN);
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    renderAlertmanagerConfig({
      pageWebhook: `${hook}/page`,
      ticketWebhook: `${hook}/ticket`,
      bearerTokenFile: join(dir, 'token'),
      groupWait: '2s',
      pageGroupWait: '2s',
      groupInterval: '5s',
    }),
  );
  execFileSync('amtool', ['check-config', join(dir, 'alertmanager.yml')]);
  amPort = await freePort();
  am = startProcess('prometheus-alertmanager', [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'am')}`,
    `--web.listen-address=127.0.0.1:${amPort}`,
    '--cluster.listen-address=',
  ]);
  await httpReady(`http://127.0.0.1:${amPort}/-/ready`);
}, 60_000);

afterAll(async () => {
  await am?.kill();
  await daemon?.stop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const counter = async (name: string, labels: Record<string, string>) => {
  const m = await daemon.metrics.registry.getSingleMetric(name)!.get();
  return m.values.filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val)).reduce((s, v) => s + v.value, 0);
};

describe('alert routing', () => {
  it('a city cut off: one page, tickets for the rest, no storm, the page linked to the faults', async () => {
    const startsAt = new Date().toISOString();
    const alert = (labels: Record<string, string>) => ({
      labels,
      annotations: { summary: labels.alertname! },
      startsAt,
      generatorURL: 'http://127.0.0.1/test',
    });
    const alerts = [
      // source first, so the inhibitions are in place when the group flushes
      alert({ alertname: 'StacksSiteDown', site: 'xian', city: 'xian', level: 'city' }),
      alert({ alertname: 'StacksDeviceDown', device: 'xian-r1', site: 'xian', city: 'xian', level: 'city' }),
      alert({ alertname: 'StacksDeviceDown', device: 'xian-r2', site: 'xian', city: 'xian', level: 'city' }),
      ...['yanta', 'beilin', 'lianhu', 'weiyang'].flatMap((c) =>
        [0, 1].map((i) => alert({ alertname: 'StacksLinkDown', link: `xian-r${i + 1}--xian.${c}-r1`, tier: 'city-county', city: 'xian', level: 'county' })),
      ),
      alert({ alertname: 'StacksDeviceDown', device: 'baoji.fengxiang-r1', site: 'baoji.fengxiang', city: 'baoji', level: 'county' }),
    ];
    const r = await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    expect(r.status).toBe(200);
    await waitUntil(
      async () =>
        (await counter('stacks_alert_notifications_total', { receiver: 'noc-page' })) >= 1 &&
        (await counter('stacks_alert_notifications_total', { receiver: 'noc-ticket' })) >= 1,
      20_000,
      'a page and a ticket',
      250,
    );
    // let every group flush once more before counting
    await new Promise((res) => setTimeout(res, 6000));
    expect(await counter('stacks_alert_notifications_total', { receiver: 'noc-page' })).toBe(1);
    expect(await counter('stacks_alerts_received_total', { receiver: 'noc-page' })).toBe(1);
    // the xian devices and links are inhibited by the site; the baoji county device is a ticket
    expect(await counter('stacks_alert_notifications_total', { receiver: 'noc-ticket' })).toBe(1);
    expect(await counter('stacks_alerts_received_total', { receiver: 'noc-ticket' })).toBe(1);
    // the page is linked to both routers' faults in the journal
    for (const f of await store.activeFaults()) {
      const j = await store.journal(f.id);
      expect(
        j.some((l) => l.actor === 'alertmanager:noc-page' && l.text?.startsWith('firing StacksSiteDown')),
        f.object,
      ).toBe(true);
    }
  }, 60_000);

  it('the webhook refuses a missing token and a malformed payload, and records nothing', async () => {
    const url = `http://127.0.0.1:${daemon.httpPort}/alertmanager/page`;
    const before = await counter('stacks_alert_notifications_total', {});
    const ok = {
      version: '4',
      receiver: 'noc-page',
      status: 'firing',
      alerts: [{ status: 'firing', labels: { alertname: 'StacksDeviceDown', device: 'xian-r1' }, startsAt: new Date().toISOString() }],
    };
    expect((await fetch(url, { method: 'POST', body: JSON.stringify(ok) })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', headers: { authorization: 'Bearer wrong-token-0123456789ab' }, body: JSON.stringify(ok) })).status).toBe(401);
    const bad = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ ...ok, alerts: [{ ...ok.alerts[0], labels: 'xian-r1' }] }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('alerts[0].labels');
    expect(await counter('stacks_alert_notifications_total', {})).toBe(before);
    const journal = await store.journal((await store.activeFaults())[0]!.id);
    expect(journal.filter((l) => l.text?.includes('StacksDeviceDown'))).toEqual([]);
  });
});
