/**
 * `stacks verify --target lab --compare`: the differential check against real FRR. The RIBs the
 * config-level verifier computes from the configs each lab device actually committed, over the
 * topology the lab realizes now (lab/realized.ts: the scope, its wiring, its faults, the internet
 * namespace as the upstream), against each device's own RIB read from its FRR, both families,
 * prefix by prefix and next hop by next hop (network/verify/config/compare.ts).
 *
 * FRR is read from the host through the device's own vtysh socket directory, as `stacks lab status`
 * does (no SSH: a device whose management link is faulted is still read). Neighbour devices behind
 * next-hop addresses are found from the addresses the lab's interfaces really hold (`ip -j addr`),
 * link-local ones included, so an IPv6 next hop is named by the device that answers, not guessed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Topology } from '../network/types.js';
import type { DeviceRib } from '../network/verify/config/rib.js';
import { computeDeviceRibs, type DeviceRibOptions, type PhysicalState, type RenderedConfigFile } from '../network/verify/config/index.js';
import { compareRibs, type RibComparison } from '../network/verify/config/compare.js';
import { summarize, type VerificationCheck, type VerificationReport } from '../network/verify/report.js';
import { runtimeError } from '../lib/errors.js';
import { openLab, type LabOptions } from './deploy.js';
import { runtimeOf } from './up.js';
import { realizedTopology } from './realized.js';
import { serviceVips } from './wiring.js';
import { normalizeFrrRib, splitVtyshOutputs, type IgnoredRoute, type NeighbourResolver } from './frr-rib.js';
import { run } from './shell.js';
import { mapLimit } from '../lib/map-limit.js';
import type { LabState } from './state.js';
import type { LabPaths } from './names.js';
import type { ScopedTopology } from './scope.js';
export type ComputeDeviceRibs = (topology: Topology, files: RenderedConfigFile[], opts?: DeviceRibOptions) => DeviceRib[];

interface LabRibs {
  ribs: DeviceRib[];
  ignored: Record<string, IgnoredRoute[]>;
}

interface AddrInfo {
  family?: string;
  local?: string;
}
interface IpLink {
  ifname?: string;
  addr_info?: AddrInfo[];
}

/** Which lab device holds each address (link-local ones per device too). */
async function addressOwners(lab: LabState, scoped: ScopedTopology): Promise<Map<string, string[]>> {
  const owners = new Map<string, string[]>();
  await mapLimit(scoped.devices, 4, async (d) => {
    const ns = lab.devices[d.id]?.ns;
    if (!ns) return;
    const r = await run('ip', ['-j', '-n', ns, 'addr', 'show'], { allowFail: true });
    if (r.code !== 0) return;
    for (const link of JSON.parse(r.stdout || '[]') as IpLink[]) {
      for (const a of link.addr_info ?? []) {
        if (!a.local) continue;
        const list = owners.get(a.local) ?? [];
        list.push(d.id);
        owners.set(a.local, list);
      }
    }
  });
  return owners;
}

/**
 * An address held by one device names it. Link-local addresses may repeat across links in
 * principle; then the device at the far end of the outgoing interface's link is the one meant.
 */
function resolverFor(device: string, topology: Topology, owners: Map<string, string[]>): NeighbourResolver {
  const peerOn = new Map<string, string>();
  for (const l of topology.links) {
    if (l.a.device === device) peerOn.set(l.a.interface, l.b.device);
    if (l.b.device === device) peerOn.set(l.b.interface, l.a.device);
  }
  return (_family, iface, address) => {
    const list = (owners.get(address) ?? []).filter((d) => d !== device);
    if (list.length <= 1) return list[0];
    const peer = peerOn.get(iface);
    return peer && list.includes(peer) ? peer : list[0];
  };
}

/** Three JSON tables and, last, the text of the OSPFv3 routes (see frr-rib.ts for why text). */
const COMMANDS = ['show ip route json', 'show ipv6 route json', 'show ip ospf route json', 'show ipv6 ospf6 route'];

/** Every lab device's RIB in both families, read from its running FRR. */
async function readLabRibs(state: LabState, paths: LabPaths, scoped: ScopedTopology, topology: Topology): Promise<LabRibs> {
  const owners = await addressOwners(state, scoped);
  const ribs: DeviceRib[] = [];
  const ignored: Record<string, IgnoredRoute[]> = {};
  const devices = scoped.devices.filter((d) => state.devices[d.id]);
  await mapLimit(devices, 4, async (d) => {
    const rt = runtimeOf(state, paths, scoped, d.id);
    const r = await run('vtysh', ['--vty_socket', rt.paths.run, ...COMMANDS.flatMap((c) => ['-c', c])], { allowFail: true });
    let parts: ReturnType<typeof splitVtyshOutputs>;
    try {
      if (r.code !== 0) throw new Error(`exit ${r.code}: ${(r.stderr || r.stdout).trim().slice(-300)}`);
      parts = splitVtyshOutputs(r.stdout, 3);
    } catch (cause) {
      throw runtimeError(
        'E_LAB_VTYSH',
        `${d.id}: reading the RIB with vtysh failed: ${(cause as Error).message}`,
        'is the lab up? see `stacks lab status`',
        cause,
      );
    }
    const [routes4, routes6, ospf4] = parts.json as [string, string, string];
    const resolve = resolverFor(d.id, topology, owners);
    for (const n of [normalizeFrrRib(d.id, 'ipv4', routes4, ospf4, resolve), normalizeFrrRib(d.id, 'ipv6', routes6, parts.rest, resolve)]) {
      ribs.push(n.rib);
      if (n.ignored.length) (ignored[d.id] ??= []).push(...n.ignored);
    }
  });
  ribs.sort((a, b) => (a.device === b.device ? (a.family < b.family ? -1 : 1) : a.device < b.device ? -1 : 1));
  return { ribs, ignored };
}

/** The configs the lab's devices committed (the device's own frr.conf; the state's copy if absent). */
async function labConfigFiles(state: LabState, paths: LabPaths, scoped: ScopedTopology): Promise<RenderedConfigFile[]> {
  const files: RenderedConfigFile[] = [];
  for (const d of scoped.devices) {
    const s = state.devices[d.id];
    if (!s) continue;
    const path = join(paths.device(d.id).etc, 'frr.conf');
    const text = await readFile(path, 'utf8').catch(() => s.config);
    if (text === undefined) continue;
    files.push({ device: d.id, dialect: 'frr', path, text });
  }
  return files;
}

/**
 * The lab's physical state as the verifier's input: per device, the interfaces the realized
 * topology has (wired in this scope and not held down by a fault). A county's config names a
 * downlink for every township the scope left out; on the running router those have no carrier, so
 * no connected route and no OSPF — the verifier must compute over the same state to compare like
 * with like; and the service VIPs the lab puts on a hosting router's `lo` (lab/wiring.ts). The
 * configs themselves are taken as committed.
 */
export function physicalStateOf(realized: Topology): PhysicalState {
  const addresses: Record<string, Record<string, string[]>> = {};
  for (const d of realized.devices) {
    const vips = serviceVips(realized, d.id);
    if (vips.length) addresses[d.id] = { lo: vips };
  }
  return { carrier: Object.fromEntries(realized.devices.map((d) => [d.id, d.interfaces.map((i) => i.name)])), addresses };
}

export interface LabRibComparison {
  lab: string;
  comparison: RibComparison;
  computed: DeviceRib[];
  actual: DeviceRib[];
  ignored: Record<string, IgnoredRoute[]>;
  topology: Topology;
}

export async function compareLabRibs(opts: LabOptions & { computeRibs?: ComputeDeviceRibs }): Promise<LabRibComparison> {
  const { lab, paths, state, scoped } = await openLab(opts);
  if (!state) throw runtimeError('E_LAB_NOT_DEPLOYED', `lab ${lab} is not deployed`, 'run `stacks deploy --target lab` first');
  const compute = opts.computeRibs ?? computeDeviceRibs;
  const topology = realizedTopology(scoped, state);
  const files = await labConfigFiles(state, paths, scoped);
  const computed = compute(topology, files, { physical: physicalStateOf(topology) });
  const { ribs: actual, ignored } = await readLabRibs(state, paths, scoped, topology);
  const deployed = new Set(files.map((f) => f.device));
  // Only devices the lab runs are compared (a computed RIB for anything else has no FRR to ask).
  const mine = computed.filter((r) => deployed.has(r.device));
  return { lab, comparison: compareRibs(mine, actual, { labels: { computed: 'computed', actual: 'FRR' } }), computed: mine, actual, ignored, topology };
}

function labComparisonReport(r: LabRibComparison): VerificationReport {
  const checks: VerificationCheck[] = (['ipv4', 'ipv6'] as const).map((family) => {
    const mismatches = r.comparison.mismatches.filter((m) => m.family === family);
    const allowances = r.comparison.allowances.filter((m) => m.family === family);
    const t = r.comparison.totals[family];
    const ignored = Object.values(r.ignored)
      .flat()
      .filter((i) => (family === 'ipv6') === i.prefix.includes(':'));
    return {
      id: 'lab.rib.compare',
      title: "each lab device's RIB computed from its committed config equals FRR's own (prefix by prefix, next hop by next hop)",
      family,
      passed: mismatches.length === 0,
      failures: mismatches.map((m) => ({ object: `device:${m.device}`, message: m.message })),
      details: { ...t, mismatches, allowances, ignored: ignored.length },
      notes: [
        `${t.agreeing}/${t.prefixes} prefixes agree on ${t.devices} devices; ${ignored.length} management/link-local/kernel routes not part of the design left out`,
        ...allowances.map((a) => `as the dialect does (${a.behaviour}): ${a.message}`),
      ],
    };
  });
  return summarize(`lab:${r.lab} (computed vs FRR)`, checks, {
    devices: r.topology.devices.length,
    links: r.topology.links.length,
    sites: r.topology.sites.length,
  });
}

export async function verifyLabRibs(opts: LabOptions): Promise<VerificationReport> {
  return labComparisonReport(await compareLabRibs(opts));
}
