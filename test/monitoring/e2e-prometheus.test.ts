/**
 * End to end: real snmpd agents in namespaces (v3 polling, v2c traps), the built `stacks daemon`,
 * a real Prometheus scraping it and evaluating the synthesized rules (short `for:`), a real
 * Alertmanager routing to a NOC webhook. A link goes down → fault opens → StacksLinkDown fires in
 * Prometheus and reaches the NOC → the link comes back → the fault closes with its duration → the
 * 3-hour rate and uptime move in /metrics and in `stacks kpi --json`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startNsLab, sinkAddress, sweep, type NsLab } from '../support/snmp-netns.js';
import { metricValue, scrape, waitUntil } from '../support/monitor-harness.js';
import { freePort } from '../support/pg-cluster.js';
import { runCli } from '../support/cli.js';
import { startDaemon, type Proc } from '../support/processes.js';
import { startPromStack, type PromStack } from '../support/prom-stack.js';

const creds = { user: 'noc', authKey: 'e2e-Auth-Key-3391', privKey: 'e2e-Priv-Key-7720', community: 'e2e-Community-1184' };
const dir = mkdtempSync(join(tmpdir(), 'stacks-e2e-'));
const stateDir = join(dir, 'state');
let lab: NsLab;
let daemon: Proc & { port: number };
let prom: PromStack;

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
    [
      '--state-dir',
      stateDir,
      'daemon',
      '--targets',
      join(dir, 'targets.yaml'),
      '--secrets',
      join(dir, 'secrets.json'),
      '--interval',
      '2',
      '--timeout',
      '800',
      '--open-after',
      '0',
      '--close-after',
      '1',
      '--listen',
      '127.0.0.1:0',
      '--trap-listen',
      `${sinkAddress(2)}:${trapPort}`,
    ],
    { STACKS_LOG_LEVEL: 'debug' },
  );

  prom = await startPromStack(dir, daemon.port);
}, 120_000);

afterAll(async () => {
  await daemon?.kill('SIGTERM');
  await prom?.stop();
  lab?.stop();
  sweep(2);
  rmSync(dir, { recursive: true, force: true });
});

const promQuery = (expr: string) => prom.query(expr);
const firing = (name: string) => prom.firing(name);

const metric = async (name: string, labels: Record<string, string> = {}) => metricValue(await scrape(daemon.port), name, labels);

describe('link down → fault → alert → recovery → KPIs, with real snmpd, Prometheus and Alertmanager', () => {
  it('runs the whole loop', async () => {
    await waitUntil(
      async () => (await promQuery('stacks_link_up{link="xian-r1--xian.yanta-r1"}'))[0]?.value[1] === '1',
      30_000,
      'Prometheus sees the link up',
      500,
    );

    const t0 = Date.now();
    lab.setLink(lab.links[0]!, false);
    const opened = await waitUntil(
      async () => {
        const r = await runCli(['--state-dir', stateDir, 'faults', '--open', '--json']);
        const list = JSON.parse(r.stdout) as Array<{ id: number; object: string; kind: string }>;
        return list.find((f) => f.object === 'link:xian-r1--xian.yanta-r1');
      },
      15_000,
      'fault open in `stacks faults`',
      300,
    );
    const faultMs = Date.now() - t0;
    expect(opened.kind).toBe('link-down');

    const alerts = await waitUntil(
      async () => (await firing('StacksLinkDown')).length > 0 && (await firing('StacksLinkDown')),
      30_000,
      'StacksLinkDown firing',
      500,
    );
    expect(alerts[0]!.labels).toMatchObject({ link: 'xian-r1--xian.yanta-r1', city: 'xian' });
    const alertMs = Date.now() - t0;
    // one link of a redundant pair: a ticket, not a page
    const ticket = await waitUntil(
      () => prom.received.find((n) => n.alerts.some((a) => a.labels.alertname === 'StacksLinkDown' && a.status === 'firing')),
      60_000,
      'NOC webhook got the ticket',
      300,
    );
    expect(ticket.receiver).toBe('noc-ticket');
    expect(prom.received.filter((n) => n.receiver === 'noc-page' && n.alerts.some((a) => a.labels.alertname === 'StacksLinkDown'))).toEqual([]);

    lab.setLink(lab.links[0]!, true);
    const closed = await waitUntil(
      async () => {
        const r = await runCli(['--state-dir', stateDir, 'faults', '--json']);
        const list = JSON.parse(r.stdout) as Array<{ id: number; closedAt: number | null; durationMs: number | null }>;
        return list.find((f) => f.id === opened.id && f.closedAt !== null);
      },
      20_000,
      'fault closed',
      300,
    );
    expect(closed.durationMs).toBeGreaterThan(0);

    await waitUntil(async () => (await metric('stacks_fixed_in_time_ratio', { window: '30d' })) === 1, 40_000, '3-hour rate in /metrics', 500);
    const uptime = (await metric('stacks_uptime_ratio', { type: 'link', object: 'xian-r1--xian.yanta-r1', window: '30d' }))!;
    expect(uptime).toBeLessThan(1);
    expect(uptime).toBeGreaterThan(0);
    const all = JSON.parse((await runCli(['--state-dir', stateDir, 'faults', '--json'])).stdout) as unknown[];
    expect(
      await metric('stacks_faults_closed_total', { kind: 'link-down', in_time: 'true' }),
      `faults: ${JSON.stringify(all)}; log: ${daemon
        .output()
        .split('\n')
        .filter((l) => /trap|fault|link/i.test(l))
        .slice(-40)
        .join('\n')}`,
    ).toBe(1);
    await waitUntil(
      async () => (await promQuery('stacks_fixed_in_time_ratio{window="30d"}'))[0]?.value[1] === '1',
      20_000,
      'Prometheus has the 3-hour rate',
      500,
    );

    const kpi = await runCli(['--state-dir', stateDir, 'kpi', '--json'], { timeoutMs: 120_000 });
    expect(kpi.code).toBe(0);
    const rows = JSON.parse(kpi.stdout) as Array<{
      id: number;
      value: number | null;
      target_2023: number | null;
      target_2025: number | null;
      numerator?: number;
      denominator?: number;
      status: string;
    }>;
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 7, 8, 9, 12, 13]);
    const i13 = rows.find((r) => r.id === 13)!;
    expect(i13).toMatchObject({ value: 1, numerator: 1, denominator: 1, target_2023: 0.95, target_2025: 0.99, status: 'ok' });
    const traps = {
      linkDown: await metric('stacks_snmp_traps_total', { type: 'linkDown' }),
      rejected: await metric('stacks_snmp_traps_total', { type: 'rejected' }),
    };
    console.log(
      `e2e: link down → fault ${faultMs} ms, → Prometheus alert ${alertMs} ms; fault lasted ${closed.durationMs} ms; link uptime 30d ${uptime}; traps ${JSON.stringify(traps)}`,
    );
    // the agents send v2c traps while the daemon polls over v3: the secrets' community admits them
    expect(traps.linkDown).toBeGreaterThanOrEqual(1);
    expect(traps.rejected ?? 0).toBe(0);
    // and the daemon never logged a secret
    for (const secret of [creds.authKey, creds.privKey, creds.community]) expect(daemon.output()).not.toContain(secret);
  });
});
