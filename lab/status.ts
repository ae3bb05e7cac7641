/**
 * `stacks lab status`: devices (namespace present, daemons alive), links (operational state of both
 * ends), OSPF/OSPFv3 adjacencies per device (read with vtysh from the host through the device's
 * own socket directory), and the faults the lab holds.
 */
import { openLab, type LabOptions } from './deploy.js';
import { daemonStates, ALL_DAEMONS } from './daemons.js';
import { runtimeOf } from './up.js';
import { listNamespaces, readLinks, type LinkInfo } from './realize.js';
import { fullOspfNeighbours, fullOspf6Neighbours } from './checks.js';
import { faultedLinkIds } from './faults.js';
import { run } from './shell.js';
import { mapLimit } from '../lib/map-limit.js';

interface DeviceStatus {
  device: string;
  namespace: boolean;
  daemons: Record<string, boolean>;
  phase: string;
  faulted: boolean;
  ospf: { full: number; expected: number };
  ospf6: { full: number; expected: number };
  lastError?: string;
}

interface LinkStatus {
  link: string;
  a: string;
  b: string;
  state: 'up' | 'down' | 'missing';
  faulted: boolean;
}

export interface LabStatus {
  lab: string;
  deployed: boolean;
  devices: DeviceStatus[];
  links: LinkStatus[];
  faults: { links: string[]; devices: string[] };
  healthy: boolean;
}

export async function labStatus(opts: LabOptions): Promise<LabStatus> {
  const { lab, paths, state, scoped } = await openLab(opts);
  if (!state) return { lab, deployed: false, devices: [], links: [], faults: { links: [], devices: [] }, healthy: false };
  const nsSet = new Set(await listNamespaces());
  const inState = scoped.devices.filter((d) => state.devices[d.id]);
  const links = new Map<string, Map<string, LinkInfo>>();
  const devices = await mapLimit(inState, 4, async (d): Promise<DeviceStatus> => {
    const rt = runtimeOf(state, paths, scoped, d.id);
    const present = nsSet.has(rt.ns);
    if (present) links.set(d.id, await readLinks(rt.ns));
    const daemons = await daemonStates(rt);
    const expected = scoped.links.filter((l) => (l.a.device === d.id || l.b.device === d.id) && !faultedLinkIds(scoped, state).has(l.id)).length;
    const vty = async (cmd: string) => (await run('vtysh', ['--vty_socket', rt.paths.run, '-c', cmd], { allowFail: true })).stdout;
    const full4 = present && daemons.ospfd ? safeCount(async () => fullOspfNeighbours(await vty(`show ip ospf neighbor json`))) : Promise.resolve(0);
    const full6 = present && daemons.ospf6d ? safeCount(async () => fullOspf6Neighbours(await vty(`show ipv6 ospf6 neighbor json`))) : Promise.resolve(0);
    return {
      device: d.id,
      namespace: present,
      daemons: Object.fromEntries(ALL_DAEMONS.map((n) => [n, daemons[n] !== undefined])),
      phase: state.devices[d.id]!.phase,
      faulted: state.faults.devices.includes(d.id),
      ospf: { full: await full4, expected },
      ospf6: { full: await full6, expected },
      lastError: state.devices[d.id]!.lastError,
    };
  });
  const down = faultedLinkIds(scoped, state);
  const linkStatus: LinkStatus[] = scoped.links.map((l) => {
    const ea = links.get(l.a.device)?.get(l.a.interface);
    const eb = links.get(l.b.device)?.get(l.b.interface);
    const st: LinkStatus['state'] = !ea || !eb ? 'missing' : ea.operstate === 'UP' && eb.operstate === 'UP' ? 'up' : 'down';
    return { link: l.id, a: `${l.a.device}:${l.a.interface}`, b: `${l.b.device}:${l.b.interface}`, state: st, faulted: down.has(l.id) };
  });
  const healthy =
    devices.every((d) => d.namespace && Object.values(d.daemons).every(Boolean) && d.ospf.full >= d.ospf.expected && d.ospf6.full >= d.ospf6.expected) &&
    linkStatus.every((l) => l.state === 'up' || l.faulted);
  return { lab, deployed: true, devices, links: linkStatus, faults: state.faults, healthy };
}

async function safeCount(fn: () => Promise<Set<string>>): Promise<number> {
  try {
    return (await fn()).size;
  } catch {
    return 0;
  }
}

export function renderLabStatus(s: LabStatus): string {
  if (!s.deployed) return `lab ${s.lab} is not deployed`;
  const lines = [`lab ${s.lab}: ${s.devices.length} devices, ${s.links.length} links — ${s.healthy ? 'healthy' : 'DEGRADED'}`, '', 'devices:'];
  for (const d of s.devices) {
    const dead = Object.entries(d.daemons)
      .filter(([, up]) => !up)
      .map(([n]) => n);
    lines.push(
      `  ${d.device.padEnd(28)} ${d.faulted ? 'FAULT(down)' : d.namespace ? 'up' : 'NO NAMESPACE'}  ${d.phase.padEnd(11)} ospf ${d.ospf.full}/${d.ospf.expected}  ospf6 ${d.ospf6.full}/${d.ospf6.expected}${dead.length ? `  not running: ${dead.join(',')}` : ''}`,
    );
  }
  lines.push('', 'links:');
  for (const l of s.links) lines.push(`  ${l.link.padEnd(36)} ${l.state}${l.faulted ? ' (fault)' : ''}  ${l.a} — ${l.b}`);
  if (s.faults.links.length || s.faults.devices.length)
    lines.push('', `faults: links ${s.faults.links.join(', ') || '-'}; devices ${s.faults.devices.join(', ') || '-'}`);
  return lines.join('\n');
}
