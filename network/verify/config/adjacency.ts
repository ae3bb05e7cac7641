/**
 * From parsed configs and the physical wiring (the topology's links) to one family's network: the
 * interfaces that are up in the family, the OSPF adjacencies that form (both ends enabled, same
 * area, neither passive, same network type, same subnet for OSPFv2, same hello/dead, MTU and
 * authentication), the prefixes each router advertises per area, the static routes, and the
 * default origination. Every adjacency that cannot form is a finding naming both ends' lines.
 */
import type { Device, Family, Interface, Topology } from '../../types.js';
import type { DialectId } from '../../render/index.js';
import type { ConfigAddress, DefaultOrigination, OspfInterface, ParsedConfig, RoutePreferences } from './model.js';
import { OSPF_OF } from './model.js';
import { containsHex, parseCidrText } from './address.js';
import type { ConfigFinding, SourceRef } from './findings.js';
import { authMismatch } from './auth.js';
import { bfdFindings } from './bfd.js';

export interface LoadedConfig {
  device: Device;
  file: string;
  dialect: DialectId;
  parsed: ParsedConfig;
  /** Config interface name → the model's interface name (FRR: the same; VRP: port → model). */
  modelName: Map<string, string>;
  /** Model interface name → the config's. */
  configName: Map<string, string>;
}

export interface NetIface {
  node: number;
  name: string;
  model?: string;
  kind?: Interface['kind'];
  line: number;
  /** The family's addresses (IPv6: every global one), empty when none. */
  addrs: ConfigAddress[];
  /** Up in this family: not shut down, has an address, IPv6 enabled where that is asked, has carrier. */
  up: boolean;
  /** The wiring gives it carrier (PhysicalState); false: down whatever the config says, and no finding. */
  carrier: boolean;
  ospf?: OspfInterface;
  link?: string;
  /** Index of the interface at the other end of the link, when both ends are configured. */
  peer?: number;
}

export interface Edge {
  from: number;
  to: number;
  area: number;
  cost: number;
  fromIface: number;
  toIface: number;
  link: string;
}

interface Stub {
  node: number;
  area: number;
  iface: number;
  key: string;
  networkHex: string;
  length: number;
  cost: number;
}

interface ResolvedStatic {
  key: string;
  networkHex: string;
  length: number;
  iface?: number;
  nextHop?: string;
  line: number;
}

export interface FamilyNet {
  family: Family;
  configs: LoadedConfig[];
  nodeOf: Map<string, number>;
  ifaces: NetIface[];
  ifacesOf: number[][];
  edges: Edge[];
  areas: string[];
  /** Index of area 0.0.0.0, or -1. */
  backbone: number;
  stubs: Stub[];
  statics: ResolvedStatic[][];
  originate: Array<DefaultOrigination | undefined>;
  runsOspf: boolean[];
  prefs: RoutePreferences[];
  /** Link id → the directed edges it carries (none when the adjacency does not form). */
  edgesOfLink: Map<string, number[]>;
  /** Link id → both ends' interface indices. */
  endsOfLink: Map<string, number[]>;
  findings: ConfigFinding[];
}

/**
 * What the physical world does to the interfaces the configs name, as an input: a lab runs the
 * province's full configs on a scope of it, so a county's config names a downlink for every township
 * while only the ones in scope are wired, and a fault takes links down. Per device, the model
 * interface names that have carrier; the loopback always has. A device not listed: every interface
 * has carrier (the design's own view, where the wiring is the topology's).
 */
export interface PhysicalState {
  carrier: Readonly<Record<string, readonly string[]>>;
  /**
   * Addresses the environment puts on an interface beyond the config's, per device and (model)
   * interface name, as `addr/len` — the lab's stand-ins for the clouds' load balancers (service VIPs
   * on the hosting router's `lo`, which OSPF then carries as the loopback's).
   */
  addresses?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

export interface FamilyNetOptions {
  physical?: PhysicalState;
}

export const prefixKey = (networkHex: string, length: number) => `${networkHex}/${length}`;

/** FRR's cost for an interface without one: reference bandwidth over speed, which veths lack; 10 as ospfd uses. */
const DEFAULT_COST = 10;

export function buildFamilyNet(topology: Topology, configs: LoadedConfig[], family: Family, opts: FamilyNetOptions = {}): FamilyNet {
  const version = OSPF_OF[family];
  const findings: ConfigFinding[] = [];
  const nodeOf = new Map(configs.map((c, i) => [c.device.id, i]));
  const ifaces: NetIface[] = [];
  const ifacesOf: number[][] = configs.map(() => []);
  const byName = new Map<string, number>();
  const areas: string[] = [];
  const areaIndex = new Map<string, number>();
  const area = (id: string) => areaIndex.get(id) ?? (areas.push(id), areaIndex.set(id, areas.length - 1).get(id)!);

  configs.forEach((c, node) => {
    const modelIfaces = new Map(c.device.interfaces.map((i) => [i.name, i]));
    const wired = opts.physical?.carrier[c.device.id];
    const wiredSet = wired ? new Set(wired) : undefined;
    for (const ci of c.parsed.interfaces) {
      const model = c.modelName.get(ci.name);
      const own = family === 'ipv4' ? (ci.ipv4 ? [ci.ipv4] : []) : ci.ipv6;
      const extra = opts.physical?.addresses?.[c.device.id]?.[model ?? ci.name] ?? [];
      const addrs = extra.length ? [...own, ...extraAddresses(extra, family, ci.line)] : own;
      const carrier = !wiredSet || ci.loopback || wiredSet.has(model ?? ci.name);
      const up = carrier && !ci.shutdown && addrs.length > 0 && (family === 'ipv4' || ci.ipv6Enabled);
      const ospf = ci.ospf[version];
      const idx = ifaces.length;
      ifaces.push({
        node,
        name: ci.name,
        ...(model ? { model, kind: modelIfaces.get(model)?.kind } : {}),
        line: ci.line,
        addrs,
        up,
        carrier,
        ...(ospf ? { ospf } : {}),
      });
      ifacesOf[node]!.push(idx);
      byName.set(`${node}\u0000${ci.name}`, idx);
      if (ospf) area(ospf.area);
    }
  });

  const refOf = (c: LoadedConfig, line: number): SourceRef => ({ file: c.file, line });
  const edges: Edge[] = [];
  const edgesOfLink = new Map<string, number[]>();
  const endsOfLink = new Map<string, number[]>();
  for (const link of topology.links) {
    const ends = [link.a, link.b].map((end) => {
      const node = nodeOf.get(end.device);
      if (node === undefined) return undefined;
      const name = configs[node]!.configName.get(end.interface) ?? end.interface;
      const idx = byName.get(`${node}\u0000${name}`);
      return idx === undefined ? { node, missing: name } : { node, idx };
    });
    const [ea, eb] = ends;
    for (const e of ends) {
      if (e && 'missing' in e) {
        const c = configs[e.node]!;
        findings.push({
          id: 'config.missing-interface',
          family,
          object: `device:${c.device.id}`,
          message: `${c.device.id} has no interface ${e.missing} for link ${link.id}`,
          at: [refOf(c, c.parsed.hostnameLine ?? 1)],
        });
      }
    }
    if (!ea || !eb || !('idx' in ea) || !('idx' in eb) || ea.idx === undefined || eb.idx === undefined) continue;
    const ia = ifaces[ea.idx]!;
    const ib = ifaces[eb.idx]!;
    ia.link = ib.link = link.id;
    ia.peer = eb.idx;
    ib.peer = ea.idx;
    endsOfLink.set(link.id, [ea.idx, eb.idx]);
    const made = adjacency(link.id, family, configs[ea.node]!, ia, configs[eb.node]!, ib, findings);
    if (!made) continue;
    const areaIdx = area(ia.ospf!.area);
    const list: number[] = [];
    for (const [from, to, fi, ti] of [
      [ea.node, eb.node, ea.idx, eb.idx],
      [eb.node, ea.node, eb.idx, ea.idx],
    ] as const) {
      list.push(edges.length);
      edges.push({ from, to, area: areaIdx, cost: ifaces[fi]!.ospf!.cost ?? DEFAULT_COST, fromIface: fi, toIface: ti, link: link.id });
    }
    edgesOfLink.set(link.id, list);
  }

  // Internet hand-offs are wired to the upstream, not to a device of ours: the config must have them.
  for (const c of configs) {
    for (const i of c.device.interfaces) {
      if (i.link !== undefined) continue;
      const name = c.configName.get(i.name) ?? i.name;
      if (!byName.has(`${nodeOf.get(c.device.id)}\u0000${name}`)) {
        findings.push({
          id: 'config.missing-interface',
          family,
          object: `device:${c.device.id}`,
          message: `${c.device.id} has no interface ${name} (${i.kind})`,
          at: [refOf(c, c.parsed.hostnameLine ?? 1)],
        });
      }
    }
  }

  const stubs: Stub[] = [];
  ifaces.forEach((i, idx) => {
    if (!i.up || !i.ospf) return;
    const seen = new Set<string>();
    for (const a of i.addrs) {
      const key = prefixKey(a.networkHex, a.length);
      if (seen.has(key)) continue;
      seen.add(key);
      const cost = i.ospf.cost ?? (i.ospf.networkType === 'loopback' && family === 'ipv4' ? 0 : DEFAULT_COST);
      stubs.push({ node: i.node, area: area(i.ospf.area), iface: idx, key, networkHex: a.networkHex, length: a.length, cost });
    }
  });

  const statics = configs.map((c, node) =>
    c.parsed.statics
      .filter((s) => s.family === family)
      .map((s): ResolvedStatic => {
        const iface = s.interface === undefined ? undefined : byName.get(`${node}\u0000${s.interface}`);
        return {
          key: prefixKey(s.networkHex, s.length),
          networkHex: s.networkHex,
          length: s.length,
          ...(iface !== undefined ? { iface } : {}),
          ...(s.nextHopHex ? { nextHop: s.nextHopHex } : {}),
          line: s.line,
        };
      }),
  );
  const runsOspf = configs.map((c) => c.parsed.ospf[version] !== undefined);
  const originate = configs.map((c) => c.parsed.ospf[version]?.defaultOriginate);
  routerIdFindings(configs, family, findings);
  const backbone = areaIndex.get('0.0.0.0') ?? -1;
  return {
    family,
    configs,
    nodeOf,
    ifaces,
    ifacesOf,
    edges,
    areas,
    backbone,
    stubs,
    statics,
    originate,
    runsOspf,
    prefs: configs.map((c) => c.parsed.preferences),
    edgesOfLink,
    endsOfLink,
    findings,
  };
}

function extraAddresses(list: readonly string[], family: Family, line: number): ConfigAddress[] {
  const out: ConfigAddress[] = [];
  for (const cidr of list) {
    if (cidr.includes(':') !== (family === 'ipv6')) continue;
    const a = parseCidrText(cidr, family, line);
    if (typeof a !== 'string') out.push(a);
  }
  return out;
}

function describe(c: LoadedConfig, i: NetIface): string {
  return `${c.device.id} ${i.name}${i.model && i.model !== i.name ? ` (${i.model})` : ''}`;
}

/** Whether an adjacency forms over one link in one family; every reason it does not is a finding. */
function adjacency(link: string, family: Family, ca: LoadedConfig, ia: NetIface, cb: LoadedConfig, ib: NetIface, findings: ConfigFinding[]): boolean {
  const version = family === 'ipv4' ? 'OSPFv2' : 'OSPFv3';
  const object = `link:${link}`;
  const add = (id: string, message: string, lines: [number, number]) =>
    findings.push({
      id,
      family,
      object,
      message,
      at: [
        { file: ca.file, line: lines[0] },
        { file: cb.file, line: lines[1] },
      ],
    });
  const both = `${describe(ca, ia)} and ${describe(cb, ib)}`;
  const configA = ca.parsed.interfaces.find((x) => x.name === ia.name)!;
  const configB = cb.parsed.interfaces.find((x) => x.name === ib.name)!;

  if (!ia.carrier || !ib.carrier) return false; // not wired (or held down) where this runs: nothing to find
  if (configA.shutdown || configB.shutdown) {
    add('l3.interface-shutdown', `${configA.shutdown ? describe(ca, ia) : describe(cb, ib)} is shut down`, [ia.line, ib.line]);
    return false;
  }
  const addrA = ia.addrs[0];
  const addrB = ib.addrs[0];
  const fam = family === 'ipv4' ? 'IPv4' : 'IPv6';
  if (!addrA || !addrB) {
    add('l3.missing-address', `${!addrA ? describe(ca, ia) : describe(cb, ib)} has no ${fam} address`, [ia.line, ib.line]);
    return false;
  }
  let l3ok = true;
  if (addrA.networkHex !== addrB.networkHex || addrA.length !== addrB.length) {
    add('l3.subnet-mismatch', `${both} are in different ${fam} subnets (${addrA.address}/${addrA.length}, ${addrB.address}/${addrB.length})`, [
      addrA.line,
      addrB.line,
    ]);
    l3ok = !(family === 'ipv4') && containsHex(addrA.networkHex, addrA.length, addrB.hex);
  } else if (addrA.hex === addrB.hex) {
    add('l3.duplicate-address', `${both} both have ${addrA.address}`, [addrA.line, addrB.line]);
    return false;
  }
  if (!ia.up || !ib.up) return false; // IPv6 not enabled: the parser reported it
  const oa = ia.ospf;
  const ob = ib.ospf;
  if (!oa && !ob) {
    add('ospf.link-unused', `neither ${both} runs ${version}`, [ia.line, ib.line]);
    return false;
  }
  if (!oa || !ob) {
    const on = oa ? describe(ca, ia) : describe(cb, ib);
    const off = oa ? describe(cb, ib) : describe(ca, ia);
    add('ospf.half-adjacency', `${on} runs ${version} in area ${(oa ?? ob)!.area}, ${off} does not`, [oa ? oa.areaLine : ia.line, ob ? ob.areaLine : ib.line]);
    return false;
  }
  if (oa.area !== ob.area) {
    add('ospf.area-mismatch', `${both} are in different ${version} areas (${oa.area}, ${ob.area})`, [oa.areaLine, ob.areaLine]);
    return false;
  }
  if (oa.passive || ob.passive) {
    const which = [oa.passive ? describe(ca, ia) : '', ob.passive ? describe(cb, ib) : ''].filter(Boolean).join(' and ');
    add('ospf.passive-link', `${which} ${oa.passive && ob.passive ? 'are' : 'is'} passive for ${version}: no adjacency over link ${link}`, [
      oa.passiveLine ?? oa.areaLine,
      ob.passiveLine ?? ob.areaLine,
    ]);
    return false;
  }
  if (oa.networkType !== ob.networkType) {
    add('ospf.network-type-mismatch', `${both} use different ${version} network types (${oa.networkType}, ${ob.networkType})`, [ia.line, ib.line]);
    return false;
  }
  if (oa.helloSeconds !== ob.helloSeconds || oa.deadSeconds !== ob.deadSeconds) {
    add(
      'ospf.timer-mismatch',
      `${both} use different ${version} hello/dead intervals (${oa.helloSeconds}/${oa.deadSeconds}, ${ob.helloSeconds}/${ob.deadSeconds})`,
      [ia.line, ib.line],
    );
    return false;
  }
  if (configA.mtu !== configB.mtu) {
    add('ospf.mtu-mismatch', `${both} have different MTUs (${configA.mtu}, ${configB.mtu}): ${version} stays in ExStart`, [ia.line, ib.line]);
    return false;
  }
  const authProblem = authMismatch(oa, ob, [describe(ca, ia), describe(cb, ib)]);
  if (authProblem) {
    add('ospf.auth-mismatch', `${version} over link ${link}: ${authProblem}`, [oa.authentication?.line ?? ia.line, ob.authentication?.line ?? ib.line]);
    return false;
  }
  bfdFindings(link, family, [ca, cb], [ia, ib], [oa, ob], findings);
  return l3ok;
}

function routerIdFindings(configs: LoadedConfig[], family: Family, findings: ConfigFinding[]): void {
  const version = OSPF_OF[family];
  const byId = new Map<string, LoadedConfig[]>();
  for (const c of configs) {
    const p = c.parsed.ospf[version];
    if (!p) continue;
    if (!p.routerId) {
      findings.push({
        id: 'ospf.router-id-missing',
        family,
        object: `device:${c.device.id}`,
        message: `${c.device.id} has no ${version === 'v2' ? 'OSPFv2' : 'OSPFv3'} router-id (it would pick one from an interface)`,
        at: [{ file: c.file, line: p.line }],
      });
      continue;
    }
    const list = byId.get(p.routerId) ?? byId.set(p.routerId, []).get(p.routerId)!;
    list.push(c);
  }
  for (const [id, list] of byId) {
    if (list.length < 2) continue;
    findings.push({
      id: 'ospf.duplicate-router-id',
      family,
      object: `router-id:${id}`,
      message: `${list.map((c) => c.device.id).join(', ')} share ${version === 'v2' ? 'OSPFv2' : 'OSPFv3'} router-id ${id}`,
      at: list.map((c) => ({ file: c.file, line: c.parsed.ospf[version]!.routerIdLine ?? c.parsed.ospf[version]!.line })),
    });
  }
}
