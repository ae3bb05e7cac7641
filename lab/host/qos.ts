/**
 * QoS per tier on the lab's Linux side (issue 11 part 5). FRR has no QoS: each end of a tiered
 * circuit gets the tier's policy (`Topology.qos`, the same data the VRP feature renders as MQC) as a
 * tc `htb` tree on its egress, at the circuit's shaped rate (tier rate / `--rate-scale`):
 *
 *   1:    htb root, unclassified traffic to the default class
 *   1:1   the circuit, rate = ceil = the shaped rate (replaces the plain tbf other links get)
 *   1:1N  one leaf per DSCP class, N = its position in the table + 1:
 *           priority  rate = ceil = its share, htb prio 0: served first, capped at the share (EF
 *                     cannot starve the rest — VRP's `queue ef bandwidth pct`)
 *           assured   rate = its share, ceil = the circuit, prio 1 (`queue af bandwidth pct`)
 *           default   rate = its share, ceil = the circuit, prio 2, htb's default (`queue wfq`)
 *         each with a bfifo of ~50 ms at its ceiling (the veth's 1,000 packets would queue seconds).
 *   filters u32 on the DS field, one per code point and family: `ip dsfield` for IPv4 (prio 1),
 *           `ip6 priority` (the traffic class) for IPv6 (prio 2). This kernel has no cls_flower,
 *           no fq_codel and no sfq (checked in /proc/config.gz): u32 and fifo leaves are what it has.
 *
 * Re-applying is idempotent and leaves no window unshaped: htb cannot `change` its root (the kernel
 * refuses), so an existing `1:` htb root is kept and its classes and filters are `replace`d in place,
 * with what the table no longer holds deleted; any other root (a fresh veth's noqueue, an old tbf)
 * is grafted over by `qdisc replace … root handle 1: htb`. Pure planning here, the tc calls at the end.
 */
import { createHash } from 'node:crypto';
import type { QosClass, QosPolicy } from '../../network/types.js';
import { run, tcBatch } from '../shell.js';

const HTB_ROOT = '1:';
const CIRCUIT_CLASS = '1:1';
const IPV4_PRIO = 1;
const IPV6_PRIO = 2;
/**
 * u32 gives each prio's filter list its own root hash table, numbered from 800: per qdisc in the
 * order the prios are created: IPv4's filters are written first, so they live in 800:, IPv6's in 801:.
 */
const U32_TABLE = { ipv4: '800', ipv6: '801' } as const;
const HTB_PRIO: Record<QosClass['queue'], number> = { priority: 0, assured: 1, default: 2 };

interface HtbLeaf {
  /** The class table's id (`realtime-video`). */
  id: string;
  classid: string;
  queue: QosClass['queue'];
  rateKbit: number;
  ceilKbit: number;
  prio: number;
  dscp: number[];
}

interface DscpFilter {
  family: 'ipv4' | 'ipv6';
  dscp: number;
  /** u32 handle within the family's hash table (`800::N`, `801::N`). */
  handle: string;
  classid: string;
}

export interface HtbShaping {
  ifname: string;
  policy: string;
  rateKbit: number;
  defaultClassid: string;
  leaves: HtbLeaf[];
  filters: DscpFilter[];
}

/** What a device's egress holds now: enough to re-apply in place (read by `readQdiscState`). */
export interface QdiscState {
  rootKind?: string;
  rootHandle?: string;
  classids: string[];
  /** `prio/handle` of the u32 filters under the root, e.g. `1/800::3`. */
  filters: string[];
}

/** The htb tree for one circuit end: the policy's shares of its shaped rate. Pure. */
export function htbShaping(ifname: string, rateKbit: number, policy: QosPolicy): HtbShaping {
  const leaves = policy.classes.map((c, i): HtbLeaf => {
    // at least 8 kbit/s per class: htb rounds smaller rates to nothing
    const share = Math.max(8, Math.floor((rateKbit * c.sharePercent) / 100));
    return {
      id: c.id,
      classid: `1:${(i + 1) * 10}`,
      queue: c.queue,
      rateKbit: share,
      ceilKbit: c.queue === 'priority' ? share : rateKbit,
      prio: HTB_PRIO[c.queue],
      dscp: [...c.dscp],
    };
  });
  const fallback = leaves.find((l) => l.queue === 'default') ?? leaves.at(-1);
  if (!fallback) throw new Error(`QoS policy ${policy.name} has no classes`);
  const filters: DscpFilter[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    let n = 0;
    for (const l of leaves)
      for (const dscp of l.dscp) filters.push({ family, dscp, handle: `${U32_TABLE[family]}::${(++n).toString(16)}`, classid: l.classid });
  }
  return { ifname, policy: policy.name, rateKbit, defaultClassid: fallback.classid, leaves, filters };
}

/** A short stable digest of the policies: the lab's state keeps it to know when to re-shape. */
export function qosFingerprint(policies: readonly QosPolicy[]): string {
  return createHash('sha256').update(JSON.stringify(policies)).digest('hex').slice(0, 16);
}

/** Bucket sizes: one timer tick at the rate (HZ ≤ 1000) and a full frame at least, as for tbf. */
const burstBytes = (kbit: number) => Math.max(16 * 1024, Math.ceil((kbit * 1000) / 8 / 100));
/**
 * DRR quantum of a leaf when classes of one prio borrow: 10 ms at its rate, at least one frame and at
 * most htb's 200,000 (htb's own rate/r2q is 100 ms and warns above the cap at the lab's faster tiers).
 */
const quantum = (kbit: number) => Math.min(200_000, Math.max(1514, Math.round((kbit * 1000) / 8 / 100)));
/** A leaf's queue: ~50 ms at its ceiling. */
const fifoBytes = (kbit: number) => Math.max(16 * 1024, Math.ceil((kbit * 1000) / 8 / 20));
const minor = (classid: string) => classid.split(':')[1]!;
/** The DS field's value and mask: DSCP is its upper six bits. */
const tos = (dscp: number) => `0x${(dscp << 2).toString(16).padStart(2, '0')} 0xfc`;

/** `tc -batch` lines that bring one interface from `now` to `s`. Pure. */
export function htbCommands(s: HtbShaping, now: QdiscState): string[] {
  const dev = `dev ${s.ifname}`;
  const out: string[] = [];
  const ours = now.rootKind === 'htb' && now.rootHandle === HTB_ROOT;
  if (!ours) out.push(`qdisc replace ${dev} root handle ${HTB_ROOT} htb default ${minor(s.defaultClassid)}`);
  const b = burstBytes(s.rateKbit);
  out.push(
    `class replace ${dev} parent ${HTB_ROOT} classid ${CIRCUIT_CLASS} htb rate ${s.rateKbit}kbit ceil ${s.rateKbit}kbit burst ${b} cburst ${b} quantum ${quantum(s.rateKbit)}`,
  );
  for (const l of s.leaves)
    out.push(
      `class replace ${dev} parent ${CIRCUIT_CLASS} classid ${l.classid} htb rate ${l.rateKbit}kbit ceil ${l.ceilKbit}kbit` +
        ` burst ${burstBytes(l.rateKbit)} cburst ${burstBytes(l.ceilKbit)} prio ${l.prio} quantum ${quantum(l.rateKbit)}`,
      `qdisc replace ${dev} parent ${l.classid} handle ${minor(l.classid)}: bfifo limit ${fifoBytes(l.ceilKbit)}`,
    );
  const wanted = new Set<string>();
  for (const f of s.filters) {
    const prio = f.family === 'ipv4' ? IPV4_PRIO : IPV6_PRIO;
    wanted.add(`${prio}/${f.handle}`);
    const proto = f.family === 'ipv4' ? 'ip' : 'ipv6';
    const match = f.family === 'ipv4' ? `ip dsfield ${tos(f.dscp)}` : `ip6 priority ${tos(f.dscp)}`;
    out.push(`filter replace ${dev} parent ${HTB_ROOT} protocol ${proto} prio ${prio} handle ${f.handle} u32 match ${match} flowid ${f.classid}`);
  }
  if (ours) {
    // what an earlier class table had and this one does not: filters first (they point at classes)
    for (const f of now.filters) {
      if (wanted.has(f)) continue;
      const [prio, handle] = f.split('/');
      out.push(`filter delete ${dev} parent ${HTB_ROOT} protocol ${Number(prio) === IPV4_PRIO ? 'ip' : 'ipv6'} prio ${prio} handle ${handle} u32`);
    }
    const leaves = new Set([CIRCUIT_CLASS, ...s.leaves.map((l) => l.classid)]);
    for (const c of now.classids) if (!leaves.has(c)) out.push(`class delete ${dev} classid ${c}`);
  }
  return out;
}

interface TcQdisc {
  kind: string;
  handle: string;
  root?: boolean;
  parent?: string;
}
interface TcFilter {
  protocol?: string;
  pref?: number;
  kind?: string;
  options?: { fh?: string };
}

export interface TcClass {
  classid: string;
  /** As tc prints it (`20Mbit`). */
  rate: string;
  ceil: string;
  bytes: number;
  packets: number;
  drops: number;
}

/**
 * `tc [-s] class show dev X` as text: iproute2 6.1 prints classes in text only, whatever `-j` says
 * (qdiscs and filters it prints as JSON). Pure.
 */
export function parseTcClasses(text: string): TcClass[] {
  const out: TcClass[] = [];
  for (const block of text.split(/^(?=class )/m)) {
    const head = /^class htb (\S+) .*?\brate (\S+) ceil (\S+)/.exec(block);
    if (!head) continue;
    const sent = /Sent (\d+) bytes (\d+) pkt \(dropped (\d+)/.exec(block);
    out.push({
      classid: head[1]!,
      rate: head[2]!,
      ceil: head[3]!,
      bytes: Number(sent?.[1] ?? 0),
      packets: Number(sent?.[2] ?? 0),
      drops: Number(sent?.[3] ?? 0),
    });
  }
  return out;
}

/** Parse `tc -j qdisc show`, `tc class show` (text) and `tc -j filter show` of one interface. Pure. */
export function parseQdiscState(qdiscs: string, classes: string, filters: string): QdiscState {
  const root = (JSON.parse(qdiscs || '[]') as TcQdisc[]).find((q) => q.root);
  const classids = parseTcClasses(classes).map((c) => c.classid);
  const fs = (JSON.parse(filters || '[]') as TcFilter[])
    // the hash tables (`800:`) are u32's own: only the nodes in them (`800::1`) are ours
    .filter((f) => f.kind === 'u32' && f.options?.fh && /^[0-9a-f]+::[0-9a-f]+$/.test(f.options.fh))
    .map((f) => `${f.pref}/${f.options!.fh}`);
  return { ...(root ? { rootKind: root.kind, rootHandle: root.handle } : {}), classids, filters: [...new Set(fs)] };
}

/** What one interface's egress holds now (three tc calls; only where our htb root may already be). */
async function readQdiscState(ns: string, ifname: string): Promise<QdiscState> {
  const tc = (args: string[], empty: string) =>
    run('tc', ['-n', ns, '-j', ...args, 'dev', ifname], { allowFail: true }).then((r) => (r.code === 0 ? r.stdout : empty));
  const qdiscs = await tc(['qdisc', 'show'], '[]');
  const root = parseQdiscState(qdiscs, '', '[]');
  if (root.rootKind !== 'htb' || root.rootHandle !== HTB_ROOT) return root;
  return parseQdiscState(qdiscs, await tc(['class', 'show'], ''), await tc(['filter', 'show', 'parent', HTB_ROOT], '[]'));
}

/**
 * Shape a namespace's tiered circuit ends with their policy (one `tc -batch` for the namespace).
 * `fresh` interfaces were created in this run: they hold nothing yet and are not read.
 */
export async function applyQosShaping(ns: string, shapings: readonly HtbShaping[], fresh: ReadonlySet<string>): Promise<void> {
  const lines: string[] = [];
  for (const s of shapings) lines.push(...htbCommands(s, fresh.has(s.ifname) ? { classids: [], filters: [] } : await readQdiscState(ns, s.ifname)));
  await tcBatch(lines, ns);
}

export interface ClassCounters extends TcClass {
  id: string;
}

/** Rates and bytes, packets and drops per DSCP class on one interface (`tc -s class show`), for tests and benches. */
export async function qosClassCounters(ns: string, ifname: string, s: HtbShaping): Promise<ClassCounters[]> {
  const classes = parseTcClasses((await run('tc', ['-n', ns, '-s', 'class', 'show', 'dev', ifname])).stdout);
  return s.leaves.map((l) => {
    const c = classes.find((x) => x.classid === l.classid);
    if (!c) throw new Error(`${ns} ${ifname}: no htb class ${l.classid} (${l.id})`);
    return { id: l.id, ...c };
  });
}
