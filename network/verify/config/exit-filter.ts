/**
 * The guarded exit, asked of the parsed configs (issue 11 part 6): what does an exit's upstream
 * interface do with a packet arriving from the internet? The inbound filter is evaluated as VRP
 * does — rules in order, the first match decides, and no match (or a filter naming an ACL that does
 * not exist) permits — then, over IPv4, the packet must meet a `nat server` to reach anything
 * inside. The questions: every declared public service is admitted at every exit in both families;
 * an undeclared port of a published address, a government address over IPv6 and a connection's
 * first segment to the exit's NAT pool are not; replies to sessions opened from inside are; strict
 * uRPF is on in both families; only exits translate.
 *
 * Configs without a guard model (FRR: the lab does it in nftables, lab/host/exit-guard.ts) are not
 * asked. Pure.
 */
import { parseAddress } from '../../../lib/ip.js';
import type { Device, Family, Topology } from '../../types.js';
import type { LoadedConfig } from './adjacency.js';
import type { ConfigFinding } from './findings.js';
import type { AclRule, ParsedConfig } from './model.js';

export interface InboundProbe {
  family: Family;
  protocol: 'tcp' | 'udp' | 'icmp';
  destination: string;
  port?: number;
  /** A segment of a session opened from inside (TCP ACK set), not a new connection. */
  reply?: boolean;
  /** Addressed to the router itself (its own upstream address): no translation needed to arrive. */
  local?: boolean;
  icmpType?: string;
}

export interface InboundVerdict {
  /** The filter lets it in and, over IPv4, a static NAT gives it an inside address. */
  reachable: boolean;
  /** The filter's own decision. */
  admitted: boolean;
  /** The deciding line (rule, or the traffic-filter line when none matched). */
  line?: number;
  why: string;
}

function ruleMatches(r: AclRule, p: InboundProbe, dst: bigint): boolean {
  if (r.protocol !== 'ip' && r.protocol !== p.protocol) return false;
  if (r.destination && (dst & r.destination.care) !== r.destination.network) return false;
  if (r.destinationPort !== undefined && r.destinationPort !== p.port) return false;
  if (r.established && !p.reply) return false;
  if (r.icmpType !== undefined && r.icmpType !== p.icmpType) return false;
  // the probes come from anywhere on the internet: a rule limited to some sources does not admit them all
  return r.source === undefined || r.action === 'deny';
}

/** What `iface` (the config's name for the port) does with one probe. */
export function inboundVerdict(parsed: ParsedConfig, iface: string, probe: InboundProbe): InboundVerdict {
  const binding = parsed.guard?.interfaces.get(iface);
  const filter = binding?.inbound[probe.family];
  let admitted = true;
  let line: number | undefined;
  let why = `${iface} has no inbound ${probe.family === 'ipv4' ? 'IPv4' : 'IPv6'} filter`;
  if (filter) {
    const acl = parsed.guard!.acls.get(`${probe.family}:${filter.acl}`);
    line = filter.line;
    why = acl
      ? `no rule of ACL ${filter.acl} matches, and VRP permits what no rule matches`
      : `ACL ${filter.acl} is not defined, so the filter permits everything`;
    if (acl) {
      const dst = parseAddress(probe.destination, probe.family);
      const hit = acl.rules.find((r) => ruleMatches(r, probe, dst));
      if (hit) {
        admitted = hit.action === 'permit';
        line = hit.line;
        why = `rule ${hit.id} of ACL ${filter.acl} ${hit.action}s it`;
      }
    }
  }
  if (!admitted || probe.family === 'ipv6' || probe.reply || probe.local) return { reachable: admitted, admitted, line, why };
  const server = binding?.natServers.find((s) => s.global === probe.destination && s.globalPort === probe.port && s.protocol === probe.protocol);
  if (server) return { reachable: true, admitted, line, why: `${why}; nat server sends it to ${server.inside}:${server.insidePort}` };
  return { reachable: false, admitted, line, why: `${why}, but no nat server translates it: it reaches nothing inside` };
}

/** Ports the questions knock on besides the declared ones (remote shells, databases, SMB, RDP). */
const UNDECLARED_PORTS = [22, 23, 445, 3306, 3389, 5432];

export function exitGuardFindings(topology: Topology, configs: readonly LoadedConfig[]): ConfigFinding[] {
  const out: ConfigFinding[] = [];
  const guards = new Map((topology.exit.guards ?? []).map((g) => [g.device, g]));
  for (const c of configs) {
    if (c.dialect !== 'vrp') continue;
    const ref = (line?: number) => (line ? [{ file: c.file, line }] : [{ file: c.file, line: c.parsed.hostnameLine ?? 1 }]);
    const nat = [...(c.parsed.guard?.interfaces.values() ?? [])].some((i) => i.natOutbound.length || i.natServers.length);
    if (c.device.role !== 'exit') {
      if (nat)
        out.push({ id: 'exit.nat-off-exit', object: `device:${c.device.id}`, message: `${c.device.id} translates addresses; only the exits may`, at: ref() });
      continue;
    }
    for (const iface of c.device.interfaces.filter((i) => i.kind === 'internet'))
      out.push(...upstreamFindings(c, c.device, iface.name, guards.get(c.device.id), ref));
  }
  return out;
}

function upstreamFindings(
  c: LoadedConfig,
  device: Device,
  model: string,
  guard: NonNullable<Topology['exit']['guards']>[number] | undefined,
  ref: (line?: number) => Array<{ file: string; line: number }>,
): ConfigFinding[] {
  const out: ConfigFinding[] = [];
  const port = c.configName.get(model) ?? model;
  const object = `device:${device.id}`;
  const binding = c.parsed.guard?.interfaces.get(port);
  for (const family of ['ipv4', 'ipv6'] as const) {
    const u = binding?.urpf[family];
    if (!u || u.mode !== 'strict')
      out.push({
        id: 'exit.urpf',
        family,
        object,
        message: `${device.id} ${port} (${model}) has ${u ? `${u.mode}` : 'no'} ${family === 'ipv4' ? 'IPv4' : 'IPv6'} uRPF; the upstream interface needs strict`,
        at: ref(u?.line ?? binding?.inbound[family]?.line),
      });
  }
  const knock = (probe: InboundProbe, want: boolean, what: string) => {
    const v = inboundVerdict(c.parsed, port, probe);
    if (v.reachable !== want)
      out.push({
        id: want ? 'exit.service-blocked' : 'exit.inbound-open',
        family: probe.family,
        object,
        message: `${device.id} ${port}: ${what} ${probe.destination}${probe.port ? ` ${probe.protocol}/${probe.port}` : ''} is ${v.reachable ? 'reachable' : 'not reachable'} from the internet (${v.why})`,
        at: ref(v.line),
      });
  };
  const declared = new Set((guard?.admit ?? []).map((a) => `${a.family} ${a.address} ${a.protocol}/${a.port}`));
  for (const a of guard?.admit ?? []) {
    knock({ family: a.family, protocol: a.protocol, destination: a.address, port: a.port }, true, `the declared public service ${a.service} at`);
    for (const p of UNDECLARED_PORTS)
      if (!declared.has(`${a.family} ${a.address} tcp/${p}`))
        knock({ family: a.family, protocol: 'tcp', destination: a.address, port: p }, false, `an undeclared port of`);
  }
  // the router itself, a government address over IPv6 (no NAT hides it) and the exit's own NAT pool over IPv4
  const own = device.interfaces.find((i) => i.name === model)!;
  for (const family of ['ipv4', 'ipv6'] as const) {
    const address = own[family]?.split('/')[0];
    if (address) for (const p of UNDECLARED_PORTS) knock({ family, protocol: 'tcp', destination: address, port: p, local: true }, false, 'the exit itself at');
  }
  const core = device.loopback.ipv6.split('/')[0]!;
  for (const p of UNDECLARED_PORTS) knock({ family: 'ipv6', protocol: 'tcp', destination: core, port: p }, false, 'the government address');
  if (guard?.nat)
    for (const p of UNDECLARED_PORTS) knock({ family: 'ipv4', protocol: 'tcp', destination: guard.nat.poolFirst, port: p }, false, 'the NAT pool address');
  if (guard?.nat)
    knock({ family: 'ipv4', protocol: 'tcp', destination: guard.nat.poolFirst, port: 40000, reply: true }, true, 'a reply to a session from inside, at');
  if (guard?.nat && !binding?.natOutbound.length)
    out.push({ id: 'exit.nat-missing', family: 'ipv4', object, message: `${device.id} ${port} does not translate the government ranges`, at: ref() });
  return out;
}
