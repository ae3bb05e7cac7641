/** Pure readers of FRR's `vtysh … json` output (unit-tested beside; no I/O here). */
import type { BfdPeer, OspfNeighbour, VrrpGroup } from '../types.js';

function parseJson(text: string): unknown {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined; // daemon not running: vtysh prints nothing or a warning
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

/** `00:01:23`, `1d02h03m`, `5w3d`… (FRR's uptime formats) to seconds. */
export function durationSeconds(text: string | undefined): number {
  if (!text) return 0;
  const hms = /^(\d+):(\d+):(\d+)/.exec(text);
  if (hms) return Number(hms[1]) * 3600 + Number(hms[2]) * 60 + Number(hms[3]);
  const unit: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
  let total = 0;
  for (const m of text.matchAll(/(\d+)([wdhms])/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}

interface Ospf4Entry {
  nbrState?: string;
  state?: string;
  ifaceName?: string;
  upTimeInMsec?: number;
  upTime?: string;
}

/** `show ip ospf neighbor json` (FRR 8: neighbors → router id → list). */
export function ospf4Neighbours(text: string): OspfNeighbour[] {
  const doc = parseJson(text) as { neighbors?: Record<string, Ospf4Entry[]> } | undefined;
  const out: OspfNeighbour[] = [];
  for (const [routerId, list] of Object.entries(doc?.neighbors ?? {})) {
    for (const n of list) {
      const uptime = n.upTimeInMsec !== undefined ? n.upTimeInMsec / 1000 : durationSeconds(n.upTime);
      out.push({ family: 'ipv4', routerId, interface: (n.ifaceName ?? '').split(':')[0]!, state: n.nbrState ?? n.state ?? '', uptimeSeconds: uptime });
    }
  }
  return out;
}

interface Ospf6Entry {
  neighborId: string;
  state: string;
  interfaceName?: string;
  duration?: string;
  upTime?: string;
}

/** `show ipv6 ospf6 neighbor json`: `duration` is the time in the current state. */
export function ospf6Neighbours(text: string): OspfNeighbour[] {
  const doc = parseJson(text) as { neighbors?: Ospf6Entry[] } | undefined;
  return (doc?.neighbors ?? []).map((n) => ({
    family: 'ipv6' as const,
    routerId: n.neighborId,
    interface: n.interfaceName ?? '',
    state: n.state,
    uptimeSeconds: durationSeconds(n.duration ?? n.upTime),
  }));
}

interface BfdEntry {
  peer: string;
  interface?: string;
  status: string;
  uptime?: number;
}

/** `show bfd peers json`: a list; `uptime` in seconds. */
export function bfdPeers(text: string): BfdPeer[] {
  const doc = parseJson(text);
  if (!Array.isArray(doc)) return [];
  return (doc as BfdEntry[]).map((p) => ({ peer: p.peer, interface: p.interface, status: p.status, uptimeSeconds: p.uptime ?? 0 }));
}

interface VrrpEntry {
  vrid: number;
  interface: string;
  v4?: { status?: string; effectivePriority?: number };
  v6?: { status?: string; effectivePriority?: number };
  priority?: number;
}

/** `show vrrp json`: one entry per router, with a v4 and a v6 instance each. */
export function vrrpGroups(text: string): VrrpGroup[] {
  const doc = parseJson(text);
  if (!Array.isArray(doc)) return [];
  const out: VrrpGroup[] = [];
  for (const g of doc as VrrpEntry[]) {
    for (const [family, inst] of [
      ['ipv4', g.v4],
      ['ipv6', g.v6],
    ] as const) {
      if (inst) out.push({ interface: g.interface, vrid: g.vrid, family, state: inst.status ?? '', priority: inst.effectivePriority ?? g.priority ?? 0 });
    }
  }
  return out;
}

interface IpLink {
  ifname: string;
  operstate?: string;
  flags?: string[];
  mtu?: number;
  address?: string;
  addr_info?: Array<{ local: string; prefixlen: number }>;
}

/** `ip -j addr show`. */
export function ipInterfaces(text: string): Array<{ name: string; up: boolean; mtu: number; mac?: string; addresses: string[] }> {
  const doc = parseJson(text);
  if (!Array.isArray(doc)) return [];
  return (doc as IpLink[]).map((l) => ({
    name: l.ifname,
    up: l.operstate === 'UP' || (l.ifname === 'lo' && (l.flags ?? []).includes('UP')),
    mtu: l.mtu ?? 0,
    mac: l.address,
    addresses: (l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`),
  }));
}

/** `frr-reload.py --test` output: the commands it would send, under "Lines To Delete" and "Lines To Add". */
export function frrReloadDelta(text: string): { remove: string[]; add: string[] } {
  const out = { remove: [] as string[], add: [] as string[] };
  let into: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('Lines To Delete')) into = out.remove;
    else if (line.startsWith('Lines To Add')) into = out.add;
    else if (into && line.trim() && !/^=+$/.test(line.trim())) into.push(line.replace(/\s+$/, ''));
  }
  return out;
}
