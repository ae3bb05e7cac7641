/**
 * The VRP lines of the guarded exit (features/exit-guard.ts) read into the config model's `guard`:
 * `acl number N` / `acl ipv6 number N` with their rules, `nat address-group`, and on an interface
 * `traffic-filter inbound [ipv6] acl N`, `[ipv6] urpf strict|loose [allow-default-route]`,
 * `nat outbound ACL address-group G` and `nat server protocol … global … inside …`. A rule this
 * reader does not understand is a finding, like every other line of the parser.
 */
import { parseAddress } from '../../lib/ip.js';
import type { Family } from '../types.js';
import type { AclMatch, AclRule, ConfigAcl, ExitGuardConfig, InterfaceGuard, ParsedConfig } from '../verify/config/model.js';
import { positiveInt, type FindingSink, type NumberedLine } from '../verify/config/parse-support.js';

const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };
const ALL: Record<Family, bigint> = { ipv4: (1n << 32n) - 1n, ipv6: (1n << 128n) - 1n };

function guardOf(config: ParsedConfig): ExitGuardConfig {
  config.guard ??= { acls: new Map(), natGroups: new Map(), interfaces: new Map() };
  return config.guard;
}

/** A top-level guard line: returns the ACL whose rules follow, `true` when consumed, `false` when not ours. */
export function guardTopLine(l: NumberedLine, config: ParsedConfig, sink: FindingSink): ConfigAcl | boolean {
  const w = l.words;
  if (w[0] === 'acl') {
    const v6 = w[1] === 'ipv6';
    const rest = w.slice(v6 ? 2 : 1);
    if (rest[0] !== 'number' || rest.length !== 2 || positiveInt(rest[1], 3999) === undefined) return false;
    const family: Family = v6 ? 'ipv6' : 'ipv4';
    const key = `${family}:${rest[1]}`;
    const guard = guardOf(config);
    if (guard.acls.has(key)) sink.add('parse.duplicate-acl', l.line, `${v6 ? 'IPv6 ' : ''}ACL ${rest[1]} is defined twice`);
    const acl: ConfigAcl = { family, number: rest[1]!, line: l.line, rules: [] };
    guard.acls.set(key, acl);
    return acl;
  }
  if (w[0] === 'nat' && w[1] === 'address-group' && w.length === 5) {
    if (!isAddress(w[3]!, 'ipv4') || !isAddress(w[4]!, 'ipv4')) {
      sink.bad(l, 'a NAT address group needs a first and a last IPv4 address');
      return true;
    }
    guardOf(config).natGroups.set(w[2]!, { first: w[3]!, last: w[4]!, line: l.line });
    return true;
  }
  return false;
}

/** One line inside `acl … number N`. */
export function aclLine(l: NumberedLine, acl: ConfigAcl, sink: FindingSink): void {
  const w = l.words;
  if (w[0] === 'description') return;
  const id = positiveInt(w[1]);
  if (w[0] !== 'rule' || id === undefined || (w[2] !== 'permit' && w[2] !== 'deny')) return sink.unknown(l, `in ACL ${acl.number}`);
  const rule = aclRule(l, acl.family, id, w[2], w.slice(3));
  if (typeof rule === 'string') return sink.bad(l, rule);
  if (acl.rules.some((r) => r.id === id)) sink.add('parse.duplicate-rule', l.line, `rule ${id} appears twice in ACL ${acl.number}`);
  acl.rules.push(rule);
  acl.rules.sort((a, b) => a.id - b.id);
}

function aclRule(l: NumberedLine, family: Family, id: number, action: 'permit' | 'deny', w: string[]): AclRule | string {
  const proto = w[0];
  const protocols: Record<string, AclRule['protocol']> =
    family === 'ipv4' ? { ip: 'ip', tcp: 'tcp', udp: 'udp', icmp: 'icmp' } : { ipv6: 'ip', tcp: 'tcp', udp: 'udp', icmpv6: 'icmp' };
  if (proto === undefined || !protocols[proto]) return `"${proto ?? ''}" is not a protocol of an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} ACL rule`;
  const rule: AclRule = { line: l.line, id, action, protocol: protocols[proto]! };
  for (let i = 1; i < w.length; i++) {
    const word = w[i]!;
    if (word === 'source' || word === 'destination') {
      const m = family === 'ipv4' ? wildcardMatch(w[i + 1], w[i + 2]) : prefixMatch(w[i + 1]);
      if (!m) return `${word} needs ${family === 'ipv4' ? 'an address and a wildcard' : 'a prefix'}`;
      rule[word] = m;
      i += family === 'ipv4' ? 2 : 1;
    } else if (word === 'destination-port' && w[i + 1] === 'eq' && positiveInt(w[i + 2]) !== undefined && (proto === 'tcp' || proto === 'udp')) {
      rule.destinationPort = Number(w[i + 2]);
      i += 2;
    } else if (word === 'tcp-flag' && w[i + 1] === 'established' && proto === 'tcp') {
      rule.established = true;
      i += 1;
    } else if ((word === 'icmp-type' || word === 'icmp6-type') && w[i + 1] !== undefined && rule.protocol === 'icmp') {
      rule.icmpType = w[++i];
    } else return `unexpected "${word}" in an ACL rule`;
  }
  return rule;
}

function isAddress(text: string, family: Family): boolean {
  try {
    parseAddress(text, family);
    return true;
  } catch {
    return false;
  }
}

function wildcardMatch(address: string | undefined, wildcard: string | undefined): AclMatch | undefined {
  if (!address || !wildcard || !isAddress(address, 'ipv4') || (wildcard !== '0' && !isAddress(wildcard, 'ipv4'))) return undefined;
  // VRP writes a single host as wildcard `0`.
  const care = ~parseAddress(wildcard === '0' ? '0.0.0.0' : wildcard, 'ipv4') & ALL.ipv4;
  return { network: parseAddress(address, 'ipv4') & care, care, text: `${address} ${wildcard}` };
}

function prefixMatch(cidr: string | undefined): AclMatch | undefined {
  const [address, length] = (cidr ?? '').split('/');
  const n = Number(length);
  if (!address || !isAddress(address, 'ipv6') || !Number.isInteger(n) || n < 0 || n > BITS.ipv6) return undefined;
  const care = (ALL.ipv6 << BigInt(BITS.ipv6 - n)) & ALL.ipv6;
  return { network: parseAddress(address, 'ipv6') & care, care, text: cidr! };
}

function interfaceGuard(config: ParsedConfig, name: string): InterfaceGuard {
  const guard = guardOf(config);
  let g = guard.interfaces.get(name);
  if (!g) {
    g = { inbound: {}, urpf: {}, natOutbound: [], natServers: [] };
    guard.interfaces.set(name, g);
  }
  return g;
}

/** A guard line inside `interface NAME`; false when the line is not one. */
export function guardInterfaceLine(l: NumberedLine, name: string, config: ParsedConfig, sink: FindingSink): boolean {
  const w = l.words;
  if (w[0] === 'traffic-filter' && w[1] === 'inbound') {
    const v6 = w[2] === 'ipv6';
    const rest = w.slice(v6 ? 3 : 2);
    if (rest[0] !== 'acl' || rest.length !== 2 || positiveInt(rest[1], 3999) === undefined) return false;
    interfaceGuard(config, name).inbound[v6 ? 'ipv6' : 'ipv4'] = { acl: rest[1]!, line: l.line };
    return true;
  }
  const urpfAt = w[0] === 'urpf' ? 1 : w[0] === 'ipv6' && w[1] === 'urpf' ? 2 : 0;
  if (urpfAt) {
    const mode = w[urpfAt];
    const tail = w.slice(urpfAt + 1);
    if ((mode !== 'strict' && mode !== 'loose') || tail.some((x) => x !== 'allow-default-route')) return false;
    interfaceGuard(config, name).urpf[urpfAt === 1 ? 'ipv4' : 'ipv6'] = { mode, allowDefault: tail.length > 0, line: l.line };
    return true;
  }
  if (w[0] === 'nat' && w[1] === 'outbound' && w[3] === 'address-group' && w.length === 5) {
    interfaceGuard(config, name).natOutbound.push({ acl: w[2]!, group: w[4]!, line: l.line });
    return true;
  }
  if (w[0] === 'nat' && w[1] === 'server' && w[2] === 'protocol' && w[4] === 'global' && w[7] === 'inside' && w.length === 10) {
    const protocol = w[3];
    const gp = positiveInt(w[6]);
    const ip = positiveInt(w[9]);
    if ((protocol !== 'tcp' && protocol !== 'udp') || gp === undefined || ip === undefined || !isAddress(w[5]!, 'ipv4') || !isAddress(w[8]!, 'ipv4')) {
      sink.bad(l, 'nat server needs tcp|udp, a global address and port, and an inside address and port');
      return true;
    }
    interfaceGuard(config, name).natServers.push({ protocol, global: w[5]!, globalPort: gp, inside: w[8]!, insidePort: ip, line: l.line });
    return true;
  }
  return false;
}
