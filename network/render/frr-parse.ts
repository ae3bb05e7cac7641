/**
 * Reads an FRR 8.4 integrated config (what frr.ts renders, or a hand edit of it) into the
 * vendor-neutral config model (network/verify/config/model.ts). The grammar is the subset of
 * vtysh's a router of this network uses; every other line becomes a `parse.unknown-line` finding
 * with its line number rather than being skipped, so an edit the verifier does not understand is
 * never mistaken for one that does nothing.
 */
import { containsHex, hexOrUndefined, parseCidrText } from '../verify/config/address.js';
import type { ConfigAddress } from '../verify/config/model.js';
import type { DefaultOrigination, DialectBehaviour, OspfProcess, ParsedConfig, StaticRoute } from '../verify/config/model.js';
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
import { LOOPBACK_NAME } from './common.js';
import { frrSecurity, resolveFrrSecurity, securityInterfaceLine, securityLine, securityTopLine, type SecurityContext } from './frr-parse-security.js';
import { frrVrrpLine } from './vrrp-parse.js';

const FRR_PREFERENCES = { connected: 0, static: 1, ospfInternal: 110, ospfExternal: 110 };
const FRR_TIMERS = { hello: 10, dead: 40 };

/** Top-level lines that set nothing the verifier computes with. */
const IGNORED_TOP = [
  /^frr version \S+$/,
  /^frr defaults (traditional|datacenter)$/,
  /^log (syslog|stdout|file)( .*)?$/,
  /^log commands$/,
  /^service integrated-vtysh-config$/,
  /^end$/,
  /^!.*$/,
];
const IGNORED_OSPF = [
  /^log-adjacency-changes( detail)?$/,
  /^auto-cost reference-bandwidth \d+$/,
  /^timers throttle spf \d+ \d+ \d+$/,
  /^timers throttle lsa all \d+$/,
  /^timers lsa min-arrival \d+$/,
];

/** FRR 8.4 (Debian 12's), the release the lab runs and the differential check proves against. */
const FRR_BEHAVIOUR: DialectBehaviour = { ospfv3SingleAbrPath: true, ospfv3EcmpSubset: true };

interface NetworkStatement {
  cidr: ConfigAddress;
  area: string;
  line: number;
}

type RouteMapEntry = { line: number; matchInterfaces: string[] };
type Context =
  | { kind: 'top' }
  | { kind: 'interface'; draft: InterfaceDraft }
  | { kind: 'ospf'; version: 'v2' | 'v3'; process: OspfProcess }
  | { kind: 'route-map'; entry: RouteMapEntry }
  | { kind: 'security'; security: SecurityContext };

export function parseFrr(text: string): ParsedConfig {
  const config = emptyConfig('frr', FRR_PREFERENCES);
  config.behaviour = FRR_BEHAVIOUR;
  const sink = new FindingSink();
  const drafts: InterfaceDraft[] = [];
  const networks: NetworkStatement[] = [];
  const passiveByName = new Map<string, { version: 'v2' | 'v3'; line: number }[]>();
  const sec = frrSecurity();
  let ctx: Context = { kind: 'top' };

  for (const l of numberedLines(text)) {
    if (!l.text) continue;
    // key chains and bfd nest a level deeper (` exit` leaves a key or profile): their own reader
    if (ctx.kind === 'security') {
      const r = securityLine(l, ctx.security, sec, sink);
      if (r === 'consumed') continue;
      ctx = { kind: 'top' };
      if (r === 'closed') continue;
    }
    if (l.text === 'exit' || l.text === 'exit-vrf') {
      ctx = { kind: 'top' };
      continue;
    }
    // An unindented line ends the stanza it follows (vtysh accepts configs without `exit`).
    if (l.indent === 0 && ctx.kind !== 'top' && !l.text.startsWith('!')) ctx = { kind: 'top' };
    if (ctx.kind === 'interface' && frrVrrpLine(l, ctx.draft.iface.name, config, sink)) continue;
    if (ctx.kind === 'interface') {
      if (!securityInterfaceLine(l, ctx.draft, sec, sink)) interfaceLine(l, ctx.draft, sink);
    } else if (ctx.kind === 'ospf') ospfLine(l, ctx.version, ctx.process, sink, networks, passiveByName);
    else if (ctx.kind === 'route-map') routeMapLine(l, ctx.entry, sink);
    else {
      const security = securityTopLine(l, sec, sink);
      ctx = security ? { kind: 'security', security } : (topLine(l, config, drafts, sink) ?? ctx);
    }
  }

  resolveFrrSecurity(sec, sink);
  config.interfaces = drafts.map((d) => {
    const v2 = d.ospf.v2;
    // `network … area` statements put every interface whose address they cover in their area.
    if (v2.area === undefined && d.iface.ipv4) {
      const hit = networks.find((n) => containsHex(n.cidr.networkHex, n.cidr.length, d.iface.ipv4!.hex));
      if (hit) {
        v2.area = hit.area;
        v2.areaLine = hit.line;
      }
    }
    for (const p of passiveByName.get(d.iface.name) ?? []) {
      d.ospf[p.version].passive = true;
      d.ospf[p.version].passiveLine = p.line;
    }
    return finishInterface(d, FRR_TIMERS);
  });
  for (const n of networks) {
    if (!config.interfaces.some((i) => i.ipv4 && containsHex(n.cidr.networkHex, n.cidr.length, i.ipv4.hex))) {
      sink.add('ospf.network-unmatched', n.line, 'this network statement covers no interface address');
    }
  }
  resolveRouteMaps(config, sink);
  config.findings = sink.findings;
  return config;
}

/** Inside `route-map NAME permit N`: only `match interface IFNAME` is modelled; anything else is reported. */
function routeMapLine(l: NumberedLine, entry: RouteMapEntry, sink: FindingSink): void {
  if (l.words[0] === 'match' && l.words[1] === 'interface' && l.words.length === 3) entry.matchInterfaces.push(l.words[2]!);
  else sink.unknown(l, 'in route-map');
}

/** A default origination that names a route map takes its interfaces; a map that is not defined is a finding. */
function resolveRouteMaps(config: ParsedConfig, sink: FindingSink): void {
  for (const p of Object.values(config.ospf)) {
    const rm = p?.defaultOriginate?.routeMap;
    if (!rm) continue;
    const map = config.routeMaps?.get(rm.name);
    if (!map) sink.add('ref.undefined-route-map', p!.defaultOriginate!.line, `route-map ${rm.name} is not defined`);
    else rm.matchInterfaces = map.matchInterfaces;
  }
}

function topLine(l: NumberedLine, config: ParsedConfig, drafts: InterfaceDraft[], sink: FindingSink): Context | undefined {
  const w = l.words;
  if (IGNORED_TOP.some((re) => re.test(l.text))) return undefined;
  if (w[0] === 'hostname' && w.length === 2) {
    config.hostname = w[1];
    config.hostnameLine = l.line;
    return undefined;
  }
  if (w[0] === 'interface' && w.length === 2) {
    const draft = interfaceDraft(w[1]!, l.line, w[1] === LOOPBACK_NAME);
    if (drafts.some((d) => d.iface.name === w[1])) sink.add('parse.duplicate-interface', l.line, `interface ${w[1]} is configured twice`);
    drafts.push(draft);
    return { kind: 'interface', draft };
  }
  if (w[0] === 'router' && (w[1] === 'ospf' || w[1] === 'ospf6') && w.length === 2) {
    const version = w[1] === 'ospf' ? 'v2' : 'v3';
    const process: OspfProcess = config.ospf[version] ?? { line: l.line, redistribute: [] };
    config.ospf[version] = process;
    return { kind: 'ospf', version, process };
  }
  if (w[0] === 'route-map' && w.length === 4 && (w[2] === 'permit' || w[2] === 'deny') && positiveInt(w[3], 65535) !== undefined) {
    if (w[2] === 'deny') {
      sink.add('parse.unsupported', l.line, `route-map ${w[1]} deny: only permit entries are modelled`);
      return undefined;
    }
    config.routeMaps ??= new Map();
    // entries of one map are ORed: their interfaces together are what the map admits
    const entry = config.routeMaps.get(w[1]!) ?? { line: l.line, matchInterfaces: [] };
    config.routeMaps.set(w[1]!, entry);
    return { kind: 'route-map', entry };
  }
  if ((w[0] === 'ip' || w[0] === 'ipv6') && w[1] === 'route') {
    const route = staticRoute(l, w[0] === 'ip' ? 'ipv4' : 'ipv6', sink);
    if (route) config.statics.push(route);
    return undefined;
  }
  sink.unknown(l, 'at the top level');
  return undefined;
}

/** `ip route P [NEXTHOP] [IFNAME] [DISTANCE]` (either of next hop and interface may be absent). */
function staticRoute(l: NumberedLine, family: 'ipv4' | 'ipv6', sink: FindingSink): StaticRoute | undefined {
  const [, , prefix, ...rest] = l.words;
  const p = prefix === undefined ? 'no prefix' : parseCidrText(prefix, family, l.line);
  if (typeof p === 'string') {
    sink.bad(l, p);
    return undefined;
  }
  const route: StaticRoute = { family, networkHex: p.networkHex, length: p.length, prefix: prefix!, line: l.line };
  if (p.hex !== p.networkHex) sink.add('parse.bad-value', l.line, `${prefix} has host bits set`);
  for (const word of rest) {
    const hex = hexOrUndefined(word, family);
    if (hex !== undefined && route.nextHop === undefined) {
      route.nextHop = word;
      route.nextHopHex = hex;
    } else if (/^\d+$/.test(word) && route.interface === undefined && route.nextHop !== undefined) {
      // A distance after the next hop: the verifier keeps FRR's default preference for statics.
      sink.add('parse.unsupported', l.line, `static route distance ${word} is not modelled`);
    } else if (route.interface === undefined && /^[A-Za-z]/.test(word) && word !== 'blackhole' && word !== 'reject') route.interface = word;
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

function interfaceLine(l: NumberedLine, d: InterfaceDraft, sink: FindingSink): void {
  const w = l.words;
  const iface = d.iface;
  if (w[0] === 'description') {
    iface.description = l.text.slice('description'.length).trim();
    return;
  }
  if (l.text === 'shutdown' || l.text === 'no shutdown') {
    iface.shutdown = l.text === 'shutdown';
    iface.adminStated = { shutdown: iface.shutdown, line: l.line };
    return;
  }
  if (w[0] === 'mtu' && w.length === 2) {
    const mtu = positiveInt(w[1], 65535);
    if (mtu === undefined) sink.bad(l, 'MTU is not a number');
    else iface.mtu = mtu;
    return;
  }
  if (w[0] === 'ip' && w[1] === 'address' && w.length === 3) {
    if (iface.ipv4) sink.add('parse.secondary-address', l.line, `a second IPv4 address on ${iface.name} is not modelled`);
    else iface.ipv4 = addAddress(sink, l, w[2], 'ipv4');
    return;
  }
  if (w[0] === 'ipv6' && w[1] === 'address' && w.length === 3) {
    const a = addAddress(sink, l, w[2], 'ipv6');
    if (a) iface.ipv6.push(a);
    return;
  }
  if ((w[0] === 'ip' && w[1] === 'ospf') || (w[0] === 'ipv6' && w[1] === 'ospf6')) {
    if (!ospfInterfaceLine(l, d.ospf[w[0] === 'ip' ? 'v2' : 'v3'], w.slice(2), w[0] === 'ip', sink)) sink.unknown(l, `in interface ${iface.name}`);
    return;
  }
  sink.unknown(l, `in interface ${iface.name}`);
}

/** `ip ospf …` / `ipv6 ospf6 …` after the protocol words; false when not understood. */
function ospfInterfaceLine(l: NumberedLine, o: InterfaceDraft['ospf']['v2'], w: string[], v2: boolean, sink: FindingSink): boolean {
  const [key, value, ...more] = w;
  switch (key) {
    case 'area': {
      const area = areaId(value);
      if (area === undefined || more.length) return false;
      o.area = area;
      o.areaLine = l.line;
      return true;
    }
    case 'cost': {
      const cost = positiveInt(value);
      if (cost === undefined) sink.bad(l, 'cost is not 1–65535');
      else o.cost = cost;
      return true;
    }
    case 'network':
      if (value === 'point-to-point') o.networkType = 'point-to-point';
      else if (value === 'broadcast') o.networkType = 'broadcast';
      else return false;
      return true;
    case 'passive':
      if (value !== undefined) return false;
      o.passive = true;
      o.passiveLine = l.line;
      return true;
    case 'hello-interval':
    case 'dead-interval': {
      const n = positiveInt(value);
      if (n === undefined) sink.bad(l, `${key} is not a number of seconds`);
      else if (key === 'hello-interval') o.hello = n;
      else o.dead = n;
      return true;
    }
    case 'authentication':
      if (!v2) return false;
      o.auth =
        value === 'message-digest' ? (o.auth?.startsWith('md5') ? o.auth : 'md5') : value === 'null' ? 'none' : value === undefined ? 'simple' : 'unknown';
      return true;
    case 'message-digest-key':
      if (!v2 || more[0] !== 'md5' || more[1] === undefined) return false;
      o.auth = `md5:${value}:${keyFingerprint(more[1])}`;
      return true;
    case 'authentication-key':
      if (!v2 || value === undefined) return false;
      o.auth = `simple:${keyFingerprint(value)}`;
      return true;
    default:
      return false;
  }
}

function ospfLine(
  l: NumberedLine,
  version: 'v2' | 'v3',
  process: OspfProcess,
  sink: FindingSink,
  networks: NetworkStatement[],
  passive: Map<string, { version: 'v2' | 'v3'; line: number }[]>,
): void {
  const w = l.words;
  if (IGNORED_OSPF.some((re) => re.test(l.text))) return;
  const idWord = version === 'v2' ? 'ospf' : 'ospf6';
  if ((w[0] === idWord && w[1] === 'router-id' && w.length === 3) || (w[0] === 'router-id' && w.length === 2)) {
    const id = w[w.length - 1];
    if (!routerIdOk(id)) sink.bad(l, 'router-id is not a dotted quad');
    else {
      process.routerId = id;
      process.routerIdLine = l.line;
    }
    return;
  }
  if (w[0] === 'default-information' && w[1] === 'originate') {
    const o: DefaultOrigination = { always: false, metric: 10, metricType: 2, line: l.line };
    for (let i = 2; i < w.length; i++) {
      if (w[i] === 'always') o.always = true;
      else if (w[i] === 'metric' && positiveInt(w[i + 1], 16777214) !== undefined) o.metric = Number(w[++i]);
      else if (w[i] === 'metric-type' && (w[i + 1] === '1' || w[i + 1] === '2')) o.metricType = Number(w[++i]) as 1 | 2;
      else if (w[i] === 'route-map' && w[i + 1] !== undefined) o.routeMap = { name: w[++i]! };
      else {
        sink.unknown(l, `in router ${idWord}`);
        return;
      }
    }
    process.defaultOriginate = o;
    return;
  }
  if (w[0] === 'redistribute' && w[1] !== undefined) {
    process.redistribute.push({ protocol: w[1], line: l.line });
    sink.add('parse.unsupported', l.line, `redistribute ${w[1]}: only the default origination is modelled`);
    return;
  }
  if (version === 'v2' && w[0] === 'network' && w[2] === 'area' && w.length === 4) {
    const area = areaId(w[3]);
    const cidr = parseCidrText(w[1]!, 'ipv4', l.line);
    if (area === undefined || typeof cidr === 'string') sink.bad(l, typeof cidr === 'string' ? cidr : 'area id is not valid');
    else networks.push({ cidr, area, line: l.line });
    return;
  }
  if (w[0] === 'passive-interface' && w.length === 2) {
    const list = passive.get(w[1]!) ?? [];
    list.push({ version, line: l.line });
    passive.set(w[1]!, list);
    return;
  }
  sink.unknown(l, `in router ${idWord}`);
}
