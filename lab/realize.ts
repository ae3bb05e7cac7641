/**
 * Make the host match a wiring plan: namespaces, veth pairs, addresses, shaping and management
 * paths. Idempotent by inspection — whatever already exists is kept, so a deploy interrupted half-way
 * completes on the next run without a journal of its own.
 */
import { ipBatch, run, tcBatch } from './shell.js';
import { mapLimit } from '../lib/map-limit.js';
import { runtimeError } from '../lib/errors.js';
import { MGMT_IF } from './names.js';
import { applyVrrpHost } from './host/vrrp.js';
import { applyQosShaping, htbShaping, type HtbShaping } from './host/qos.js';
import type { NamespacePlan, Wiring } from './wiring.js';

/** Sysctls every lab namespace gets before its interfaces exist (so `default.*` applies to them). */
const SYSCTLS = [
  'net.ipv4.ip_forward=1',
  'net.ipv6.conf.all.forwarding=1',
  // No duplicate address detection: addresses are usable at once, convergence is not delayed.
  'net.ipv6.conf.all.accept_dad=0',
  'net.ipv6.conf.default.accept_dad=0',
  // Keep IPv6 addresses when a fault takes a link down, so `fault ... up` restores it as it was.
  'net.ipv6.conf.all.keep_addr_on_down=1',
  'net.ipv6.conf.default.keep_addr_on_down=1',
  // Traceroute and ping answer at full speed in tests (no ICMP rate limit inside the lab).
  'net.ipv4.icmp_ratelimit=0',
  'net.ipv6.icmp.ratelimit=0',
  'net.ipv4.conf.all.ignore_routes_with_linkdown=1',
  'net.ipv6.conf.all.ignore_routes_with_linkdown=1',
];

export interface LinkInfo {
  ifname: string;
  operstate: string;
  up: boolean;
  addresses: string[];
  /** The bridge it is a port of, if any. */
  master?: string;
}

export async function listNamespaces(): Promise<string[]> {
  const r = await run('ip', ['netns', 'list'], { allowFail: true });
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(' ')[0]!)
    .filter(Boolean);
}

type IpAddrJson = Array<{
  ifname: string;
  operstate: string;
  flags: string[];
  master?: string;
  addr_info?: Array<{ local: string; prefixlen: number; scope: string }>;
}>;

function linkInfos(json: string): Map<string, LinkInfo> {
  const out = new Map<string, LinkInfo>();
  for (const l of JSON.parse(json || '[]') as IpAddrJson) {
    out.set(l.ifname, {
      ifname: l.ifname,
      operstate: l.operstate,
      up: l.flags.includes('UP'),
      addresses: (l.addr_info ?? []).filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`),
      ...(l.master ? { master: l.master } : {}),
    });
  }
  return out;
}

/** Interfaces of a namespace with their global addresses (`ip -j addr`). */
export async function readLinks(ns: string | undefined): Promise<Map<string, LinkInfo>> {
  const r = await run('ip', [...(ns ? ['-n', ns] : []), '-j', 'addr', 'show'], { allowFail: true });
  return r.code === 0 ? linkInfos(r.stdout) : new Map();
}

/**
 * readLinks for many namespaces from one process. Each process this (large) Node process spawns
 * costs ~25 ms of fork on a loaded host — one per namespace was 0.7 s of a 27-device no-op deploy —
 * while a shell forks `ip` cheaply. Names go as arguments, never into the script. A namespace that
 * is gone gets an empty map, as readLinks gives.
 */
export async function readLinksOf(namespaces: readonly string[]): Promise<Map<string, Map<string, LinkInfo>>> {
  const out = new Map<string, Map<string, LinkInfo>>();
  if (namespaces.length === 0) return out;
  // ip -j prints its array on one line: a namespace's name line, then its JSON line or "!" on failure
  const script = 'for ns in "$@"; do printf "%s\\n" "$ns"; ip -n "$ns" -j addr show 2>/dev/null || echo "!"; done';
  const r = await run('sh', ['-c', script, 'sh', ...namespaces]);
  const lines = r.stdout.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const ns = lines[i]!;
    const json = lines[i + 1]!;
    out.set(ns, json === '!' ? new Map() : linkInfos(json));
  }
  const missing = namespaces.filter((ns) => !out.has(ns));
  // the shell died part-way (killed, out of memory): say which namespaces went unread, as a runtime error
  if (missing.length)
    throw runtimeError(
      'E_LAB_READ',
      `reading the links of ${missing.length} lab namespace(s) stopped early: no answer for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
      "run the command again; if it repeats, check `ip netns list` and the host's memory",
    );
  return out;
}

export interface RealizeOptions {
  /** Interfaces a fault holds down: `ns/ifname`. They are created but not brought up. */
  heldDown?: ReadonlySet<string>;
  /** Re-apply shaping on every link (the rate scale changed); else only on links created now. */
  reshape?: boolean;
  parallel?: number;
}

export async function realize(wiring: Wiring, opts: RealizeOptions = {}): Promise<{ created: number }> {
  const heldDown = opts.heldDown ?? new Set<string>();
  const parallel = opts.parallel ?? 4;
  const existing = new Set(await listNamespaces());
  const fresh = wiring.namespaces.filter((n) => !existing.has(n.ns));
  for (const n of fresh) await run('ip', ['netns', 'add', n.ns]);
  // Only new namespaces need them (a no-op redeploy must stay cheap: every process costs here).
  await mapLimit(fresh, parallel, (n) => run('ip', ['netns', 'exec', n.ns, 'sysctl', '-qw', ...SYSCTLS]));

  const links = await readLinksOf(wiring.namespaces.map((n) => n.ns));
  const has = (ns: string, ifname: string) => links.get(ns)?.has(ifname) ?? false;

  // Create missing veth pairs straight into their namespaces with the model's names: no renaming,
  // and nothing of the lab but management ends ever appears in the host namespace.
  const create: string[] = [];
  const createdNow = new Set<string>();
  for (const v of wiring.veths) {
    if (has(v.a.ns, v.a.ifname) && has(v.b.ns, v.b.ifname)) continue;
    createdNow.add(v.id);
    create.push(`link add name ${v.a.ifname} netns ${v.a.ns} type veth peer name ${v.b.ifname} netns ${v.b.ns}`);
  }
  for (const n of wiring.namespaces) {
    if (n.mgmt && !has(n.ns, MGMT_IF)) create.push(`link add name ${MGMT_IF} netns ${n.ns} type veth peer name ${n.mgmt.hostIf}`);
  }
  await ipBatch(create);

  const hostNow = await readLinks(undefined);
  const host: string[] = [];
  for (const n of wiring.namespaces) {
    if (!n.mgmt) continue;
    const l = hostNow.get(n.mgmt.hostIf);
    if (!l?.addresses.includes(`${n.mgmt.host}/31`)) host.push(`addr replace ${n.mgmt.host}/31 dev ${n.mgmt.hostIf}`);
    if (!l?.up) host.push(`link set ${n.mgmt.hostIf} up`);
  }
  await ipBatch(host);

  // One root qdisc per interface: a tiered circuit's htb tree (its QoS classes at the rate), any
  // other shaped link a tbf.
  const shaped = new Map<string, string[]>();
  const classed = new Map<string, HtbShaping[]>();
  const freshIfs = new Map<string, Set<string>>();
  for (const v of wiring.veths) {
    if (v.rateKbit === undefined || !(opts.reshape || createdNow.has(v.id))) continue;
    for (const end of [v.a, v.b]) {
      if (v.qos) {
        classed.set(end.ns, [...(classed.get(end.ns) ?? []), htbShaping(end.ifname, v.rateKbit, v.qos)]);
        if (createdNow.has(v.id)) freshIfs.set(end.ns, (freshIfs.get(end.ns) ?? new Set()).add(end.ifname));
      } else shaped.set(end.ns, [...(shaped.get(end.ns) ?? []), tbf(end.ifname, v.rateKbit)]);
    }
  }
  // Links created above are read again, all namespaces in one process (see readLinksOf).
  const current = create.length > 0 ? await readLinksOf(wiring.namespaces.map((n) => n.ns)) : links;
  await mapLimit(wiring.namespaces, parallel, async (n) => {
    const now = current.get(n.ns)!;
    await ipBatch(namespaceCommands(n, now, heldDown), n.ns);
    await tcBatch(shaped.get(n.ns) ?? [], n.ns);
    const htb = classed.get(n.ns);
    if (htb) await applyQosShaping(n.ns, htb, freshIfs.get(n.ns) ?? new Set());
    // The links as read before this namespace's commands: those change addresses and link state
    // only, never which links exist, and what VRRP adds on top is idempotent (an extra `up` at most).
    if (n.firstHop || n.lanSwitch) await applyVrrpHost(n.ns, n.firstHop ?? [], now, n.lanSwitch?.ports);
  });
  return { created: fresh.length };
}

/**
 * A token bucket at the shaped rate. The burst must hold at least one timer tick of traffic
 * (rate/HZ, HZ ≤ 1000) and one full frame, or tbf refuses or starves the link.
 */
export function tbf(ifname: string, rateKbit: number): string {
  const burstBytes = Math.max(16 * 1024, Math.ceil((rateKbit * 1000) / 8 / 100));
  return `qdisc replace dev ${ifname} root tbf rate ${rateKbit}kbit burst ${burstBytes} latency 50ms`;
}

/** Address and link-state changes that bring one namespace to its plan. */
export function namespaceCommands(n: NamespacePlan, now: Map<string, LinkInfo>, heldDown: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  for (const [ifname, wanted] of Object.entries(n.addresses)) {
    const have = now.get(ifname)?.addresses ?? [];
    const norm = (a: string) => a.toLowerCase();
    for (const a of have) if (!wanted.map(norm).includes(norm(a))) lines.push(`addr del ${a} dev ${ifname}`);
    for (const a of wanted) if (!have.map(norm).includes(norm(a))) lines.push(`addr add ${a} dev ${ifname}`);
  }
  for (const ifname of new Set(['lo', ...Object.keys(n.addresses), ...now.keys()])) {
    if (!now.has(ifname) && !(ifname in n.addresses)) continue;
    const wantUp = !heldDown.has(`${n.ns}/${ifname}`);
    if (now.get(ifname)?.up !== wantUp) lines.push(`link set ${ifname} ${wantUp ? 'up' : 'down'}`);
  }
  // Routes go away with their interface (a fault): always put them back (only the internet has any).
  for (const r of n.routes) lines.push(`route replace ${r}`);
  return lines;
}
