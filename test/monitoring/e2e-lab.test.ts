/**
 * End to end on a deployed lab (root; real FRR, sshd, snmpd in the lab's namespaces): `stacks
 * deploy --target lab --trap-sink PORT` (v3 authPriv polls and traps) an 8-device scope, run the built `stacks daemon`
 * against the lab's own targets (read from --state-dir), a real Prometheus + Alertmanager with the
 * synthesized rules. `stacks lab fault link … down` cuts the link (one end down, the other
 * admin-up without carrier) → snmpd's linkDown trap reaches the daemon and the fault opens →
 * StacksLinkDown fires → `up` → the fault closes with its duration → /metrics and `stacks kpi`
 * move. Teardown destroys the lab and checks nothing is left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { metricValue, scrape, waitUntil } from '../support/monitor-harness.js';
import { freePort } from '../support/pg-cluster.js';
import { runCli } from '../support/cli.js';
import { startDaemon, type Proc } from '../support/processes.js';
import { startPromStack, type PromStack } from '../support/prom-stack.js';
import { findLeftovers } from '../../lab/destroy.js';
import { labPaths } from '../../lab/names.js';
import { readLabTargets } from '../../lab/targets.js';

// The province core (4) + Xi'an's two cores + one county's two (it has townships in the inventory): 8 devices.
const SCOPE = 'cities=xian;counties=1;townships=0;datacenters=none';
const LAB = `e${process.pid % 100000}`;
const stateDir = mkdtempSync('/tmp/stx-e2elab-');
chmodSync(stateDir, 0o755);
const cli = (...args: string[]) => runCli(['--state-dir', stateDir, ...args], { timeoutMs: 400_000 });
let daemon: Proc & { port: number };
let prom: PromStack;
let deployed = false;
/** The link the test cuts: the county's uplink to xian-r1 (a end xian-r1 senses, b end is cut). */
let link: { id: string; sensing: string; cut: string };

let trapPort: number;

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0); // lab tests run as root (CI does): never skipped
  trapPort = await freePort();
  const t0 = Date.now();
  const dep = await cli(
    'deploy',
    '--target',
    'lab',
    '--lab',
    LAB,
    '--scope',
    SCOPE,
    '--auto-approve',
    '--trap-sink',
    String(trapPort),
    '--confirm-timeout',
    '300',
    '--check-timeout',
    '90',
    '--json',
  );
  deployed = true;
  expect(dep.code, dep.stderr).toBe(0);
  console.log(`e2e-lab: deployed in ${Date.now() - t0} ms`);
  const status = JSON.parse((await cli('lab', 'status', '--lab', LAB, '--json')).stdout) as {
    healthy: boolean;
    devices: unknown[];
    links: Array<{ link: string; a: string; b: string }>;
  };
  expect(status.devices).toHaveLength(8);
  const l = status.links.find((x) => x.a.startsWith('xian-r1:') && /^xian\.[^:]+-r1:/.test(x.b))!;
  link = { id: l.link, sensing: l.a.split(':')[0]!, cut: l.b.split(':')[0]! };
  daemon = await startDaemon(
    [
      '--state-dir',
      stateDir,
      'daemon',
      '--lab',
      LAB,
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
      // no --trap-listen: the daemon listens where the lab's devices trap to (each its own host end)
    ],
    { STACKS_LOG_LEVEL: 'debug' },
  );
  mkdirSync(join(stateDir, 'prom-e2e'));
  prom = await startPromStack(join(stateDir, 'prom-e2e'), daemon.port);
}, 600_000);

afterAll(async () => {
  await daemon?.kill('SIGTERM');
  await prom?.stop();
  if (deployed) {
    const d = await cli('destroy', '--target', 'lab', '--lab', LAB, '--auto-approve');
    expect(d.code, d.stderr).toBe(0);
    // The audit trail: a commit and a confirm per device the deploy changed, one record for the
    // deploy and one for the destroy of this lab, and the chain verifies.
    const log = JSON.parse((await cli('--json', 'audit', 'log')).stdout) as Array<{ action: string; objects: string[]; result: string }>;
    const devices = (action: string) => log.filter((r) => r.action === action).map((r) => r.objects[0]);
    expect(devices('deploy.commit').length).toBeGreaterThan(1);
    expect(devices('deploy.confirm')).toEqual(devices('deploy.commit'));
    expect(log.filter((r) => r.action === 'deploy').map((r) => [r.objects[0], r.result])).toEqual([[`lab:${LAB}`, 'ok']]);
    expect(log.filter((r) => r.action === 'destroy').map((r) => [r.objects[0], r.result])).toEqual([[`lab:${LAB}`, 'ok']]);
    expect((await cli('audit', 'verify')).code).toBe(0);
  }
  expect(await findLeftovers(LAB, labPaths(stateDir, LAB).root)).toEqual({ namespaces: [], interfaces: [], processes: [] });
  rmSync(stateDir, { recursive: true, force: true });
}, 180_000);

const metric = async (name: string, labels: Record<string, string> = {}) => metricValue(await scrape(daemon.port), name, labels);

/** The daemon's debug log lines for link traps (pino JSON). */
function linkTraps(): Array<{ device: string; up: boolean; known?: string }> {
  return daemon
    .output()
    .split('\n')
    .filter((l) => l.includes('"link trap"'))
    .map((l) => JSON.parse(l) as { device: string; up: boolean; known?: string });
}

describe('deployed lab: link cut → fault → alert → recovery → KPIs', () => {
  it('runs the whole loop', { timeout: 300_000 }, async () => {
    await waitUntil(async () => (await prom.query(`stacks_link_up{link="${link.id}"}`))[0]?.value[1] === '1', 60_000, 'Prometheus sees the link up', 500);

    const down = await cli('lab', 'fault', 'link', link.cut, link.sensing, 'down', '--lab', LAB);
    expect(down.code, down.stderr).toBe(0);
    const t0 = Date.now(); // the cut is in place when the command returns

    const opened = await waitUntil(
      async () => {
        const list = JSON.parse((await cli('faults', '--open', '--json')).stdout) as Array<{ id: number; object: string; kind: string }>;
        return list.find((f) => f.object === `link:${link.id}`);
      },
      10_000,
      'fault open in `stacks faults`',
      300,
    );
    const faultMs = Date.now() - t0;
    expect(opened.kind).toBe('link-down');
    // snmpd's DisMan monitor on the sensing device sent linkDown to the daemon's trap receiver.
    const trap = await waitUntil(() => linkTraps().find((t) => t.device === link.sensing && !t.up), 10_000, 'linkDown trap from the sensing device', 200);
    expect(trap.known).toBeDefined();
    // …and so did the cut end, to its own sink (another address): the daemon hears every device.
    await waitUntil(() => linkTraps().find((t) => t.device === link.cut && !t.up), 10_000, 'linkDown trap from the cut end', 200);
    const targets = (await readLabTargets(stateDir, LAB))!.targets;
    const listening = daemon
      .output()
      .split('\n')
      .filter((l) => l.includes('"trap receiver listening"'))
      .map((l) => JSON.parse(l) as { listen: string[] })[0]!;
    expect(new Set(listening.listen)).toEqual(new Set(targets.map((t) => `${t.hostAddress}:${trapPort}`)));
    // A cut, not a shutdown: the link shows down and faulted in `stacks lab status`.
    const st = JSON.parse((await cli('lab', 'status', '--lab', LAB, '--json')).stdout) as { links: Array<{ link: string; state: string; faulted: boolean }> };
    expect(st.links.find((x) => x.link === link.id)).toMatchObject({ state: 'down', faulted: true });

    const alerts = await waitUntil(
      async () => (await prom.firing('StacksLinkDown')).length > 0 && (await prom.firing('StacksLinkDown')),
      30_000,
      'StacksLinkDown firing',
      500,
    );
    expect(alerts[0]!.labels).toMatchObject({ link: link.id });
    const alertMs = Date.now() - t0;

    const up = await cli('lab', 'fault', 'link', link.cut, link.sensing, 'up', '--lab', LAB);
    expect(up.code, up.stderr).toBe(0);
    const t1 = Date.now();
    const closed = await waitUntil(
      async () => {
        const list = JSON.parse((await cli('faults', '--json')).stdout) as Array<{ id: number; closedAt: number | null; durationMs: number | null }>;
        return list.find((f) => f.id === opened.id && f.closedAt !== null);
      },
      20_000,
      'fault closed',
      300,
    );
    const closeMs = Date.now() - t1;
    expect(closed.durationMs).toBeGreaterThan(0);
    await waitUntil(() => linkTraps().find((t) => t.device === link.sensing && t.up), 10_000, 'linkUp trap from the sensing device', 200);

    await waitUntil(async () => (await metric('stacks_faults_closed_total', { kind: 'link-down' })) === 1, 20_000, 'closed fault in /metrics', 500);
    // The ratios are recomputed on the daemon's KPI refresh, not on every fault event.
    await waitUntil(async () => (await metric('stacks_fixed_in_time_ratio', { window: '30d' })) === 1, 60_000, '3-hour rate in /metrics', 500);
    const uptime = await waitUntil(
      async () => {
        const v = await metric('stacks_uptime_ratio', { type: 'link', object: link.id, window: '30d' });
        return v !== undefined && v < 1 && v;
      },
      60_000,
      'link uptime below 1 in /metrics',
      500,
    );
    expect(uptime).toBeGreaterThan(0);
    await waitUntil(async () => (await prom.query(`stacks_link_up{link="${link.id}"}`))[0]?.value[1] === '1', 20_000, 'Prometheus sees the link up again', 500);

    const kpi = await cli('kpi', '--json');
    expect(kpi.code, kpi.stderr).toBe(0);
    const rows = JSON.parse(kpi.stdout) as Array<{ id: number; value: number | null; numerator?: number; denominator?: number }>;
    expect(rows.find((r) => r.id === 13)).toMatchObject({ numerator: 1, denominator: 1 });
    console.log(
      `e2e-lab: cut → fault ${faultMs} ms, → Prometheus alert ${alertMs} ms; link up → fault closed ${closeMs} ms; fault lasted ${closed.durationMs} ms; link uptime 30d ${uptime}`,
    );
  });
});
