/**
 * `stacks verify --target lab`: from every township in scope, ping and traceroute over IPv4 and
 * IPv6 to the province core (the core routers' loopbacks) and to the internet beyond the exit (the
 * upstream addresses held by the internet namespace). The expectation comes from the model's own
 * verification of the same scope with the lab's faults applied: where the model says a township
 * reaches the core or the exit, the lab must; where it says it cannot, the lab must not either.
 */
import type { Topology, Family } from '../network/types.js';
import { verifyTopology } from '../network/verify/index.js';
import { summarize, type VerificationCheck, type VerificationFailure, type VerificationReport } from '../network/verify/report.js';
import { openLab, type LabOptions } from './deploy.js';
import type { ScopedTopology } from './scope.js';
import type { LabState } from './state.js';
import { deviceNs } from './names.js';
import { faultedLinkIds } from './faults.js';
import { run } from './shell.js';
import { mapLimit } from '../lib/map-limit.js';
import { runtimeError } from '../lib/errors.js';

interface Probe {
  from: string;
  to: 'core' | 'exit';
  family: Family;
  address: string;
  expected: boolean;
  ping: boolean;
  hops: string[];
}

/** Hops of `traceroute -n` output; the last one should be the target. */
export function parseTraceroute(out: string): string[] {
  return out
    .split('\n')
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s+/)[1] ?? '*');
}

/**
 * The model's answer for exactly what the lab runs: the scope minus what faults hold down.
 * `expected(id, 'reach.core' | 'reach.exit', family)` is true where the model says the device reaches.
 */
export function modelExpectations(scoped: ScopedTopology, state: LabState) {
  const down = faultedLinkIds(scoped, state);
  const liveDevices = scoped.devices.filter((d) => !state.faults.devices.includes(d.id));
  const live = new Set(liveDevices.map((d) => d.id));
  const sub: Topology = {
    ...scoped.topology,
    sites: scoped.sites,
    devices: liveDevices,
    links: scoped.links.filter((l) => !down.has(l.id) && live.has(l.a.device) && live.has(l.b.device)),
    exit: { ...scoped.topology.exit, handoffs: scoped.handoffs.filter((h) => live.has(h.device) && !down.has(`internet:${h.device}`)) },
  };
  const model = verifyTopology(sub);
  const cut = new Map<string, Set<string>>();
  for (const c of model.checks) {
    if (c.id !== 'reach.core' && c.id !== 'reach.exit') continue;
    // failures read "<device>, <device> cannot reach …"
    cut.set(`${c.id}/${c.family}`, new Set(c.failures.flatMap((f) => f.message.split(' cannot ')[0]!.split(', '))));
  }
  const expected = (id: string, check: 'reach.core' | 'reach.exit', family: Family) => live.has(id) && !(cut.get(`${check}/${family}`)?.has(id) ?? false);
  return { expected, live, model };
}

export async function verifyLab(opts: LabOptions): Promise<VerificationReport> {
  const { lab, state, scoped } = await openLab(opts);
  if (!state) throw runtimeError('E_LAB_NOT_DEPLOYED', `lab ${lab} is not deployed`, 'run `stacks deploy --target lab` first');
  const { expected, live } = modelExpectations(scoped, state);
  const townships = scoped.devices.filter((d) => scoped.sites.find((s) => s.id === d.site)?.level === 'township');
  const core =
    scoped.devices.find((d) => d.site === scoped.topology.province.id && d.role === 'core' && live.has(d.id)) ?? scoped.devices.find((d) => d.role === 'core');
  const probes: Probe[] = [];
  for (const t of townships) {
    for (const family of ['ipv4', 'ipv6'] as const) {
      if (core)
        probes.push({
          from: t.id,
          to: 'core',
          family,
          address: core.loopback[family].split('/')[0]!,
          expected: expected(t.id, 'reach.core', family),
          ping: false,
          hops: [],
        });
      probes.push({
        from: t.id,
        to: 'exit',
        family,
        address: scoped.topology.exit.upstream[family],
        expected: expected(t.id, 'reach.exit', family),
        ping: false,
        hops: [],
      });
    }
  }
  await mapLimit(probes, 4, async (p) => {
    const ns = deviceNs(lab, p.from);
    const fam = p.family === 'ipv4' ? '-4' : '-6';
    const ping = await run('ip', ['netns', 'exec', ns, 'ping', fam, '-c', '2', '-i', '0.2', '-W', '1', '-q', p.address], { allowFail: true });
    p.ping = ping.code === 0;
    const trace = await run('ip', ['netns', 'exec', ns, 'traceroute', fam, '-n', '-q', '1', '-w', '1', '-m', '12', p.address], { allowFail: true });
    p.hops = parseTraceroute(trace.stdout);
  });

  const checks: VerificationCheck[] = [];
  for (const to of ['core', 'exit'] as const) {
    for (const family of ['ipv4', 'ipv6'] as const) {
      const failures: VerificationFailure[] = [];
      for (const p of probes.filter((x) => x.to === to && x.family === family)) {
        const traced = p.hops.at(-1) === p.address;
        if (p.expected && !p.ping) failures.push({ object: `device:${p.from}`, message: `ping to ${to} ${p.address} failed (the model says it is reachable)` });
        else if (p.expected && !traced)
          failures.push({
            object: `device:${p.from}`,
            message: `traceroute to ${to} ${p.address} stopped at ${p.hops.at(-1) ?? 'nothing'} (${p.hops.join(' → ')})`,
          });
        else if (!p.expected && p.ping) failures.push({ object: `device:${p.from}`, message: `reached ${to} ${p.address} although the model says it cannot` });
      }
      const reached = probes.filter((x) => x.to === to && x.family === family && x.ping).length;
      const total = probes.filter((x) => x.to === to && x.family === family).length;
      checks.push({
        id: `lab.reach.${to}`,
        title: `every township in the lab reaches the ${to === 'core' ? 'province core' : 'internet exit'} (ping + traceroute), as the model expects`,
        family,
        passed: failures.length === 0,
        failures,
        details: { reached, probes: total },
        notes: [`${reached}/${total} townships answered`],
      });
    }
  }
  return summarize(`lab:${lab}`, checks, { devices: scoped.devices.length, links: scoped.links.length, sites: scoped.sites.length });
}
