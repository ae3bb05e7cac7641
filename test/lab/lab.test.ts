/**
 * The lab for real (root, real FRR, sshd, snmpd in network namespaces): deploy a 10-device scope,
 * converge, redeploy with no change, change one link, break one device on purpose and see it rolled
 * back, fault a link, verify, destroy — and leave nothing behind.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_INVENTORY_DIR } from '../../inventory/load.js';
import type { Topology } from '../../network/types.js';
import { deployLab, type DeployOptions } from '../../lab/deploy.js';
import { destroyLab, findLeftovers } from '../../lab/destroy.js';
import { planLab } from '../../lab/plan.js';
import { labStatus } from '../../lab/status.js';
import { faultLink } from '../../lab/fault.js';
import { verifyLab } from '../../lab/verify.js';
import { loadTarget } from '../../targets/registry.js';
import { renderLabConfig } from '../../lab/model.js';
import { labPaths } from '../../lab/names.js';
import { DeviceSession } from '../../lab/ssh.js';
import { runCli } from '../support/cli.js';

const SCOPE = 'cities=xian;counties=1;townships=2;datacenters=none';
const LAB = `t${process.pid % 100000}`;
const stateDir = mkdtempSync('/tmp/stx-labtest-');
chmodSync(stateDir, 0o755);
const base = { stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, lab: LAB, scope: SCOPE };
// Generous timers: the CI host is shared; a confirm timer must outlast the slowest check.
const deployOpts: Partial<DeployOptions> = { parallel: 4, confirmSeconds: 300, checkTimeoutMs: 90_000 };
const CHANGED_LINK = 'xian.xincheng.t01~up0';
const T1 = 'xian.xincheng.t01-r1';
const T2 = 'xian.xincheng.t02-r1';

/** The model after a change of one link: its rate (so its OSPF cost) drops to 100 Mbit/s. */
function withSlowerLink(t: Topology): Topology {
  const links = t.links.map((l) => (l.id === CHANGED_LINK ? { ...l, bandwidthMbps: 100 } : l));
  const devices = t.devices.map((d) => ({ ...d, interfaces: d.interfaces.map((i) => (i.link === CHANGED_LINK ? { ...i, bandwidthMbps: 100 } : i)) }));
  return { ...t, links, devices };
}
const changedCache = new WeakMap<Topology, Topology>();
const renderChanged = (t: Topology, id: string) => {
  if (!changedCache.has(t)) changedCache.set(t, withSlowerLink(t));
  return renderLabConfig(changedCache.get(t)!, id);
};

let destroyed = false;
async function assertNothingLeft(): Promise<void> {
  const left = await findLeftovers(LAB, labPaths(stateDir, LAB).root);
  expect(left).toEqual({ namespaces: [], interfaces: [], processes: [] });
}

beforeAll(() => {
  expect(process.getuid?.()).toBe(0); // the lab tests run as root (CI does): never skipped
});

afterAll(async () => {
  if (!destroyed) await destroyLab({ stateDir, lab: LAB });
  await assertNothingLeft();
  rmSync(stateDir, { recursive: true, force: true });
}, 120_000);

describe.sequential('lab on real FRR', () => {
  test('deploys a 10-device scope that converges over both families', { timeout: 400_000 }, async () => {
    const r = await deployLab({ ...base, ...deployOpts });
    expect(r.devices).toBe(10);
    expect(r.outcomes.filter((o) => o.action !== 'changed')).toEqual([]);
    expect(r.changed).toBe(10);
    expect(r.convergence?.converged).toBe(true);
    const s = await labStatus(base);
    expect(s.healthy).toBe(true);
    expect(s.devices.every((d) => d.ospf.full === d.ospf.expected && d.ospf6.full === d.ospf6.expected)).toBe(true);
  });

  test('every device answers SNMPv3 authPriv on its management address, as its rendered agent config states it', async () => {
    const t = await (await loadTarget('lab')).snmpTargets({ stateDir, inventoryDir: '', instance: LAB });
    expect(t?.targets).toHaveLength(10);
    const target = t!.targets.find((x) => x.device === T1)!;
    const s = t!.credentials!.get(T1)!;
    if (s.version !== 'v3') throw new Error('the rendered poller is SNMPv3');
    expect(s.user).toBe('noc');
    // snmpget reads the keys from a 0600 file (-C c): never on its command line
    const conf = join(stateDir, 'snmp.conf');
    writeFileSync(conf, `defAuthPassphrase ${s.authKey}\ndefPrivPassphrase ${s.privKey}\n`, { mode: 0o600 });
    const out = execFileSync(
      'snmpget',
      [
        '-m',
        '',
        '-v3',
        '-l',
        'authPriv',
        '-u',
        s.user,
        '-a',
        'SHA',
        '-x',
        'AES',
        '-On',
        '-r',
        '2',
        '-t',
        '3',
        `udp:${target.address}:${target.port}`,
        '1.3.6.1.2.1.1.5.0',
      ],
      { encoding: 'utf8', env: { ...process.env, SNMPCONFPATH: stateDir, SNMP_PERSISTENT_DIR: stateDir } },
    );
    rmSync(conf);
    expect(out).toContain('xian-xincheng-t01-r1');
  });

  test('management plane: beyond loopback only sshd listens on TCP; the FRR vty answers on 127.0.0.1 alone', async () => {
    const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.split(' ')[0]!)
      .filter((n) => n.startsWith(`stx-${LAB}-`));
    expect(namespaces.length).toBeGreaterThanOrEqual(10);
    const exposed: string[] = [];
    let vty = 0;
    for (const ns of namespaces) {
      // ss -H -ltnp: "LISTEN 0 4096 127.0.0.1:2601 0.0.0.0:* users:(("zebra",pid=…))"
      for (const line of execFileSync('ip', ['netns', 'exec', ns, 'ss', '-H', '-ltnp'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
        const local = line.split(/\s+/)[3]!;
        const port = Number(local.slice(local.lastIndexOf(':') + 1));
        const addr = local.slice(0, local.lastIndexOf(':'));
        if (port >= 2601 && port <= 2620) vty++;
        if (/^(127\.0\.0\.1|\[::1\])$/.test(addr)) continue;
        if (port === 22 && /"sshd"/.test(line)) continue;
        exposed.push(`${ns}: ${line.trim()}`);
      }
    }
    expect(vty).toBeGreaterThan(0); // the vty ports are there, on loopback
    expect(exposed).toEqual([]);
  });

  test('SSH refuses a device whose host key differs from the pinned one', async () => {
    const state = JSON.parse(readFileSync(labPaths(stateDir, LAB).state, 'utf8')) as { devices: Record<string, { mgmt: { device: string }; hostKey: string }> };
    const key = readFileSync(labPaths(stateDir, LAB).deployKey);
    const t1 = state.devices[T1]!;
    const other = state.devices[T2]!.hostKey; // a real key, but another device's
    await expect(DeviceSession.connect({ device: T1, host: t1.mgmt.device, privateKey: key, pinnedHostKey: other })).rejects.toMatchObject({
      code: 'E_LAB_HOSTKEY',
    });
    const ok = await DeviceSession.connect({ device: T1, host: t1.mgmt.device, privateKey: key, pinnedHostKey: t1.hostKey });
    expect((await ok.exec('hostname -I >/dev/null; echo ok')).stdout.trim()).toBe('ok');
    ok.close();
  });

  test('a second deploy reports 0 changes', { timeout: 120_000 }, async () => {
    const r = await deployLab({ ...base, ...deployOpts });
    expect(r.changed).toBe(0);
    expect(r.unchanged).toBe(10);
  });

  test('plan --target lab --detailed-exitcode: 0 on the deployed lab, 2 for a wider scope', { timeout: 120_000 }, async () => {
    const plan = ['--inventory', DEFAULT_INVENTORY_DIR, '--state-dir', stateDir, 'plan', '--target', 'lab', '--lab', LAB, '--detailed-exitcode'];
    const same = await runCli(plan);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/0 to create, 0 to update, 0 to remove, 10 unchanged/);
    // one more township under the same county: only it is created (the county's config has every downlink already)
    const wider = await runCli([...plan, '--scope', SCOPE.replace('townships=2', 'townships=3')]);
    expect(wider.code, wider.stderr).toBe(2);
    expect(wider.stdout).toMatch(/\+ xian\.xincheng\.t03-r1 \(create\)\n.*: 1 to create, 0 to update, 0 to remove, 10 unchanged/);
  });

  test('a changed link shows in plan, deploys, and leaves nothing to plan', { timeout: 300_000 }, async () => {
    const plan = await planLab({ ...base, render: renderChanged });
    const updates = plan.devices.filter((d) => d.action === 'update');
    expect(updates.map((d) => d.device).sort()).toEqual(['xian.xincheng-r1', T1]);
    expect(updates[0]!.diff.some((l) => /^[-+]\s*ip ospf cost/.test(l))).toBe(true);
    const r = await deployLab({ ...base, ...deployOpts, render: renderChanged });
    expect(
      r.outcomes
        .filter((o) => o.action === 'changed')
        .map((o) => o.device)
        .sort(),
    ).toEqual(['xian.xincheng-r1', T1]);
    expect(r.rolledBack + r.failed).toBe(0);
    expect(r.convergence?.converged).toBe(true);
    expect((await planLab({ ...base, render: renderChanged })).summary.update).toBe(0);
  });

  test('Ctrl-C mid-deploy leaves a state from which the next deploy completes', { timeout: 300_000 }, async () => {
    // Undo the link change, but interrupt as soon as the first device commits.
    const controller = new AbortController();
    const r = await deployLab({
      ...base,
      ...deployOpts,
      signal: controller.signal,
      onEvent: (e) => e.kind === 'device' && e.step === 'commit' && controller.abort(),
    });
    expect(r.interrupted).toBe(true);
    expect(r.changed).toBeLessThan(2);
    const plan = await planLab(base);
    expect(plan.summary.update).toBeGreaterThan(0);
    const resumed = await deployLab({ ...base, ...deployOpts });
    expect(resumed.interrupted).toBe(false);
    expect(resumed.changed + r.changed).toBe(2);
    expect(resumed.convergence?.converged).toBe(true);
    expect((await planLab(base)).summary.update).toBe(0);
  });

  test('a commit that kills OSPF on one device is rolled back; the others keep theirs', { timeout: 300_000 }, async () => {
    const broken = (device: string, config: string) =>
      device === T2
        ? config
            .split('\n')
            .filter((l) => !/^\s*ipv?6? ?ospf6? area|^\s*ip ospf area/.test(l))
            .join('\n')
        : config;
    const r = await deployLab({ ...base, ...deployOpts, checkTimeoutMs: 20_000, candidateOverride: broken });
    expect(r.outcomes.find((o) => o.device === T2)?.action).toBe('rolled-back');
    expect(r.outcomes.filter((o) => o.device !== T2).every((o) => o.action === 'unchanged')).toBe(true);
    const running = execFileSync('vtysh', ['--vty_socket', labPaths(stateDir, LAB).device(T2).run, '-c', 'show running-config'], { encoding: 'utf8' });
    expect(running).toMatch(/ip ospf area/);
    const again = await deployLab({ ...base, ...deployOpts });
    expect(again.changed).toBe(0);
  });

  test('a link fault takes the link down and back up; the dual-homed township still verifies', { timeout: 200_000 }, async () => {
    await faultLink(base, T1, 'xian.xincheng-r1', 'down');
    let s = await labStatus(base);
    expect(s.links.find((l) => l.link === CHANGED_LINK)).toMatchObject({ state: 'down', faulted: true });
    const report = await verifyLab(base);
    expect(report.summary.passed).toBe(true);
    await faultLink(base, T1, 'xian.xincheng-r1', 'up');
    s = await labStatus(base);
    expect(s.links.find((l) => l.link === CHANGED_LINK)).toMatchObject({ state: 'up', faulted: false });
  });

  test('verify --target lab: every township reaches the core and the internet over both families', { timeout: 200_000 }, async () => {
    const report = await verifyLab(base);
    expect(report.checks.map((c) => [c.id, c.family, c.passed])).toEqual([
      ['lab.reach.core', 'ipv4', true],
      ['lab.reach.core', 'ipv6', true],
      ['lab.reach.exit', 'ipv4', true],
      ['lab.reach.exit', 'ipv6', true],
    ]);
  });

  test('destroy removes every namespace, interface and process', { timeout: 120_000 }, async () => {
    const r = await destroyLab({ stateDir, lab: LAB });
    destroyed = true;
    expect(r.namespaces).toBe(14); // 10 devices, the internet, and the LAN switch of each of the 3 dual-router sites (VRRP)
    await assertNothingLeft();
  });
});
