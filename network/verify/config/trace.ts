/**
 * `stacks verify --trace FROM TO`: the path a packet takes from one device towards a device's
 * loopback, an address, or the internet upstream, like Batfish's traceroute: each hop with the
 * route it matched, every ECMP branch, and how it ends (accepted, exits to the upstream, no route,
 * loop).
 */
import type { Family, Topology } from '../../types.js';
import { StacksError } from '../../../lib/errors.js';
import { hexOrUndefined } from './address.js';
import type { FamilyNet } from './adjacency.js';
import { prefixText } from './address.js';
import type { Forwarding } from './forwarding.js';
import { nextHopsOf } from './ribs.js';

type TraceEnd = 'accepted' | 'exits to the upstream' | 'delivered to an attached subnet' | 'no route' | 'discarded' | 'loop' | 'device down';

interface TraceHop {
  device: string;
  /** The route matched: prefix, protocol, metric. */
  route?: { prefix: string; protocol: string; metric: number };
  end?: TraceEnd;
  branches: Array<{ interface: string; via?: string; neighbour?: string; next?: TraceHop; end?: TraceEnd }>;
}

export interface Trace {
  from: string;
  to: string;
  address: string;
  family: Family;
  hop: TraceHop;
  /** Every branch arrives. */
  success: boolean;
}

export function resolveTarget(topology: Topology, to: string, family: Family): { address: string; upstream: boolean } {
  if (to === 'internet' || to === 'upstream') return { address: topology.exit.upstream[family].split('/')[0]!, upstream: true };
  const device = topology.devices.find((d) => d.id === to);
  if (device) return { address: device.loopback[family].split('/')[0]!, upstream: false };
  if (hexOrUndefined(to, family) !== undefined) return { address: to, upstream: to === topology.exit.upstream[family].split('/')[0] };
  throw new StacksError({
    code: 'E_USAGE',
    kind: 'input',
    message: `--trace: "${to}" is neither a device, an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address nor "internet"`,
    hint: 'e.g. --trace xian.beilin.t01-r1 shaanxi-r1, or … internet',
  });
}

export function traceFlow(net: FamilyNet, fw: Forwarding, from: string, to: string, address: string, upstream: boolean): Trace {
  const start = net.nodeOf.get(from);
  if (start === undefined)
    throw new StacksError({
      code: 'E_USAGE',
      kind: 'input',
      message: `--trace: no config for device "${from}"`,
      hint: 'give a device id such as xian.beilin.t01-r1',
    });
  const hex = hexOrUndefined(address, net.family)!;
  let success = true;
  const path: number[] = [];
  const hop = (node: number): TraceHop => {
    const device = net.configs[node]!.device.id;
    const here: TraceHop = { device, branches: [] };
    if (!fw.cp.nodeUp[node]) return ((success = false), { ...here, end: 'device down' });
    if (!upstream && fw.isLocal(node, hex)) return { ...here, end: 'accepted' };
    const d = fw.lookup(node, hex);
    if (!d) return ((success = false), { ...here, end: 'no route' });
    here.route = { prefix: prefixText(net.family, d.key.split('/')[0]!, d.length), protocol: d.protocol, metric: d.metric };
    if (!d.hops.length) return ((success = false), { ...here, end: 'discarded' });
    path.push(node);
    d.hops.forEach((h) => {
      const nh = nextHopsOf(net, { ...d, hops: [h] })[0]!;
      const branch: TraceHop['branches'][number] = { ...nh };
      if (h.out === 'upstream') {
        branch.end = 'exits to the upstream';
        if (!upstream) success = false;
      } else if (h.toNode === undefined) {
        branch.end = 'delivered to an attached subnet';
        if (upstream) success = false;
      } else if (path.includes(h.toNode)) {
        branch.end = 'loop';
        branch.neighbour = net.configs[h.toNode]!.device.id;
        success = false;
      } else branch.next = hop(h.toNode);
      here.branches.push(branch);
    });
    path.pop();
    return here;
  };
  const root = hop(start);
  return { from, to, address, family: net.family, hop: root, success };
}

export function renderTrace(t: Trace): string {
  const lines = [`trace ${t.from} → ${t.to} (${t.address}, ${t.family === 'ipv4' ? 'IPv4' : 'IPv6'})`];
  const walk = (h: TraceHop, depth: number, indent: string) => {
    const route = h.route ? `  [${h.route.prefix} ${h.route.protocol} metric ${h.route.metric}]` : '';
    lines.push(`${indent}${String(depth).padStart(2)} ${h.device}${route}${h.end ? `  ${h.end.toUpperCase()}` : ''}`);
    const many = h.branches.length > 1;
    h.branches.forEach((b, k) => {
      const via = `${b.interface}${b.via ? ` via ${b.via}` : ''}`;
      const sub = many ? `${indent}   ${k === h.branches.length - 1 ? '└' : '├'} ` : `${indent}   `;
      if (b.end) lines.push(`${sub}${via}${b.neighbour ? ` → ${b.neighbour}` : ''}  ${b.end.toUpperCase()}`);
      else lines.push(`${sub}${via} → ${b.neighbour}`);
      if (b.next) walk(b.next, depth + 1, many ? `${indent}     ` : indent);
    });
  };
  walk(t.hop, 1, '  ');
  lines.push(t.success ? 'every branch arrives' : 'FAILED: not every branch arrives');
  return lines.join('\n') + '\n';
}
