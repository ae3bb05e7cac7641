/**
 * Reads a Huawei VRP config (what vrp.ts renders, or a hand edit of it) into the vendor-neutral
 * config model. VRP differs from FRR where it matters to the verifier: OSPFv2 areas come from
 * `network ADDRESS WILDCARD` statements matched against interface addresses (a mask written where
 * a wildcard belongs is reported, and then matched exactly as VRP would), IPv6 works only on
 * interfaces with `ipv6 enable` under a global `ipv6`, LANs are `silent-interface` in the process,
 * and statics lose to OSPF internal routes (preference 60 against 10). Every line not understood
 * is a `parse.unknown-line` finding.
 */
import { configAddress, hexOrUndefined, maskLength } from '../verify/config/address.js';
import type { ConfigAcl, OspfProcess, ParsedConfig, StaticRoute } from '../verify/config/model.js';
import { aclLine, guardInterfaceLine, guardTopLine } from './vrp-parse-guard.js';
import {
  FindingSink,
  addAddress,
  areaId,
  emptyConfig,
  finishInterface,
  interfaceDraft,
  keyFingerprint,
  numberedLines,
  positiveInt,
  routerIdOk,
  type InterfaceDraft,
  type NumberedLine,
} from '../verify/config/parse-support.js';
import {
  resolveVrpSecurity,
  vrpSecurity,
  vrpSecurityInterfaceLine,
  vrpSecurityLine,
  vrpSecurityTopLine,
  type VrpSecurity,
  type VrpSecurityContext,
} from './vrp-parse-security.js';
import { finishVrpVrrp, vrpVrrpGlobalLine, vrpVrrpLine } from './vrrp-parse.js';
import { finishVrpQos, vrpQosInterfaceLine, vrpQosStanza } from './qos-parse.js';
import { VrpManagementReader } from './management-parse.js';

const VRP_PREFERENCES = { connected: 0, static: 60, ospfInternal: 10, ospfExternal: 150 };
const VRP_TIMERS = { hello: 10, dead: 40 };
const IGNORED_PROCESS = [/^bandwidth-reference \d+$/];

interface NetworkStatement {
  networkHex: string;
  /** Bits that must match (the complement of the wildcard). */
  careHex: string;
  area: string;
  line: number;
}

type Context =
  | { kind: 'top' }
  | { kind: 'management' }
  | { kind: 'interface'; draft: InterfaceDraft }
  | { kind: 'ospf'; version: 'v2' | 'v3'; process: OspfProcess; area?: string }
  | { kind: 'keychain'; security: VrpSecurityContext }
  | { kind: 'acl'; acl: ConfigAcl }
  /** A stanza a feature's parser owns (its lines go to `line`). */
  | { kind: 'stanza'; line: (l: NumberedLine) => void };

export function parseVrp(text: string): ParsedConfig {
  const config = emptyConfig('vrp', VRP_PREFERENCES);
  const sink = new FindingSink();
  const drafts: InterfaceDraft[] = [];
  const networks: NetworkStatement[] = [];
  const silent = new Map<string, Array<{ version: 'v2' | 'v3'; line: number }>>();
  let ipv6Global = false;
  const sec = vrpSecurity();
  let ctx: Context = { kind: 'top' };
  const management = new VrpManagementReader();

  for (const l of numberedLines(text)) {
    if (!l.text) continue;
    if (l.text === '#' || l.text === 'return') {
      ctx = { kind: 'top' };
      continue;
    }
    if (l.indent === 0 && ctx.kind !== 'top') ctx = { kind: 'top' };
    if (ctx.kind === 'interface' && (vrpVrrpLine(l, ctx.draft.iface.name, config, sink) || vrpQosInterfaceLine(l, ctx.draft.iface.name, config, sink)))
      continue;
    if (ctx.kind === 'stanza') ctx.line(l);
    else if (ctx.kind === 'interface') guardInterfaceLine(l, ctx.draft.iface.name, config, sink) || interfaceLine(l, ctx.draft, sink, sec);
    else if (ctx.kind === 'acl') aclLine(l, ctx.acl, sink);
    else if (ctx.kind === 'ospf') processLine(l, ctx, sink, networks, silent);
    else if (ctx.kind === 'keychain') vrpSecurityLine(l, ctx.security, sec, sink);
    else if (ctx.kind === 'management') management.line(l, sink);
    else if (l.text === 'ipv6') ipv6Global = true;
    else if (vrpVrrpGlobalLine(l, config, sink)) continue;
    else if (management.top(l, sink)) ctx = management.inBlock ? { kind: 'management' } : ctx;
    else {
      const stanza = vrpQosStanza(l, config, sink);
      const security = stanza ? undefined : vrpSecurityTopLine(l, sec);
      if (stanza) ctx = { kind: 'stanza', line: stanza };
      else if (security === undefined) ctx = topLine(l, config, drafts, sink) ?? ctx;
      else if (security !== 'done') ctx = { kind: 'keychain', security };
    }
  }
  resolveVrpSecurity(sec, sink);

  config.interfaces = drafts.map((d) => {
    if (d.ospf.v2.area === undefined && d.iface.ipv4) {
      const hit = networks.find((n) => ipMatches(d.iface.ipv4!.hex, n));
      if (hit) {
        d.ospf.v2.area = hit.area;
        d.ospf.v2.areaLine = hit.line;
      }
    }
    for (const s of silent.get(d.iface.name) ?? []) {
      d.ospf[s.version].passive = true;
      d.ospf[s.version].passiveLine = s.line;
    }
    if (!ipv6Global) d.iface.ipv6Enabled = false;
    return finishInterface(d, VRP_TIMERS);
  });
  for (const n of networks) {
    if (!config.interfaces.some((i) => i.ipv4 && ipMatches(i.ipv4.hex, n)))
      sink.add('ospf.network-unmatched', n.line, 'this network statement covers no interface address');
  }
  for (const i of config.interfaces) {
    if (i.ipv6Enabled || (!i.ipv6.length && !i.ospf.v3)) continue;
    const line = i.ipv6[0]?.line ?? i.ospf.v3?.areaLine ?? i.line;
    sink.add(
      'l3.ipv6-disabled',
      line,
      `${i.name} has IPv6 configured but ${ipv6Global ? 'no `ipv6 enable`' : 'the global `ipv6` is missing'}: VRP neither forwards IPv6 nor runs OSPFv3 on it`,
    );
  }
  finishVrpVrrp(config);
  finishVrpQos(config, sink);
  if (management.any) config.management = management.facts;
  config.findings = sink.findings;
  return config;
}

/** VRP matches `network A W` when the address equals A in every bit the wildcard does not free. */
function ipMatches(hex: string, n: NetworkStatement): boolean {
  const a = parseInt(hex, 16);
  const care = parseInt(n.careHex, 16);
  return (a & care) >>> 0 === (parseInt(n.networkHex, 16) & care) >>> 0;
}

function topLine(l: NumberedLine, config: ParsedConfig, drafts: InterfaceDraft[], sink: FindingSink): Context | undefined {
  const w = l.words;
  if (w[0] === 'sysname' && w.length === 2) {
    config.hostname = w[1];
    config.hostnameLine = l.line;
    return undefined;
  }
  if (w[0] === 'interface' && w.length === 2) {
    if (drafts.some((d) => d.iface.name === w[1])) sink.add('parse.duplicate-interface', l.line, `interface ${w[1]} is configured twice`);
    const draft = interfaceDraft(w[1]!, l.line, /^LoopBack\d+$/i.test(w[1]!));
    draft.iface.ipv6Enabled = false;
    drafts.push(draft);
    return { kind: 'interface', draft };
  }
  if (w[0] === 'ospf' && /^\d+$/.test(w[1] ?? '') && (w.length === 2 || (w[2] === 'router-id' && w.length === 4))) {
    const process: OspfProcess = config.ospf.v2 ?? { line: l.line, redistribute: [] };
    config.ospf.v2 = process;
    if (w[3] !== undefined) setRouterId(l, process, w[3], sink);
    return { kind: 'ospf', version: 'v2', process };
  }
  if (w[0] === 'ospfv3' && /^\d+$/.test(w[1] ?? '') && w.length === 2) {
    const process: OspfProcess = config.ospf.v3 ?? { line: l.line, redistribute: [] };
    config.ospf.v3 = process;
    return { kind: 'ospf', version: 'v3', process };
  }
  if ((w[0] === 'ip' || w[0] === 'ipv6') && w[1] === 'route-static') {
    const route = staticRoute(l, w[0] === 'ip' ? 'ipv4' : 'ipv6', sink);
    if (route) config.statics.push(route);
    return undefined;
  }
  const guard = guardTopLine(l, config, sink);
  if (typeof guard === 'object') return { kind: 'acl', acl: guard };
  if (!guard) sink.unknown(l, 'at the top level');
  return undefined;
}

function setRouterId(l: NumberedLine, process: OspfProcess, id: string, sink: FindingSink): void {
  if (!routerIdOk(id)) sink.bad(l, 'router-id is not a dotted quad');
  else {
    process.routerId = id;
    process.routerIdLine = l.line;
  }
}

/** `ip route-static A MASK [PORT] [NEXTHOP] [preference N]`, `ipv6 route-static A LEN [PORT] [NEXTHOP]`. */
function staticRoute(l: NumberedLine, family: 'ipv4' | 'ipv6', sink: FindingSink): StaticRoute | undefined {
  const [, , address, lengthWord, ...rest] = l.words;
  const length = family === 'ipv4' ? maskLength(lengthWord ?? '') : /^\d+$/.test(lengthWord ?? '') ? Number(lengthWord) : undefined;
  if (address === undefined || length === undefined) {
    sink.bad(l, family === 'ipv4' ? 'static route needs an address and a contiguous mask' : 'static route needs an address and a prefix length');
    return undefined;
  }
  const p = configAddress(address, length, family, l.line);
  if (typeof p === 'string') {
    sink.bad(l, p);
    return undefined;
  }
  const route: StaticRoute = { family, networkHex: p.networkHex, length, prefix: `${address}/${length}`, line: l.line };
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    const hex = hexOrUndefined(word, family);
    if (hex !== undefined && route.nextHop === undefined) {
      route.nextHop = word;
      route.nextHopHex = hex;
    } else if (word === 'preference' && rest[i + 1] !== undefined) {
      sink.add('parse.unsupported', l.line, `static preference ${rest[++i]} is not modelled`);
    } else if (route.interface === undefined && route.nextHop === undefined && /^[A-Za-z]/.test(word)) route.interface = word;
    else {
      sink.bad(l, `unexpected "${word}" in a static route`);
      return undefined;
    }
  }
  if (!route.nextHop && !route.interface) {
    sink.bad(l, 'static route with neither next hop nor interface');
    return undefined;
  }
  return route;
}

function interfaceLine(l: NumberedLine, d: InterfaceDraft, sink: FindingSink, sec: VrpSecurity): void {
  const w = l.words;
  const iface = d.iface;
  if (w[0] === 'description') {
    iface.description = l.text.slice('description'.length).trim();
    return;
  }
  if (l.text === 'shutdown' || l.text === 'undo shutdown') {
    iface.shutdown = l.text === 'shutdown';
    iface.adminStated = { shutdown: iface.shutdown, line: l.line };
  } else if (l.text === 'ipv6 enable') iface.ipv6Enabled = true;
  else if (w[0] === 'mtu' && w.length === 2) {
    const mtu = positiveInt(w[1], 65535);
    if (mtu === undefined) sink.bad(l, 'MTU is not a number');
    else iface.mtu = mtu;
  } else if (w[0] === 'ip' && w[1] === 'address' && w.length === 4) {
    const length = maskLength(w[3]!);
    if (length === undefined) sink.bad(l, `${w[3]} is not a contiguous mask`);
    else if (iface.ipv4) sink.add('parse.secondary-address', l.line, `a second IPv4 address on ${iface.name} is not modelled`);
    else {
      const a = configAddress(w[2]!, length, 'ipv4', l.line);
      if (typeof a === 'string') sink.bad(l, a);
      else iface.ipv4 = a;
    }
  } else if (w[0] === 'ipv6' && w[1] === 'address' && w.length === 3) {
    const a = addAddress(sink, l, w[2], 'ipv6');
    if (a) iface.ipv6.push(a);
  } else if (w[0] === 'ospf' || w[0] === 'ospfv3') {
    const version = w[0] === 'ospf' ? 'v2' : 'v3';
    if (!vrpSecurityInterfaceLine(l, d, version, w.slice(1), sec, sink) && !ospfInterfaceLine(l, d, version, w.slice(1), sink))
      sink.unknown(l, `in interface ${iface.name}`);
  } else sink.unknown(l, `in interface ${iface.name}`);
}

function ospfInterfaceLine(l: NumberedLine, d: InterfaceDraft, version: 'v2' | 'v3', w: string[], sink: FindingSink): boolean {
  const o = d.ospf[version];
  // OSPFv3 is enabled per interface: `ospfv3 PROCESS area AREA`.
  if (version === 'v3' && /^\d+$/.test(w[0] ?? '') && w[1] === 'area' && w.length === 3) {
    const area = areaId(w[2]);
    if (area === undefined) return false;
    o.area = area;
    o.areaLine = l.line;
    return true;
  }
  const [key, value, third, fourth, ...more] = w;
  if (key === 'cost') {
    const cost = positiveInt(value);
    if (cost === undefined || third !== undefined) return false;
    o.cost = cost;
    return true;
  }
  if (key === 'network-type') {
    if (value === 'p2p') o.networkType = 'point-to-point';
    else if (value === 'broadcast') o.networkType = 'broadcast';
    else return false;
    return true;
  }
  if (key === 'timer' && (value === 'hello' || value === 'dead')) {
    const n = positiveInt(third);
    if (n === undefined) sink.bad(l, `${value} timer is not a number of seconds`);
    else if (value === 'hello') o.hello = n;
    else o.dead = n;
    return true;
  }
  if (version === 'v2' && key === 'authentication-mode') {
    if (value === 'simple') o.auth = `simple:${keyFingerprint([third, fourth, ...more].filter(Boolean).join(' '))}`;
    else if ((value === 'md5' || value === 'hmac-sha256') && third !== undefined)
      o.auth = `${value === 'md5' ? 'md5' : 'sha256'}:${third}:${keyFingerprint([fourth, ...more].join(' '))}`;
    else return false;
    return true;
  }
  return false;
}

function processLine(
  l: NumberedLine,
  ctx: Extract<Context, { kind: 'ospf' }>,
  sink: FindingSink,
  networks: NetworkStatement[],
  silent: Map<string, Array<{ version: 'v2' | 'v3'; line: number }>>,
): void {
  const w = l.words;
  const { version, process } = ctx;
  if (IGNORED_PROCESS.some((re) => re.test(l.text))) return;
  if (version === 'v3' && w[0] === 'router-id' && w.length === 2) return setRouterId(l, process, w[1]!, sink);
  if (w[0] === 'default-route-advertise') {
    const o = { always: false, metric: 1, metricType: 2 as 1 | 2, line: l.line };
    for (let i = 1; i < w.length; i++) {
      if (w[i] === 'always') o.always = true;
      else if (w[i] === 'cost' && positiveInt(w[i + 1], 16777214) !== undefined) o.metric = Number(w[++i]);
      else if (w[i] === 'type' && (w[i + 1] === '1' || w[i + 1] === '2')) o.metricType = Number(w[++i]) as 1 | 2;
      else return sink.unknown(l, `in ospf${version === 'v3' ? 'v3' : ''} ${process.line}`);
    }
    process.defaultOriginate = o;
    return;
  }
  if (w[0] === 'silent-interface' && w.length === 2) {
    const list = silent.get(w[1]!) ?? [];
    list.push({ version, line: l.line });
    silent.set(w[1]!, list);
    return;
  }
  if (w[0] === 'import-route' && w[1] !== undefined) {
    process.redistribute.push({ protocol: w[1], line: l.line });
    sink.add('parse.unsupported', l.line, `import-route ${w[1]}: only the default origination is modelled`);
    return;
  }
  if (w[0] === 'area' && w.length === 2) {
    const area = areaId(w[1]);
    if (area === undefined) sink.bad(l, 'area id is not valid');
    else ctx.area = area;
    return;
  }
  if (version === 'v2' && w[0] === 'network' && w.length === 3 && ctx.area !== undefined && l.indent >= 2) {
    const net = hexOrUndefined(w[1]!, 'ipv4');
    const wild = hexOrUndefined(w[2]!, 'ipv4');
    if (net === undefined || wild === undefined) return sink.bad(l, 'network statement needs an address and a wildcard');
    const care = (~parseInt(wild, 16) >>> 0).toString(16).padStart(8, '0');
    // A wildcard frees the low bits (0.0.0.255); one whose ones sit on the left is a mask written by mistake.
    if (maskLength(w[2]!) !== undefined && maskLength(hexToDotted(care)) === undefined) {
      sink.add(
        'vrp.network-mask',
        l.line,
        `${w[2]} is a mask, not a wildcard: VRP reads it as a wildcard and matches addresses by their low bits only (the wildcard of this prefix is ${hexToDotted(care)})`,
      );
    }
    networks.push({ networkHex: net, careHex: care, area: ctx.area, line: l.line });
    return;
  }
  sink.unknown(l, `in the ospf${version === 'v3' ? 'v3' : ''} process`);
}

function hexToDotted(hex: string): string {
  const n = parseInt(hex, 16);
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
