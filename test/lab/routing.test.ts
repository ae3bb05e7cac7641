/**
 * Routing on real FRR (root: namespaces, zebra/ospfd/ospf6d per device), one small lab for the file:
 * the province core, both exits, the internet namespace and one county + township chain.
 * - the deploy's syntax gate refuses a candidate FRR does not parse before anything exists;
 * - the differential check: each device's RIB computed from its committed config equals FRR's own,
 *   both families (routes, next hops, metrics);
 * - the exit failover of issue 10: with exit1's upstream held down the township reaches the upstream
 *   through exit2 in both families within seconds, and through exit1 again after the release;
 * - a no-op deploy leaves the exits' nftables guards as they run (counters kept); one removed by
 *   hand is applied again by the next deploy;
 * - and the same check fails with the old `always` default restored (the loop the issue found).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { DEFAULT_INVENTORY_DIR } from '../../inventory/load.js';
import type { Family } from '../../network/types.js';
import { deployLab, openLab, type DeployOptions } from '../../lab/deploy.js';
import { destroyLab, findLeftovers } from '../../lab/destroy.js';
import { faultLink } from '../../lab/fault.js';
import { labPaths, deviceNs, internetNs } from '../../lab/names.js';
import { listNamespaces } from '../../lab/realize.js';
import { parseTraceroute } from '../../lab/verify.js';
import { renderLabConfig } from '../../lab/model.js';
import { run } from '../../lab/shell.js';
import { exitGuardCounters } from '../../lab/host/exit-guard.js';
import { connect, listen } from '../support/tcp-probe.js';
import { compareLabRibs } from '../../lab/rib-compare.js';

const SCOPE = 'cities=xian;counties=1;townships=1;datacenters=none';
const LAB = `d${process.pid % 10000}`;
const TOWNSHIP = 'xian.xincheng.t01-r1';
const stateDir = mkdtempSync('/tmp/stx-routing-');
chmodSync(stateDir, 0o755);
const base = { stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, lab: LAB, scope: SCOPE };
const deployOpts: Partial<DeployOptions> = { parallel: 4, confirmSeconds: 300, checkTimeoutMs: 90_000 };

/** The exits' configs as they were before issue 10: the default originated `always`, unconditioned. */
const renderAlways = (t: Parameters<typeof renderLabConfig>[0], id: string) =>
  renderLabConfig(t, id).replace(
    / default-information originate metric (\d+) metric-type 2( route-map \S+)?/g,
    ' default-information originate always metric $1 metric-type 2',
  );

/** An IPv4 address within first..last (the exit's source NAT pool). */
const inPool = (address: string, first: string, last: string) => {
  const n = (a: string) => a.split('.').reduce((v, o) => v * 256 + Number(o), 0);
  return /^\d+\.\d+\.\d+\.\d+$/.test(address) && n(address) >= n(first) && n(address) <= n(last);
};

let exits: { upstream: Record<Family, string>; address: Record<'exit1' | 'exit2', Set<string>> };

interface PathProbe {
  reached: boolean;
  hops: string[];
}

async function probe(family: Family): Promise<PathProbe> {
  const ns = deviceNs(LAB, TOWNSHIP);
  const fam = family === 'ipv4' ? '-4' : '-6';
  const target = exits.upstream[family];
  const ping = await run('ip', ['netns', 'exec', ns, 'ping', fam, '-c', '1', '-W', '1', '-q', target], { allowFail: true });
  if (ping.code !== 0) return { reached: false, hops: [] };
  const trace = await run('ip', ['netns', 'exec', ns, 'traceroute', fam, '-n', '-q', '1', '-w', '1', '-m', '10', target], { allowFail: true });
  const hops = parseTraceroute(trace.stdout);
  return { reached: hops.at(-1) === target, hops };
}

const via = (p: PathProbe, exit: 'exit1' | 'exit2') =>
  p.reached && p.hops.some((h) => exits.address[exit].has(h)) && !p.hops.some((h) => exits.address[exit === 'exit1' ? 'exit2' : 'exit1'].has(h));

/** Seconds until the township reaches the upstream through `exit` in both families, or undefined at the deadline. */
async function secondsUntilVia(exit: 'exit1' | 'exit2', deadlineSeconds: number): Promise<{ seconds?: number; at?: number; last: Record<Family, PathProbe> }> {
  const started = Date.now();
  let last = {} as Record<Family, PathProbe>;
  for (;;) {
    // a probe that passes shows the path worked when its pings were sent: time it from its start
    const at = Date.now();
    last = { ipv4: await probe('ipv4'), ipv6: await probe('ipv6') };
    if (via(last.ipv4, exit) && via(last.ipv6, exit)) return { seconds: (at - started) / 1000, at, last };
    if (Date.now() - started > deadlineSeconds * 1000) return { last };
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * When the internet namespace's end of exit1's hand-off goes down (polled every 50 ms while the
 * fault command runs), so failover is timed from the cut itself, not from the command's start.
 */
async function watchUpstream(wantUp: boolean): Promise<number> {
  for (;;) {
    const r = await run('ip', ['-j', '-n', internetNs(LAB), 'link', 'show', 'exit1'], { allowFail: true });
    const flags = (JSON.parse(r.stdout || '[]') as Array<{ flags?: string[] }>)[0]?.flags ?? [];
    if (flags.includes('UP') === wantUp) return Date.now();
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** The differential check, repeated for a few seconds while OSPF settles after a change. */
async function compareUntilEqual(seconds = 15) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const r = await compareLabRibs(base);
    if (r.comparison.mismatches.length === 0 || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 1000));
  }
}

beforeAll(() => {
  expect(process.getuid?.()).toBe(0); // real namespaces and FRR: CI runs as root, never skipped
});

afterAll(async () => {
  await destroyLab({ stateDir, lab: LAB });
  expect(await findLeftovers(LAB, labPaths(stateDir, LAB).root)).toEqual({ namespaces: [], interfaces: [], processes: [] });
  rmSync(stateDir, { recursive: true, force: true });
}, 120_000);

describe.sequential('routing on real FRR', () => {
  test('the syntax gate refuses a candidate FRR cannot parse, naming device and line, before anything exists', { timeout: 120_000 }, async () => {
    const broken = (device: string, config: string) =>
      device === TOWNSHIP ? config.replace(' ip ospf network point-to-point', ' ip ospf netwrk point-to-point') : config;
    const err = await deployLab({ ...base, ...deployOpts, candidateOverride: broken }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_FRR_SYNTAX', kind: 'policy' });
    const text = renderLabConfig((await openLab(base)).scoped.topology, TOWNSHIP).replace(' ip ospf network point-to-point', ' ip ospf netwrk point-to-point');
    const line = text.split('\n').findIndex((l) => l.includes('netwrk')) + 1;
    expect((err as Error).message).toContain(`${TOWNSHIP} ${labPaths(stateDir, LAB).device(TOWNSHIP).etc}/candidate.conf:${line}: % Unknown command`);
    expect((await listNamespaces()).filter((n) => n.startsWith(`stx-${LAB}-`))).toEqual([]);
    expect(existsSync(labPaths(stateDir, LAB).state)).toBe(false);
  });

  test('deploys the core, both exits, the internet and one county + township chain', { timeout: 400_000 }, async () => {
    const r = await deployLab({ ...base, ...deployOpts });
    expect(r.devices).toBe(9);
    expect(r.failed + r.rolledBack).toBe(0);
    expect(r.convergence?.converged).toBe(true);
    const { scoped } = await openLab(base);
    const t = scoped.topology;
    const addressesOf = (id: string) =>
      new Set(
        scoped.devices
          .find((d) => d.id === id)!
          .interfaces.flatMap((i) => [i.ipv4, i.ipv6])
          .filter((a): a is string => !!a)
          .map((a) => a.split('/')[0]!),
      );
    exits = { upstream: t.exit.upstream, address: { exit1: addressesOf(t.exit.primary), exit2: addressesOf(t.exit.standby) } };
    const before = { ipv4: await probe('ipv4'), ipv6: await probe('ipv6') };
    expect(via(before.ipv4, 'exit1'), before.ipv4.hops.join(' → ')).toBe(true);
    expect(via(before.ipv6, 'exit1'), before.ipv6.hops.join(' → ')).toBe(true);
  });

  // The differential check: every device's RIB computed from its committed config (over the lab's
  // wiring) equals FRR's own, both families, prefix by prefix, next hop by next hop, metric by metric.
  // Where FRR 8.4's ospf6d keeps one ABR's path of several equal ones, or a subset of equal-cost
  // paths (DialectBehaviour in network/verify/config/model.ts), the check allows exactly that.
  test("the differential check: every device's computed RIB equals FRR's own, both families", { timeout: 120_000 }, async () => {
    const r = await compareUntilEqual(20);
    expect(r.comparison.totals.ipv4.devices).toBe(9);
    expect(r.comparison.totals.ipv6.devices).toBe(9);
    expect(r.comparison.totals.ipv4.prefixes).toBeGreaterThan(200);
    expect(r.comparison.totals.ipv6.prefixes).toBeGreaterThan(200);
    // FRR 8.4's ospf6d may install a subset of equal-cost paths (seen on a county r2 towards the
    // province core): the differential check accepts that as the dialect's behaviour
    // (DialectBehaviour.ospfv3EcmpSubset) and lists each case, so the gap stays visible.
    expect(r.comparison.mismatches.map((m) => m.message)).toEqual([]);
    expect(r.comparison.allowances.length).toBeLessThanOrEqual(5);
    expect(r.comparison.allowances.every((a) => a.family === 'ipv6' && a.behaviour === 'ospfv3EcmpSubset')).toBe(true);
    expect(r.comparison.totals.ipv4.agreeing).toBe(r.comparison.totals.ipv4.prefixes);
    expect(r.comparison.totals.ipv6.agreeing).toBe(r.comparison.totals.ipv6.prefixes);
    // OSPFv3 runs in one area (network/render/common.ts ospfv3Area): no IPv6 route depends on which ABR ospf6d picked
    expect(r.computed.some((rib) => rib.family === 'ipv6' && rib.routes.some((x) => x.installsOneOf))).toBe(false);
  });

  // Issue 11 part 6: the exits' guard is real nftables in their namespaces (lab/host/exit-guard.ts).
  test('the guarded exit: township sources leave as the exit pool; from the internet only declared services get in; uRPF drops spoofed government sources', {
    timeout: 120_000,
  }, async () => {
    const { scoped } = await openLab(base);
    const t = scoped.topology;
    const [g1] = t.exit.guards!;
    const inet = internetNs(LAB);
    const portal = t.services!.find((s) => s.id === 'xian/portal')!;
    const hostNs = deviceNs(LAB, portal.device);
    const listeners = [
      await listen(inet, t.exit.upstream.ipv4, 8080),
      ...(await Promise.all([portal.vip.ipv4, portal.vip.ipv6].flatMap((vip) => [listen(hostNs, vip, 443), listen(hostNs, vip, 8443)]))),
    ];
    try {
      // NAT: the upstream host sees the township's connection from exit1's source pool
      const out = await connect(deviceNs(LAB, TOWNSHIP), t.exit.upstream.ipv4, 8080);
      expect(out.kind).toBe('answered');
      expect(inPool(out.kind === 'answered' ? out.peer : '', g1!.nat!.poolFirst, g1!.nat!.poolLast), JSON.stringify(out)).toBe(true);
      // the declared public service, both families: IPv4 at its public address (DNAT), IPv6 at the VIP
      const public4 = g1!.admit.find((a) => a.service === portal.id && a.family === 'ipv4')!.address;
      // (inbound is not source-translated: the service sees the internet host's own address)
      const h1 = t.exit.handoffs.find((h) => h.device === g1!.device)!;
      expect(await connect(inet, public4, 443)).toEqual({ kind: 'answered', peer: h1.peerIpv4 });
      expect(await connect(inet, portal.vip.ipv6, 443)).toEqual({ kind: 'answered', peer: h1.peerIpv6 });
      // an undeclared port is dropped (no RST, although something listens there: from inside it answers)
      const before = await exitGuardCounters(LAB, g1!.device);
      expect(await connect(inet, public4, 8443, { timeoutMs: 1000 })).toEqual({ kind: 'timeout' });
      expect(await connect(inet, portal.vip.ipv6, 8443, { timeoutMs: 1000 })).toEqual({ kind: 'timeout' });
      const township6 = scoped.devices.find((d) => d.id === TOWNSHIP)!.loopback.ipv6.split('/')[0]!;
      expect(await connect(inet, township6, 22, { timeoutMs: 1000 })).toEqual({ kind: 'timeout' });
      expect((await connect(deviceNs(LAB, TOWNSHIP), portal.vip.ipv6, 8443)).kind).toBe('answered');
      const after = await exitGuardCounters(LAB, g1!.device);
      expect(after.denied - before.denied).toBeGreaterThanOrEqual(3);
      // uRPF strict: a government source arriving from the internet side is dropped before the filter
      // (a routed government address: one the exit's routes point inwards, here the township's loopback)
      const lo = scoped.devices.find((d) => d.id === TOWNSHIP)!.loopback;
      const spoof = { ipv4: lo.ipv4.split('/')[0]!, ipv6: lo.ipv6.split('/')[0]! };
      await run('ip', ['-n', inet, 'addr', 'add', `${spoof.ipv4}/32`, 'dev', 'lo']);
      await run('ip', ['-n', inet, 'addr', 'add', `${spoof.ipv6}/128`, 'dev', 'lo']);
      expect(await connect(inet, public4, 443, { timeoutMs: 1000, localAddress: spoof.ipv4 })).toEqual({ kind: 'timeout' });
      expect(await connect(inet, portal.vip.ipv6, 443, { timeoutMs: 1000, localAddress: spoof.ipv6 })).toEqual({ kind: 'timeout' });
      expect((await exitGuardCounters(LAB, g1!.device)).urpf_dropped - after.urpf_dropped).toBeGreaterThanOrEqual(2);
      await run('ip', ['-n', inet, 'addr', 'del', `${spoof.ipv4}/32`, 'dev', 'lo']);
      await run('ip', ['-n', inet, 'addr', 'del', `${spoof.ipv6}/128`, 'dev', 'lo']);
    } finally {
      for (const l of listeners) l.close();
    }
  });

  test("a no-op deploy leaves the exits' guards running, counters kept; a guard flushed by hand is applied again", { timeout: 120_000 }, async () => {
    const { scoped } = await openLab(base);
    const [g1, g2] = scoped.topology.exit.guards!;
    const before = await exitGuardCounters(LAB, g1!.device);
    // the previous test's drops, which a re-applied ruleset would zero
    expect(before.denied).toBeGreaterThanOrEqual(3);
    expect(before.urpf_dropped).toBeGreaterThanOrEqual(2);
    const r = await deployLab({ ...base, ...deployOpts });
    expect(r.changed + r.failed + r.rolledBack).toBe(0);
    const after = await exitGuardCounters(LAB, g1!.device);
    expect(after.denied).toBeGreaterThanOrEqual(before.denied);
    expect(after.urpf_dropped).toBeGreaterThanOrEqual(before.urpf_dropped);
    // what runs is checked, not only what was rendered: a table removed by hand comes back on the next deploy
    await run('ip', ['netns', 'exec', deviceNs(LAB, g2!.device), 'nft', 'delete', 'table', 'inet', 'stacks_exit_guard']);
    await expect(exitGuardCounters(LAB, g2!.device)).rejects.toThrow();
    await deployLab({ ...base, ...deployOpts });
    expect(await exitGuardCounters(LAB, g2!.device)).toEqual({ urpf_dropped: 0, denied: 0, admitted: 0 });
    expect((await exitGuardCounters(LAB, g1!.device)).denied).toBeGreaterThanOrEqual(before.denied);
  });

  test('exit1 upstream down: the township reaches the upstream through exit2 in both families, and back through exit1 after the release', {
    timeout: 200_000,
  }, async () => {
    const cut = watchUpstream(false);
    await faultLink(base, 'shaanxi-exit1', 'internet', 'down');
    const over = await secondsUntilVia('exit2', 30);
    expect(over.seconds, `ipv4 ${over.last.ipv4.hops.join(' → ')} | ipv6 ${over.last.ipv6.hops.join(' → ')}`).toBeDefined();
    const failover = (over.at! - (await cut)) / 1000;
    expect(failover).toBeLessThan(5);
    // and the upstream now sees the township from exit2's source pool
    const upstreamHost = await listen(internetNs(LAB), exits.upstream.ipv4, 8081);
    try {
      const g2 = (await openLab(base)).scoped.topology.exit.guards!.find((g) => g.device === 'shaanxi-exit2')!;
      const seen = await connect(deviceNs(LAB, TOWNSHIP), exits.upstream.ipv4, 8081);
      expect(seen.kind === 'answered' && inPool(seen.peer, g2.nat!.poolFirst, g2.nat!.poolLast), JSON.stringify(seen)).toBe(true);
    } finally {
      upstreamHost.close();
    }
    const restored = watchUpstream(true);
    await faultLink(base, 'shaanxi-exit1', 'internet', 'up');
    const back = await secondsUntilVia('exit1', 30);
    expect(back.seconds, `ipv4 ${back.last.ipv4.hops.join(' → ')} | ipv6 ${back.last.ipv6.hops.join(' → ')}`).toBeDefined();
    const failback = (back.at! - (await restored)) / 1000;
    expect(failback).toBeLessThan(10);
    // The figures for the issue note (not a timed test: the bounds above are generous).
    process.stderr.write(
      `exit failover: via exit2 in both families ${failover.toFixed(2)} s after the upstream was cut; back via exit1 ${failback.toFixed(2)} s after it came back\n`,
    );
  });

  test('with the old `always` default restored the same check fails: the township loops between core and exit1', { timeout: 300_000 }, async () => {
    const old = await deployLab({ ...base, ...deployOpts, render: renderAlways });
    expect(
      old.outcomes
        .filter((o) => o.action === 'changed')
        .map((o) => o.device)
        .sort(),
    ).toEqual(['shaanxi-exit1', 'shaanxi-exit2']);
    expect(readFileSync(`${labPaths(stateDir, LAB).device('shaanxi-exit1').etc}/frr.conf`, 'utf8')).toContain('originate always');
    await faultLink(base, 'shaanxi-exit1', 'internet', 'down');
    const over = await secondsUntilVia('exit2', 15);
    expect(over.seconds).toBeUndefined();
    // both families still forward to exit1, which has no way out but back to the core
    const stuck = (['ipv4', 'ipv6'] as const).filter((f) => !via(over.last[f], 'exit2'));
    expect(stuck).toEqual(['ipv4', 'ipv6']);
    await faultLink(base, 'shaanxi-exit1', 'internet', 'up');
    const fixed = await deployLab({ ...base, ...deployOpts });
    expect(fixed.failed + fixed.rolledBack).toBe(0);
    expect((await secondsUntilVia('exit1', 30)).seconds).toBeDefined();
  });

  test('on the running lab a change FRR cannot parse is refused and nothing is pushed', { timeout: 120_000 }, async () => {
    const statePath = labPaths(stateDir, LAB).state;
    const before = readFileSync(statePath, 'utf8');
    const broken = (device: string, config: string) => (device === 'shaanxi-r1' ? config.replace('router ospf6', 'router ospf6\n bogus-command 1') : config);
    const err = await deployLab({ ...base, ...deployOpts, candidateOverride: broken }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_FRR_SYNTAX' });
    expect((err as Error).message).toMatch(/shaanxi-r1 \S+candidate\.conf:\d+: % Unknown command\[\d+\]: bogus-command 1/);
    expect(readFileSync(statePath, 'utf8')).toBe(before);
  });
});
