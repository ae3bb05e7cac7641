/**
 * The guarded internet exit on the router (issue 11 part 6), from `topology.exit.guards`
 * (network/exit-guard.ts): on VRP, ACLs and the NAT address group in the preamble (they must exist
 * before the upstream port that applies them), and on the upstream port the inbound traffic
 * filters of both families, strict uRPF, source NAT of the government ranges and one static NAT
 * (`nat server`) per declared public service.
 *
 * VRP's `traffic-filter` is stateless and, with no rule matching, permits: so each inbound ACL ends
 * in an explicit `deny`, and replies to sessions opened from inside pass by their TCP flags
 * (`tcp-flag established`: ACK or RST set, never a bare SYN) and by ICMP reply/error types. The
 * inbound ACL is matched before NAT translates, so IPv4 rules name the public addresses. UDP replies
 * are not admitted (no published service is UDP; a resolver inside would need ASPF).
 *
 * FRR has no packet filter or NAT: the lab's exit namespaces get the same guard as nftables from the
 * same model (lab/host/exit-guard.ts), so the FRR hooks are empty.
 */
import type { ExitGuard, Family } from '../../types.js';
import type { ConfigLine } from '../common.js';
import { dottedMask } from '../common.js';
import type { FeatureContext, RenderFeature } from './types.js';

/** ACL and NAT group numbers (advanced ACLs are 3000–3999 on VRP). */
const EXIT_ACL = { natInside: '3001', inbound: { ipv4: '3101', ipv6: '3102' } } as const;
const NAT_GROUP = '1';

/** Replies and errors that belong to sessions opened from inside, plus IPv6 neighbour discovery on the hand-off link. */
const REPLY_ICMP: Record<Family, string[]> = {
  ipv4: ['echo-reply', 'ttl-exceeded', 'port-unreachable', 'fragmentneed-DFset'],
  ipv6: ['echo-reply', 'hop-limit-exceeded', 'port-unreachable', 'packet-too-big', 'neighbor-solicitation', 'neighbor-advertisement'],
};

function guardOf(ctx: FeatureContext): ExitGuard | undefined {
  return ctx.topology.exit.guards?.find((g) => g.device === ctx.device.id);
}

function wildcardOf(cidr: string): string {
  const [address, length] = cidr.split('/');
  return `${address} ${dottedMask(Number(length), true)}`;
}

/** The inbound rules of one family, in order, ending in the explicit deny. */
function inboundRules(guard: ExitGuard, family: Family): string[] {
  const icmp = family === 'ipv4' ? 'icmp icmp-type' : 'icmpv6 icmp6-type';
  const rules = ['permit tcp tcp-flag established', ...REPLY_ICMP[family].map((t) => `permit ${icmp} ${t}`)];
  for (const a of guard.admit.filter((x) => x.family === family))
    rules.push(`permit ${a.protocol} destination ${family === 'ipv4' ? `${a.address} 0` : `${a.address}/128`} destination-port eq ${a.port}`);
  rules.push(family === 'ipv4' ? 'deny ip' : 'deny ipv6');
  return rules.map((r, i) => ` rule ${5 * (i + 1)} ${r}`);
}

function preamble(ctx: FeatureContext): ConfigLine[] {
  const guard = guardOf(ctx);
  if (!guard) return [];
  const out: string[] = [];
  if (guard.nat) {
    out.push(`acl number ${EXIT_ACL.natInside}`, ' description government sources translated on the way to the internet');
    guard.nat.inside.forEach((p, i) => out.push(` rule ${5 * (i + 1)} permit ip source ${wildcardOf(p)}`));
    out.push('#');
  }
  out.push(
    `acl number ${EXIT_ACL.inbound.ipv4}`,
    ' description from the internet: replies and declared public services only',
    ...inboundRules(guard, 'ipv4'),
    '#',
  );
  out.push(
    `acl ipv6 number ${EXIT_ACL.inbound.ipv6}`,
    ' description from the internet: replies and declared public services only',
    ...inboundRules(guard, 'ipv6'),
  );
  if (guard.nat) out.push('#', `nat address-group ${NAT_GROUP} ${guard.nat.poolFirst} ${guard.nat.poolLast}`);
  return out.map((text) => ({ text, iface: guard.interface }));
}

function upstreamPort(ctx: FeatureContext, iface: { name: string; kind: string }): ConfigLine[] {
  const guard = guardOf(ctx);
  if (!guard || iface.kind !== 'internet' || iface.name !== guard.interface) return [];
  const out = [
    ` traffic-filter inbound acl ${EXIT_ACL.inbound.ipv4}`,
    ` traffic-filter inbound ipv6 acl ${EXIT_ACL.inbound.ipv6}`,
    ` urpf ${guard.urpf} allow-default-route`,
    ` ipv6 urpf ${guard.urpf} allow-default-route`,
  ];
  if (guard.nat) {
    out.push(` nat outbound ${EXIT_ACL.natInside} address-group ${NAT_GROUP}`);
    for (const a of guard.admit.filter((x) => x.family === 'ipv4' && x.inside))
      out.push(` nat server protocol ${a.protocol} global ${a.address} ${a.port} inside ${a.inside} ${a.port}`);
  }
  return out.map((text) => ({ text, iface: iface.name }));
}

export const exitGuardFeature: RenderFeature = {
  id: 'exit-guard',
  title: 'internet exit: source NAT of the government ranges, inbound default-deny with the declared public services, strict uRPF',
  frr: {},
  vrp: { preamble, interface: upstreamPort },
};
