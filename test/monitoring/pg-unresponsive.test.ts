/**
 * PostgreSQL that stops answering (a real throwaway cluster, every one of its processes stopped
 * with SIGSTOP, so connections open but nothing answers): the daemon keeps polling, counts each
 * failed write in stacks_store_errors_total and keeps the fault events queued; `stacks faults`
 * gives up after its timeout with a clear error (exit 3) instead of hanging; once the server
 * answers again (SIGCONT) the queued fault lands in the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { MonitorDaemon } from '../../monitors/daemon.js';
import { daemonPolicy } from '../../monitors/daemon-policy.js';
import { loadInventory } from '../../inventory/load.js';
import { PostgresFaultStore } from '../../monitors/store/postgres.js';
import { SimAgent } from '../../bench/support/sim-agent.js';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.js';
import { metricValue, waitUntil } from '../support/monitor-harness.js';
import { runCli } from '../support/cli.js';

/** The embedded inventory's counting rules, as `stacks daemon` passes them. */
const counting = await daemonPolicy(await loadInventory());

const COMMUNITY = 'pg-test-community';
let pgc: PgCluster;
let store: PostgresFaultStore;
let agent: SimAgent;
let daemon: MonitorDaemon;
let stopped: number[] = [];

/** The server's pids: the postmaster (first line of postmaster.pid) and its children. */
function serverPids(): number[] {
  const main = Number(readFileSync(join(pgc.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = execFileSync('ps', ['--ppid', String(main), '-o', 'pid='], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(Number);
  return [main, ...children];
}
const signal = (pids: number[], sig: NodeJS.Signals) => {
  for (const pid of pids) process.kill(pid, sig);
};

beforeAll(async () => {
  pgc = await startPgCluster();
  store = await PostgresFaultStore.connect(pgc.url, { connectMs: 1000, queryMs: 1500 });
  agent = new SimAgent({ address: '127.85.0.1', port: 1161, interfaces: 1, community: COMMUNITY });
  await agent.start();
  daemon = new MonitorDaemon({
    targets: [
      {
        device: 'xian-r1',
        address: '127.85.0.1',
        port: 1161,
        credentials: { version: 'v2c', community: COMMUNITY },
        interfaces: { eth0: { link: 'shaanxi-r1--xian-r1', tier: 'city', bandwidthMbps: 10_000 } },
      },
    ],
    platforms: [],
    store,
    logger: pino({ level: 'silent' }),
    intervalMs: 500,
    ...counting,

    debounce: { ...counting.debounce, openAfterMs: 0 },
    session: { timeoutMs: 300, retries: 0 },
  });
  await daemon.start();
}, 120_000);

afterAll(async () => {
  if (stopped.length) signal(stopped, 'SIGCONT');
  await daemon?.stop();
  await store?.close();
  await agent?.close();
  pgc?.stop();
}, 60_000);

const metric = async (name: string, labels: Record<string, string> = {}) => metricValue(await daemon.metrics.registry.metrics(), name, labels) ?? 0;
const okPolls = () => metric('stacks_snmp_polls_total', { result: 'ok' });

describe('PostgreSQL stops answering', () => {
  it('the daemon polls on and counts failed writes; `stacks faults` times out clearly; the queued fault lands later', { timeout: 120_000 }, async () => {
    await waitUntil(async () => (await okPolls()) > 2, 10_000, 'first polls');
    stopped = serverPids();
    signal(stopped, 'SIGSTOP');
    agent.setOper(0, false); // the link goes down while the store cannot take the fault
    const pollsBefore = await okPolls();
    await waitUntil(async () => (await metric('stacks_store_errors_total')) >= 2, 20_000, 'failed writes counted', 200);
    expect(await okPolls()).toBeGreaterThan(pollsBefore + 2); // polling never waited on the store

    const t0 = Date.now();
    const cli = await runCli(['faults', '--postgres', pgc.url, '--json'], { timeoutMs: 60_000 });
    const cliMs = Date.now() - t0;
    expect(cli.code, cli.stderr).toBe(3);
    // connecting times out (E_PG_CONNECT) or a query does (E_STORE_TIMEOUT): either way a clear error, never a hang
    expect(cli.stderr).toMatch(/E_PG_CONNECT: cannot open the fault store.*timeout|E_STORE_TIMEOUT/);
    expect(cliMs).toBeLessThan(30_000);

    signal(stopped, 'SIGCONT');
    stopped = [];
    const fault = await waitUntil(
      async () => (await store.listFaults({ openOnly: true })).find((f) => f.object === 'link:shaanxi-r1--xian-r1'),
      30_000,
      'the queued fault in the store',
      300,
    );
    expect(fault.kind).toBe('link-down');
    console.log(`pg-unresponsive: stacks faults gave up after ${cliMs} ms; ${await metric('stacks_store_errors_total')} failed writes counted`);
  });
});
