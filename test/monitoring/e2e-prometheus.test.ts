/**
 * End to end: real snmpd agents in namespaces (v3 polling, v2c traps), the built `stacks daemon`,
 * a real Prometheus scraping it and evaluating the synthesized rules (short `for:`), a real
 * Alertmanager routing to a NOC webhook. A link goes down → fault opens → StacksLinkDown fires in
 * Prometheus and reaches the NOC → the link comes back → the fault closes with its duration → the
 * 3-hour rate and uptime move in /metrics and in `stacks kpi --json`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startNsLab, sinkAddress, sweep, type NsLab } from '../support/snmp-netns.js';
import { metricValue, scrape, waitUntil } from '../support/monitor-harness.js';
import { freePort } from '../support/pg-cluster.js';
import { runCli } from '../support/cli.js';
import { httpReady, startDaemon, startProcess, type Proc } from '../support/processes.js';
import { renderRules } from '../../monitors/codegen/rules.js';
import { renderAlertmanagerConfig, renderPrometheusConfig } from '../../monitors/codegen/alertmanager.js';

const creds = { user: 'noc', authKey: 'e2e-Auth-Key-3391', privKey: 'e2e-Priv-Key-7720', community: 'e2e-Community-1184' };
const dir = mkdtempSync(join(tmpdir(), 'stacks-e2e-'));
const stateDir = join(dir, 'state');
let lab: NsLab;
let daemon: Proc & { port: number };
let prometheus: Proc;
let alertmanager: Proc;
let webhook: Server;
const received: Array<{ status: string; alerts: Array<{ labels: Record<string, string>; status: string }> }> = [];
let promPort = 0;

beforeAll(async () => {
  const trapPort = await freePort();
  lab = await startNsLab({ tag: 2, count: 2, links: [[0, 1]], credentials: creds, trapSink: { port: trapPort, version: 'v2c' } });
  const bind = (ifName: string) => ({ [ifName]: { link: 'xian-r1--xian.yanta-r1', tier: 'city-county', bandwidthMbps: 2000 } });
  writeFileSync(
    join(dir, 'targets.yaml'),
    stringify({
      devices: [
        { device: 'xian-r1', address: lab.agents[0]!.address, site: 'xian', city: 'xian', level: 'city', interfaces: bind('l0a') },
        { device: 'xian.yanta-r1', address: lab.agents[1]!.address, site: 'xian.yanta', city: 'xian', level: 'county', interfaces: bind('l0b') },
      ],
    }),
  );
  writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ snmp: creds }), { mode: 0o600 });
  daemon = await startDaemon(
    ['--state-dir', stateDir, 'daemon', '--targets', join(dir, 'targets.yaml'), '--secrets', join(dir, 'secrets.json'), '--interval', '2', '--timeout', '800', '--close-after', '1', '--listen', '127.0.0.1:0', '--trap-listen', `${sinkAddress(2)}:${trapPort}`],
    { STACKS_LOG_LEVEL: 'debug' },
  );

  // the NOC's webhook behind Alertmanager
  const hookPort = await freePort();
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body) as (typeof received)[number]);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => webhook.listen(hookPort, '127.0.0.1', () => r()));
  const amPort = await freePort();
  writeFileSync(join(dir, 'alertmanager.yml'), renderAlertmanagerConfig({ pageWebhook: `http://127.0.0.1:${hookPort}/page`, ticketWebhook: `http://127.0.0.1:${hookPort}/ticket` }));
  execFileSync('amtool', ['check-config', join(dir, 'alertmanager.yml')]);
  alertmanager = startProcess('prometheus-alertmanager', [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'am')}`,
    `--web.listen-address=127.0.0.1:${amPort}`,
    '--cluster.listen-address=',
  ]);
  promPort = await freePort();
  // The synthesized rules, with the up/down `for:` shortened for the test.
  writeFileSync(join(dir, 'rules.yml'), renderRules({ downFor: '2s', burnFor: '2s' }));
  const promConfig = renderPrometheusConfig({ daemon: `127.0.0.1:${daemon.port}`, alertmanager: `127.0.0.1:${amPort}`, rulesFile: join(dir, 'rules.yml'), scrapeInterval: '1s' });
  writeFileSync(join(dir, 'prometheus.yml'), promConfig);
  prometheus = startProcess('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`]);
  await httpReady(`http://127.0.0.1:${amPort}/-/ready`);
  await httpReady(`http://127.0.0.1:${promPort}/-/ready`);
}, 120_000);

afterAll(async () => {
  await daemon?.kill('SIGTERM');
  await prometheus?.kill();
  await alertmanager?.kill();
  await new Promise<void>((r) => (webhook ? webhook.close(() => r()) : r()));
  lab?.stop();
  sweep(2);
  rmSync(dir, { recursive: true, force: true });
});

async function promQuery(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const r = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return r.data.result;
}

async function firing(alertname: string): Promise<Array<{ labels: Record<string, string>; state: string }>> {
  const r = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/alerts`)).json()) as { data: { alerts: Array<{ labels: Record<string, string>; state: string }> } };
  return r.data.alerts.filter((a) => a.labels.alertname === alertname && a.state === 'firing');
}

const metric = async (name: string, labels: Record<string, string> = {}) => metricValue(await scrape(daemon.port), name, labels);

describe('link down → fault → alert → recovery → KPIs, with real snmpd, Prometheus and Alertmanager', () => {
  it('runs the whole loop', async () => {
    await waitUntil(async () => (await promQuery('stacks_link_up{link="xian-r1--xian.yanta-r1"}'))[0]?.value[1] === '1', 30_000, 'Prometheus sees the link up', 500);

    const t0 = Date.now();
    lab.setLink(lab.links[0]!, false);
    const opened = await waitUntil(async () => {
      const r = await runCli(['--state-dir', stateDir, 'faults', '--open', '--json']);
      const list = JSON.parse(r.stdout) as Array<{ id: number; object: string; kind: string }>;
      return list.find((f) => f.object === 'link:xian-r1--xian.yanta-r1');
    }, 15_000, 'fault open in `stacks faults`', 300);
    const faultMs = Date.now() - t0;
    expect(opened.kind).toBe('link-down');

    const alerts = await waitUntil(async () => (await firing('StacksLinkDown')).length > 0 && (await firing('StacksLinkDown')), 30_000, 'StacksLinkDown firing', 500);
    expect(alerts[0]!.labels).toMatchObject({ link: 'xian-r1--xian.yanta-r1', severity: 'page', city: 'xian' });
    const alertMs = Date.now() - t0;
    const page = await waitUntil(() => received.flatMap((n) => n.alerts).find((a) => a.labels.alertname === 'StacksLinkDown' && a.status === 'firing'), 60_000, 'NOC webhook paged', 300);
    expect(page.labels.severity).toBe('page');

    lab.setLink(lab.links[0]!, true);
    const closed = await waitUntil(async () => {
      const r = await runCli(['--state-dir', stateDir, 'faults', '--json']);
      const list = JSON.parse(r.stdout) as Array<{ id: number; closedAt: number | null; durationMs: number | null }>;
      return list.find((f) => f.id === opened.id && f.closedAt !== null);
    }, 20_000, 'fault closed', 300);
    expect(closed.durationMs).toBeGreaterThan(0);

    await waitUntil(async () => (await metric('stacks_fixed_in_time_ratio', { window: '30d' })) === 1, 40_000, '3-hour rate in /metrics', 500);
    const uptime = (await metric('stacks_uptime_ratio', { type: 'link', object: 'xian-r1--xian.yanta-r1', window: '30d' }))!;
    expect(uptime).toBeLessThan(1);
    expect(uptime).toBeGreaterThan(0);
    expect(await metric('stacks_faults_closed_total', { kind: 'link-down', in_time: 'true' })).toBe(1);
    await waitUntil(async () => (await promQuery('stacks_fixed_in_time_ratio{window="30d"}'))[0]?.value[1] === '1', 20_000, 'Prometheus has the 3-hour rate', 500);

    const kpi = await runCli(['--state-dir', stateDir, 'kpi', '--json'], { timeoutMs: 120_000 });
    expect(kpi.code).toBe(0);
    const rows = JSON.parse(kpi.stdout) as Array<{ id: number; value: number | null; target_2023: number | null; target_2025: number | null; numerator?: number; denominator?: number; status: string }>;
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 7, 8, 9, 12, 13]);
    const i13 = rows.find((r) => r.id === 13)!;
    expect(i13).toMatchObject({ value: 1, numerator: 1, denominator: 1, target_2023: 0.95, target_2025: 0.99, status: 'ok' });
    console.log(`e2e: link down → fault ${faultMs} ms, → Prometheus alert ${alertMs} ms; fault lasted ${closed.durationMs} ms; link uptime 30d ${uptime}`);
    // and the daemon never logged a secret
    for (const secret of [creds.authKey, creds.privKey, creds.community]) expect(daemon.output()).not.toContain(secret);
  });
});
