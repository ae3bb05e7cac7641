/**
 * First-hop questions over the parsed configs: on every LAN a site's two routers serve, does each
 * family have a VRRP virtual router on both, agreeing on id, version, virtual address and timers,
 * with the virtual address inside the LAN and owned by neither router; and who serves the hosts'
 * gateway with everything up, with either router down, and with either router cut off from its
 * way out of the site (every tracked interface down). A router with nothing tracked (FRR 8.4 has
 * no object tracking) keeps the gateway when cut off and forwards over the r1–r2 peer link, which
 * the forwarding questions' link failures already cover. Pure.
 */
import { FAMILIES, type Family, type Topology } from '../../types.js';
import { containsHex, hexOrUndefined } from './address.js';
import type { LoadedConfig } from './adjacency.js';
import type { ConfigFinding } from './findings.js';
import type { VrrpConfig } from './model.js';

const LAN = 'lan0';

interface GatewayMember {
  device: string;
  /** The config's interface, and its own address there. */
  interface: string;
  address?: string;
  group?: VrrpConfig;
}

export interface LanGateway {
  site: string;
  family: Family;
  /** The virtual address the hosts use (the first router's, when the two disagree). */
  virtual?: string;
  members: GatewayMember[];
  /** Which device is master in each situation (`none`: nobody serves the gateway). */
  master: { normal: string; [situation: string]: string };
}

/** Every dual-router LAN per family, with who serves its gateway; findings where it cannot work. */
export function lanGateways(
  topology: Topology,
  configs: LoadedConfig[],
  families: readonly Family[] = FAMILIES,
): { gateways: LanGateway[]; findings: ConfigFinding[] } {
  const bySite = new Map<string, LoadedConfig[]>();
  for (const c of configs) {
    if (!c.device.interfaces.some((i) => i.name === LAN && i.kind === 'lan')) continue;
    (bySite.get(c.device.site) ?? bySite.set(c.device.site, []).get(c.device.site)!).push(c);
  }
  const gateways: LanGateway[] = [];
  const findings: ConfigFinding[] = [];
  for (const [site, list] of bySite) {
    if (list.length < 2) continue;
    list.sort((a, b) => a.device.index - b.device.index);
    for (const family of families) {
      const members = list.map((c) => member(c, family));
      const ref = (m: GatewayMember, c: LoadedConfig) => ({
        file: c.file,
        line: m.group?.line ?? c.parsed.interfaces.find((i) => i.name === m.interface)?.line ?? 1,
      });
      const at = members.map((m, k) => ref(m, list[k]!));
      const add = (id: string, message: string) => findings.push({ id, family, object: `site:${site}`, message: `${site} LAN (${family}): ${message}`, at });
      const serving = members.filter((m) => m.group && m.group.virtual.length > 0 && !m.group.shutdown);
      const virtual = serving[0]?.group?.virtual[0];
      if (serving.length === 0)
        add('vrrp.missing', `served by ${members.map((m) => m.device).join(' and ')} with no VRRP: the hosts' gateway dies with the router that holds it`);
      else if (serving.length < members.length)
        add(
          'vrrp.no-backup',
          `only ${serving.map((m) => m.device).join(', ')} runs VRRP; ${members
            .filter((m) => !serving.includes(m))
            .map((m) => m.device)
            .join(', ')} cannot take the gateway over`,
        );
      else checkAgreement(serving, add);
      for (const m of serving) checkVirtual(topology, site, family, m, add);
      const gw: LanGateway = { site, family, virtual, members, master: { normal: electMaster(serving, new Set(), new Set()) } };
      for (const m of members) {
        gw.master[`${m.device} down`] = electMaster(serving, new Set([m.device]), new Set());
        const c = list.find((x) => x.device.id === m.device)!;
        const ways = c.device.interfaces.filter((i) => i.kind === 'uplink' || i.kind === 'exit').map((i) => c.configName.get(i.name) ?? i.name);
        if (ways.length) gw.master[`${m.device} cut off`] = electMaster(serving, new Set(), new Set(ways.map((w) => `${m.device}\u0000${w}`)));
      }
      const first = members[0]!.device;
      if (serving.length === members.length && gw.master.normal !== first)
        add('vrrp.preferred', `${gw.master.normal} is master with everything up; ${first} should be (a higher priority)`);
      gateways.push(gw);
    }
  }
  return { gateways, findings };
}

function member(c: LoadedConfig, family: Family): GatewayMember {
  const name = c.configName.get(LAN) ?? LAN;
  const iface = c.parsed.interfaces.find((i) => i.name === name);
  const address = family === 'ipv4' ? iface?.ipv4?.address : iface?.ipv6[0]?.address;
  const group = (c.parsed.vrrp ?? []).find((g) => g.interface === name && g.family === family);
  return { device: c.device.id, interface: name, ...(address ? { address } : {}), ...(group ? { group } : {}) };
}

function checkAgreement(members: GatewayMember[], add: (id: string, message: string) => void): void {
  const [a, ...rest] = members;
  for (const b of rest) {
    const ga = a!.group!;
    const gb = b.group!;
    const diffs: string[] = [];
    if (ga.vrid !== gb.vrid) diffs.push(`id ${ga.vrid} / ${gb.vrid}`);
    if (ga.version !== gb.version) diffs.push(`version ${ga.version} / ${gb.version}`);
    if ([...ga.virtual].sort().join() !== [...gb.virtual].sort().join()) diffs.push(`virtual ${ga.virtual.join(' ')} / ${gb.virtual.join(' ')}`);
    if (ga.advertisementMs !== gb.advertisementMs) diffs.push(`advertisement ${ga.advertisementMs} / ${gb.advertisementMs} ms`);
    if (diffs.length) add('vrrp.mismatch', `${a!.device} and ${b.device} disagree (${diffs.join('; ')}): they form two virtual routers, both masters`);
  }
}

function checkVirtual(topology: Topology, site: string, family: Family, m: GatewayMember, add: (id: string, message: string) => void): void {
  const lan = topology.sites.find((s) => s.id === site)?.lan[family];
  if (!lan) return;
  const [net, len] = lan.split('/');
  const netHex = hexOrUndefined(net!, family);
  for (const v of m.group!.virtual) {
    const hex = hexOrUndefined(v, family);
    if (!hex || !netHex || !containsHex(netHex, Number(len), hex)) add('vrrp.virtual-outside-lan', `${m.device} backs up ${v}, which is not in the LAN ${lan}`);
    else if (m.address && hexOrUndefined(m.address, family) === hex)
      add('vrrp.virtual-owned', `${m.device}'s own address is the virtual ${v}: as the owner it always preempts and tracking cannot move the gateway`);
  }
}

/**
 * RFC 5798 §6.4: the highest priority wins, equal priorities go to the higher primary address.
 * `downDevices` are gone; `downIfaces` (`device\0port`) are tracked interfaces that are down.
 */
function electMaster(members: GatewayMember[], downDevices: Set<string>, downIfaces: Set<string>): string {
  let best: { device: string; priority: number; address: string } | undefined;
  for (const m of members) {
    if (downDevices.has(m.device)) continue;
    const g = m.group!;
    const lost = g.track.filter((t) => downIfaces.has(`${m.device}\u0000${t.interface}`)).reduce((a, t) => a + t.reduce, 0);
    const priority = Math.max(1, g.priority - lost);
    const address = m.address ?? '';
    if (!best || priority > best.priority || (priority === best.priority && address > best.address)) best = { device: m.device, priority, address };
  }
  return best?.device ?? 'none';
}
