/**
 * The drill's hold on the lab: the database servers' addresses on the centres' LANs, the service
 * address on the router that holds the primary (its `lo` is in OSPF, so the /32 and /128 are
 * advertised from there and withdrawn when removed), and link faults on the model's links — both
 * ends held down, as `stacks lab fault link A B down` does.
 */
import type { ScopedTopology } from '../lab/scope.js';
import { deviceNs } from '../lab/names.js';
import { listNamespaces, readLinks } from '../lab/realize.js';
import { ipBatch } from '../lab/shell.js';
import { runtimeError } from '../lib/errors.js';
import { exec } from './exec.js';
import { faultLink } from '../lab/fault.js';
import type { LabOptions } from '../lab/deploy.js';
import type { DrLayout, DrNode, DualAddress } from './layout.js';

/** The lab's namespaces the drill needs: the centres and the client. */
export async function requireLabNamespaces(lab: string, layout: DrLayout): Promise<void> {
  const have = new Set(await listNamespaces());
  const missing = [...layout.nodes.map((n) => n.device), layout.client].filter((d) => !have.has(deviceNs(lab, d)));
  if (missing.length) {
    throw runtimeError(
      'E_DR_LAB',
      `the lab "${lab}" is not running: no namespace for ${missing.join(', ')}`,
      'deploy it first (`stacks deploy --target lab`) or let the drill deploy it (`--deploy`)',
    );
  }
}

export async function attachServer(lab: string, node: DrNode): Promise<void> {
  const ns = deviceNs(lab, node.device);
  // The service address is bound on every node (it moves; PostgreSQL binds at start).
  await exec(ns, ['sysctl', '-qw', 'net.ipv4.ip_nonlocal_bind=1', 'net.ipv6.ip_nonlocal_bind=1']);
  const have = (await readLinks(ns)).get(node.serverIf)?.addresses ?? [];
  const add = [node.server.ipv4, node.server.ipv6].filter((a) => !have.some((h) => h.toLowerCase() === a.toLowerCase()));
  await ipBatch(
    add.map((a) => `addr add ${a} dev ${node.serverIf}${a.includes(':') ? ' nodad' : ''}`),
    ns,
  );
}

export async function detachServer(lab: string, node: DrNode, service: DualAddress): Promise<void> {
  const ns = deviceNs(lab, node.device);
  if (!(await listNamespaces()).includes(ns)) return;
  await ipBatch(
    [node.server.ipv4, node.server.ipv6].map((a) => `addr del ${a} dev ${node.serverIf}`),
    ns,
    true,
  ).catch(() => undefined);
  await removeServiceAddress(lab, node, service);
  await exec(ns, ['sysctl', '-qw', 'net.ipv4.ip_nonlocal_bind=0', 'net.ipv6.ip_nonlocal_bind=0'], { allowFail: true });
}

export async function placeServiceAddress(lab: string, node: DrNode, service: DualAddress): Promise<void> {
  const ns = deviceNs(lab, node.device);
  const have = (await readLinks(ns)).get('lo')?.addresses ?? [];
  const add = [service.ipv4, service.ipv6].filter((a) => !have.some((h) => h.toLowerCase() === a.toLowerCase()));
  await ipBatch(
    add.map((a) => `addr add ${a} dev lo`),
    ns,
  );
}

export async function removeServiceAddress(lab: string, node: DrNode, service: DualAddress): Promise<void> {
  const ns = deviceNs(lab, node.device);
  const have = (await readLinks(ns)).get('lo')?.addresses ?? [];
  const del = [service.ipv4, service.ipv6].filter((a) => have.some((h) => h.toLowerCase() === a.toLowerCase()));
  await ipBatch(
    del.map((a) => `addr del ${a} dev lo`),
    ns,
    true,
  );
}

/** Which nodes hold the service address right now (more than one would be a split brain). */
export async function serviceAddressHolders(lab: string, layout: DrLayout): Promise<string[]> {
  const out: string[] = [];
  for (const n of layout.nodes) {
    const lo = (await readLinks(deviceNs(lab, n.device))).get('lo')?.addresses ?? [];
    if (lo.some((a) => a.toLowerCase() === layout.serviceAddress.ipv4.toLowerCase())) out.push(n.centre);
  }
  return out;
}

export interface LinkEnd {
  ns: string;
  ifname: string;
}

/** The devices at the far end of a node's uplinks (for `stacks lab fault link A B`). */
export function uplinkPeers(scoped: ScopedTopology, node: DrNode): string[] {
  return node.uplinks.map((id) => {
    const l = scoped.links.find((x) => x.id === id);
    if (!l) throw runtimeError('E_DR_LINK', `link ${id} is not in the lab's scope`);
    return l.a.device === node.device ? l.b.device : l.a.device;
  });
}

/**
 * Take a centre's uplinks down or up through the lab's own fault injection (recorded in the lab's
 * state: `stacks lab status` shows them, a redeploy keeps them down until `up`).
 */
export async function faultCentreLinks(opts: LabOptions, scoped: ScopedTopology, node: DrNode, direction: 'down' | 'up'): Promise<void> {
  for (const peer of uplinkPeers(scoped, node)) await faultLink(opts, node.device, peer, direction);
}

/** Both ends of each model link. */
export function linkEnds(lab: string, scoped: ScopedTopology, linkIds: readonly string[]): LinkEnd[] {
  const out: LinkEnd[] = [];
  for (const id of linkIds) {
    const l = scoped.links.find((x) => x.id === id);
    if (!l) throw runtimeError('E_DR_LINK', `link ${id} is not in the lab's scope`);
    out.push({ ns: deviceNs(lab, l.a.device), ifname: l.a.interface }, { ns: deviceNs(lab, l.b.device), ifname: l.b.interface });
  }
  return out;
}

export async function setLinks(ends: readonly LinkEnd[], state: 'up' | 'down'): Promise<void> {
  const byNs = new Map<string, string[]>();
  for (const e of ends) byNs.set(e.ns, [...(byNs.get(e.ns) ?? []), `link set ${e.ifname} ${state}`]);
  const existing = new Set(await listNamespaces());
  await Promise.all([...byNs].filter(([ns]) => existing.has(ns)).map(([ns, lines]) => ipBatch(lines, ns, true)));
}

/** Link ends that are administratively down (a restore check). */
export async function linksDown(ends: readonly LinkEnd[]): Promise<string[]> {
  const down: string[] = [];
  const cache = new Map<string, Awaited<ReturnType<typeof readLinks>>>();
  for (const e of ends) {
    if (!cache.has(e.ns)) cache.set(e.ns, await readLinks(e.ns));
    const l = cache.get(e.ns)!.get(e.ifname);
    if (l && !l.up) down.push(`${e.ns}/${e.ifname}`);
  }
  return down;
}
