/**
 * One lab (root, real FRR, sshd, snmpd) whose state dir lives under root's home — where a newcomer
 * working as root clones the project — so the lab must not hide it (it once mounted an empty home
 * over /root inside each device and sshd could not open its log). On it:
 * - the FRR driver's getters (facts, interfaces, OSPF/OSPFv3 neighbours with uptime, BFD, VRRP);
 * - a one-link cost change on a county router is applied as a difference: every adjacency of that
 *   router keeps its uptime, and a ping across an untouched link loses nothing during the commit;
 * - `stacks drift` exits 2 with the drifted device in its --json, 0 once the lab runs its intent;
 * - `stacks deploy` killed with SIGKILL mid-commit: the device's own confirm timer rolls it back to
 *   its confirmed config, and the next `stacks deploy` resumes; four `stacks deploy` at once: one
 *   runs, the others exit with the lock error, and none of them touches the secret store;
 * - drift: none after a deploy; a hand edit on a router shows, naming the device, and keeps its
 *   site out of indicator 1 (the merge, read from the running configs).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { deployLab, type DeployOptions } from '../../lab/deploy.js';
import { destroyLab, findLeftovers } from '../../lab/destroy.js';
import { renderLabConfig } from '../../lab/model.js';
import { labPaths, deviceNs } from '../../lab/names.js';
import { DeviceSession } from '../../lab/ssh.js';
import { labDriver } from '../../lab/driver.js';
import type { BfdPeer, ConfigDriver, OspfNeighbour } from '../../drivers/types.js';
import { loadTarget } from '../../targets/registry.js';
import { kpiReport } from '../../monitors/kpi-report.js';
import { DEFAULT_INVENTORY_DIR, loadInventory } from '../../inventory/load.js';
import type { Topology } from '../../network/types.js';
import { secretStoreFile } from '../../lib/secret-refs.js';
import { lockHolder } from '../../lib/lock.js';
import { BIN, runCli } from '../support/cli.js';
import { interfacesToward, passiveOn } from '../support/passive-toward.js';
import { waitBfdUp } from '../support/bfd.js';

const SCOPE = 'cities=xian;counties=1;townships=2;datacenters=none';
const LAB = `p${process.pid % 10000}`;
// Under root's home ($HOME as root): the case CI cannot see when it runs from /tmp or /work.
const stateDir = mkdtempSync(join(homedir(), '.stx-home-test-'));
const base = { stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, lab: LAB, scope: SCOPE };
const deployOpts: Partial<DeployOptions> = { parallel: 4, confirmSeconds: 300, checkTimeoutMs: 90_000 };
const COUNTY = 'xian.xincheng-r1';
const COUNTY_PEER = 'xian.xincheng-r2';

function withCost(config: string, iface: string, cost: number): string {
  const lines = config.split('\n');
  const at = lines.indexOf(`interface ${iface}`);
  const i = lines.findIndex((l, n) => n > at && /^ ip ospf cost /.test(l));
  lines[i] = ` ip ospf cost ${cost}`;
  return lines.join('\n');
}

async function driverOf(device: string): Promise<{ drv: ConfigDriver; close: () => void }> {
  const paths = labPaths(stateDir, LAB);
  const state = JSON.parse(readFileSync(paths.state, 'utf8')) as { devices: Record<string, { mgmt: { device: string }; hostKey: string }> };
  const session = await DeviceSession.connect({
    device,
    host: state.devices[device]!.mgmt.device,
    privateKey: readFileSync(paths.deployKey),
    pinnedHostKey: state.devices[device]!.hostKey,
  });
  return { drv: labDriver(session), close: () => session.close() };
}

/** Ping every 20 ms from `ns` to `address` until stopped; resolves with sent and received. */
function pingDuring(ns: string, address: string): { stop: () => Promise<{ sent: number; received: number }> } {
  const child = spawn('ip', ['netns', 'exec', ns, 'ping', '-n', '-i', '0.02', address], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const closed = new Promise<void>((r) => child.on('close', () => r()));
  return {
    stop: async () => {
      child.kill('SIGINT');
      await closed;
      const m = /(\d+) packets transmitted, (\d+) received/.exec(out);
      return { sent: Number(m?.[1] ?? 0), received: Number(m?.[2] ?? 0) };
    },
  };
}

const full = (ns: OspfNeighbour[]) => ns.filter((n) => n.state.startsWith('Full'));
const key = (n: OspfNeighbour) => `${n.family} ${n.routerId} ${n.interface}`;
/** A device's sessions that are up, by peer: OSPF's adjacencies and BFD's sessions, each with its uptime. */
async function uptimes(drv: ConfigDriver): Promise<Map<string, number>> {
  const bfd = (await drv.getBfdPeers()).filter((p: BfdPeer) => p.status === 'up').map((p) => [`bfd ${p.peer} ${p.interface ?? ''}`, p.uptimeSeconds] as const);
  return new Map([...full(await drv.getOspfNeighbours()).map((n) => [`ospf ${key(n)}`, n.uptimeSeconds] as const), ...bfd]);
}
const cli = (...args: string[]) => runCli(['--state-dir', stateDir, '--json', ...args], { timeoutMs: 300_000 });

beforeAll(() => {
  expect(process.getuid?.()).toBe(0); // the lab tests run as root (CI does): never skipped
  expect(stateDir.startsWith(homedir())).toBe(true);
});

afterAll(async () => {
  await destroyLab({ stateDir, lab: LAB });
  expect(await findLeftovers(LAB, labPaths(stateDir, LAB).root)).toEqual({ namespaces: [], interfaces: [], processes: [] });
  rmSync(stateDir, { recursive: true, force: true });
}, 120_000);

describe.sequential("lab with its state dir under root's home; commits that change only the difference", () => {
  test("deploys and converges; each device's sshd logs into the state dir", { timeout: 400_000 }, async () => {
    const r = await deployLab({ ...base, ...deployOpts });
    expect(r.outcomes.filter((o) => o.action !== 'changed')).toEqual([]);
    expect(r.convergence?.converged).toBe(true);
    expect(existsSync(join(labPaths(stateDir, LAB).device(COUNTY).ssh, 'sshd.log'))).toBe(true);
  });

  test('the FRR driver reads facts, interfaces, neighbours with uptime, BFD and VRRP', async () => {
    const { drv, close } = await driverOf(COUNTY);
    try {
      const facts = await drv.getFacts();
      expect(facts.hostname).toBe('xian-xincheng-r1');
      expect(facts.vendor).toBe('FRRouting');
      expect(facts.osVersion).toMatch(/^\d+\.\d+/);
      const ifs = await drv.getInterfaces();
      // facts and interfaces read the same device: the same names (the downlinks among them)
      expect(facts.interfaces).toEqual(ifs.map((i) => i.name).sort());
      expect(facts.interfaces).toEqual(expect.arrayContaining(['d1', 'd2']));
      expect(ifs.find((i) => i.name === 'd1')).toMatchObject({ up: true });
      // right after the deploy an adjacency may still be in Loading: give OSPF a few seconds to settle
      let nbrs = full(await drv.getOspfNeighbours());
      for (let i = 0; i < 30 && nbrs.length < 8; i++) {
        await new Promise((r) => setTimeout(r, 500));
        nbrs = full(await drv.getOspfNeighbours());
      }
      // up0 (a county's r1 has one uplink, to the city's r1), peer0, d1, d2 — over OSPFv2 and OSPFv3
      expect(
        nbrs
          .filter((n) => n.family === 'ipv4')
          .map((n) => n.interface)
          .sort(),
      ).toEqual(['d1', 'd2', 'peer0', 'up0']);
      expect(
        nbrs
          .filter((n) => n.family === 'ipv6')
          .map((n) => n.interface)
          .sort(),
      ).toEqual(['d1', 'd2', 'peer0', 'up0']);
      expect(nbrs.every((n) => n.uptimeSeconds > 0)).toBe(true);
      // bfdd runs in the lab: one BFD session per adjacency and family (render feature bfd.ts)
      const bfdUp = await waitBfdUp(drv, 4);
      expect(bfdUp).toBeGreaterThanOrEqual(4);
      // a dual-router county: its LAN gateway is one VRRP group per family, r1 (the higher priority) the master
      const vrrp = await drv.getVrrpGroups();
      expect(vrrp.map((g) => `${g.family} ${g.interface} ${g.vrid} ${g.state}`).sort()).toEqual(['ipv4 lan0 1 Master', 'ipv6 lan0 1 Master']);
      expect(await drv.hasPendingCommit()).toBe(false);
    } finally {
      close();
    }
  });

  test('a cost change on one link of a county router resets no adjacency and drops no ping', { timeout: 300_000 }, async () => {
    const { drv, close } = await driverOf(COUNTY);
    // Four OSPFv2 and four OSPFv3 adjacencies, and a BFD session under each. A BFD session can come up
    // a few seconds after its adjacency (CI saw d1's IPv6 session missing here and up after the
    // commit): wait until every session is up, so `before` holds all of them and `after` can be compared.
    let before = await uptimes(drv);
    const sessions = (m: Map<string, number>) => [...m.keys()].filter((k) => k.startsWith('bfd ')).length;
    for (let i = 0; i < 60 && sessions(before) < 8; i++) {
      await new Promise((r) => setTimeout(r, 500));
      before = await uptimes(drv);
    }
    close();
    expect(sessions(before), [...before.keys()].join(', ')).toBe(8);
    const topo = (await import('../../lab/model.js')).loadLabModel;
    const scoped = await topo(DEFAULT_INVENTORY_DIR, SCOPE);
    const peerLink = scoped.links.find((l) => (l.a.device === COUNTY && l.b.device === COUNTY_PEER) || (l.b.device === COUNTY && l.a.device === COUNTY_PEER))!;
    const peerEnd = peerLink.a.device === COUNTY_PEER ? peerLink.a : peerLink.b;
    const ping = pingDuring(deviceNs(LAB, COUNTY), peerEnd.ipv4.split('/')[0]!);
    const started = Date.now();
    const render = (t: Topology, id: string) => (id === COUNTY ? withCost(renderLabConfig(t, id), 'd1', 777) : renderLabConfig(t, id));
    const r = await deployLab({ ...base, ...deployOpts, render });
    const elapsed = (Date.now() - started) / 1000;
    await new Promise((res) => setTimeout(res, 500));
    const loss = await ping.stop();
    const changed = r.outcomes.filter((o) => o.action !== 'unchanged');
    expect(changed).toMatchObject([{ device: COUNTY, action: 'changed', commit: 'incremental' }]);
    expect(loss.sent).toBeGreaterThan(10);
    expect(loss.received).toBe(loss.sent);
    const again = await driverOf(COUNTY);
    try {
      const after = await uptimes(again.drv);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      // uptime only grew: none of the adjacencies or BFD sessions (the changed link's included) went down
      for (const [k, up] of before) expect(after.get(k)!, k).toBeGreaterThanOrEqual(up + elapsed - 2);
      expect(await again.drv.getConfig('running')).toMatch(/ip ospf cost 777/);
      expect(await again.drv.hasPendingCommit()).toBe(false);
    } finally {
      again.close();
    }
  });

  test("stacks drift: exit 2 and the drifted device in --json (the cost change above is deployed, not the inventory's)", { timeout: 120_000 }, async () => {
    const r = await cli('drift', '--target', 'lab', '--lab', LAB);
    expect(r.code, r.stderr).toBe(2);
    const doc = JSON.parse(r.stdout) as {
      target: string;
      instance: string;
      drifted: string[];
      devices: Array<{ device: string; commands: string[]; error?: string }>;
    };
    expect(doc).toMatchObject({ target: 'lab', instance: LAB, drifted: [COUNTY] });
    expect(doc.devices.filter((d) => d.error)).toEqual([]);
    expect(doc.devices.find((d) => d.device === COUNTY)!.commands.join('\n')).toMatch(/ip ospf cost/);
  });

  test('stacks deploy killed with SIGKILL mid-commit: the device rolls itself back to its confirmed config; the next deploy resumes', {
    timeout: 300_000,
  }, async () => {
    const paths = labPaths(stateDir, LAB);
    const timerFile = (id: string) => join(paths.device(id).etc, 'confirm.pid');
    const devices = Object.keys((JSON.parse(readFileSync(paths.state, 'utf8')) as { devices: Record<string, unknown> }).devices);
    const CONFIRM_S = 8;
    // the deploy puts the county back on its intent (cost 777 → the inventory's): a one-device commit
    const child = spawn(process.execPath, [BIN, '--state-dir', stateDir, 'deploy', '--lab', LAB, '--auto-approve', '--confirm-timeout', String(CONFIRM_S)], {
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    // the device's /etc/frr is this folder: the timer's pid file shows the moment the commit is armed
    const deadline = Date.now() + 120_000;
    while (!existsSync(timerFile(COUNTY)) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    expect(existsSync(timerFile(COUNTY))).toBe(true);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    // no confirm comes: the device's own timer fires and restores the confirmed config
    while ((existsSync(timerFile(COUNTY)) || existsSync(join(paths.device(COUNTY).etc, 'confirm.fired'))) && Date.now() < killedAt + 60_000)
      await new Promise((r) => setTimeout(r, 200));
    expect(Date.now() - killedAt).toBeGreaterThan((CONFIRM_S - 1) * 1000);
    expect(devices.filter((id) => existsSync(timerFile(id)))).toEqual([]);
    const { drv, close } = await driverOf(COUNTY);
    try {
      expect(await drv.hasPendingCommit()).toBe(false);
      expect(await drv.getConfig('running')).toMatch(/ip ospf cost 777/);
    } finally {
      close();
    }
    // the next deploy finds the interrupted commit and finishes it
    const r = await cli('deploy', '--lab', LAB, '--auto-approve');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { outcomes: Array<{ device: string; action: string }>; failed: number; rolledBack: number };
    expect(result.outcomes.filter((o) => o.action !== 'unchanged')).toMatchObject([{ device: COUNTY, action: 'changed' }]);
    const again = await driverOf(COUNTY);
    try {
      expect(await again.drv.getConfig('running')).not.toMatch(/ip ospf cost 777/);
    } finally {
      again.close();
    }
    const none = await cli('drift', '--target', 'lab', '--lab', LAB);
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout)).toMatchObject({ drifted: [] });
  });

  test('four stacks deploy at once: exactly one runs, the others exit with the lock error and leave the secret store alone', { timeout: 300_000 }, async () => {
    const store = secretStoreFile(stateDir);
    const before = { text: readFileSync(store, 'utf8'), mtime: statSync(store).mtimeMs };
    const runs = await Promise.all([0, 1, 2, 3].map(() => cli('deploy', '--lab', LAB, '--auto-approve', '--refresh')));
    const ran = runs.filter((r) => r.code === 0);
    const refused = runs.filter((r) => r.code !== 0);
    expect(ran.length, runs.map((r) => `${r.code} ${r.stdout.slice(0, 300)}`).join('\n')).toBe(1);
    expect(refused.map((r) => r.code)).toEqual([3, 3, 3]);
    for (const r of refused) expect(`${r.stdout}${r.stderr}`).toMatch(/E_LAB_LOCKED/);
    expect({ text: readFileSync(store, 'utf8'), mtime: statSync(store).mtimeMs }).toEqual(before);
  });

  test('drift: none on a deployed lab; a hand edit shows on that device alone', { timeout: 120_000 }, async () => {
    const lab = await loadTarget('lab');
    const ctx = { stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, instance: LAB };
    expect((await lab.drift(ctx)).filter((d) => d.commands.length || d.error)).toEqual([]);
    const { drv, close } = await driverOf(COUNTY_PEER);
    await drv.exec(`vtysh -c 'conf t' -c 'interface peer0' -c 'ip ospf cost 4242'`);
    close();
    const drifted = (await lab.drift(ctx)).filter((d) => d.commands.length);
    expect(drifted.map((d) => d.device)).toEqual([COUNTY_PEER]);
    expect(drifted[0]!.commands.join('\n')).toMatch(/interface peer0\n\s*ip ospf cost \d+/);
    // indicator 1 reads the same running configs: the hand-edited county is not on the merged backbone
    const merge = async () =>
      (await kpiReport(await loadInventory(DEFAULT_INVENTORY_DIR), undefined, { securityWindowMs: 86_400_000, stateDir, runningConfigsOf: LAB })).find(
        (r) => r.id === 1,
      )!;
    const during = await merge();
    expect(during).toMatchObject({ basis: 'live', status: 'ok', detail: { drifted_sites: ['xian.xincheng'], unread_sites: [] } });
    const deployedSites = (during.detail as { deployed_sites: number }).deployed_sites;
    expect(deployedSites).toBeGreaterThan(3);
    expect(during.numerator).toBe(deployedSites - 1);
    // the commands drift prints put the router back
    const fix = await driverOf(COUNTY_PEER);
    await fix.drv.exec('cat > /var/tmp/fix.vtysh && vtysh -f /var/tmp/fix.vtysh', drifted[0]!.commands.join('\n') + '\n');
    fix.close();
    expect((await lab.drift(ctx)).filter((d) => d.commands.length)).toEqual([]);
    expect((await merge()).numerator).toBe(deployedSites);
  });

  test('atomic: a change that cuts a township off only when both county routers make it is refused by the config gate, and without it rolled back on both; nothing else moves', {
    timeout: 300_000,
  }, async () => {
    const scoped = await (await import('../../lab/model.js')).loadLabModel(DEFAULT_INVENTORY_DIR, SCOPE);
    const township = 'xian.xincheng.t01-r1';
    // each county router's interface toward the township: passive there, no adjacency
    const towards = interfacesToward(scoped.links, township, [COUNTY, COUNTY_PEER]);
    expect(towards.size).toBe(2);
    const passive = (device: string, config: string) => passiveOn(config, towards.get(device));
    const bystander = 'xian-r1';
    const { drv, close } = await driverOf(bystander);
    const before = new Map(full(await drv.getOspfNeighbours()).map((n) => [key(n), n.uptimeSeconds]));
    const started = Date.now();
    // The config verifier sees it coming: with its gate on (the default), nothing is committed at all.
    const refused = await deployLab({ ...base, ...deployOpts, checkTimeoutMs: 8000, atomic: true, canary: 1, candidateOverride: passive });
    expect(refused.stages).toEqual([]);
    expect(
      refused.outcomes
        .filter((o) => o.action !== 'unchanged')
        .map((o) => [o.device, o.action])
        .sort(),
    ).toEqual([
      [COUNTY, 'failed'],
      [COUNTY_PEER, 'failed'],
    ]);
    const reason = refused.outcomes.find((o) => o.device === COUNTY)!.reason!;
    expect(reason).toMatch(/^config verify: the change adds \d+ finding/);
    expect(reason).toContain(township);
    // With the gate off, the live checks catch it.
    // canary 1: the first county router alone passes (the township still has its other uplink), then both together fail
    const r = await deployLab({ ...base, ...deployOpts, checkTimeoutMs: 8000, atomic: true, canary: 1, candidateOverride: passive, configGate: false });
    expect(r.stages?.map((s) => s.ok)).toEqual([true, false]);
    expect(
      r.outcomes
        .filter((o) => o.action === 'rolled-back')
        .map((o) => o.device)
        .sort(),
    ).toEqual([COUNTY, COUNTY_PEER]);
    expect(r.outcomes.filter((o) => o.action === 'changed' || o.action === 'failed')).toEqual([]);
    // nothing else moved: a bystander's adjacencies kept their uptime; the rolled-back routers run their intent again
    const after = new Map(full(await drv.getOspfNeighbours()).map((n) => [key(n), n.uptimeSeconds]));
    close();
    const elapsed = (Date.now() - started) / 1000;
    for (const [k, up] of before) expect(after.get(k)!, k).toBeGreaterThanOrEqual(up + elapsed - 2);
    // the failed gate let go of the lab's deploy lock: its holder note is cleared (the file itself stays, lib/lock.ts)
    expect(lockHolder(labPaths(stateDir, LAB).lock)).toBeUndefined();
    const lab = await loadTarget('lab');
    expect((await lab.drift({ stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, instance: LAB })).filter((d) => d.commands.length)).toEqual([]);
    const again = await deployLab({ ...base, ...deployOpts });
    expect(again.changed).toBe(0);
  });
});
