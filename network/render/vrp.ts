/**
 * Huawei VRP configuration of one device, from the same model as FRR: sysname, IPv6 enabled
 * globally and per interface, dotted masks for IPv4, OSPFv2 by `network` statements (wildcard masks)
 * in per-city areas, OSPFv3 enabled per interface in the backbone (why: common.ts ospfv3Area), LANs silent, explicit costs from the circuit
 * bandwidth, and on the unified exit the static defaults plus `default-route-advertise`.
 * Port names: see vrp-names.ts.
 */
import type { Device, Interface, Topology } from '../types.js';
import {
  FAST_TIMERS,
  REFERENCE_BANDWIDTH_MBPS,
  cleanDescription,
  compareAreas,
  countLines,
  defaultGateway,
  dottedMask,
  findDevice,
  interfaceArea,
  isPointToPoint,
  joinLines,
  naturalCompare,
  networkOf,
  ospfCost,
  ospfv3Area,
  type ConfigLine,
  type LineCounts,
  type RenderOptions,
} from './common.js';
import { featureLines, type FeatureContext } from './features/index.js';
import { VRP_LOOPBACK, comparePorts, vrpPorts } from './vrp-names.js';

const PROCESS = 1;

export function renderVrp(topology: Topology, deviceId: string, opts: RenderOptions = {}): string {
  return joinLines(vrpLines(topology, deviceId, opts));
}

export function vrpLineCounts(topology: Topology, deviceId: string, opts: RenderOptions = {}): LineCounts {
  return countLines(vrpLines(topology, deviceId, opts));
}

interface OspfMember {
  iface?: string;
  port: string;
  area: string;
  ipv4?: string;
  silent: boolean;
}

/**
 * Top-down in the order VRP's `display current-configuration` prints, so a router replaying the
 * file creates what each line refers to first: global switches, the features' global stanzas (ACLs,
 * key chains, BFD, NAT groups), the OSPFv3 process with its router-id (interfaces join it with
 * `ospfv3 1 area`), the interfaces — every used port `undo shutdown`, every other port of the
 * router's model (hardware.yaml) `shutdown` —, the loopback, then OSPFv2
 * (its `network` statements and `silent-interface` lines name addresses and ports that exist by
 * then; no interface line refers to it), static routes and the trailer.
 */
export function vrpLines(topology: Topology, deviceId: string, opts: RenderOptions = {}): ConfigLine[] {
  const device = findDevice(topology, deviceId);
  const lines: ConfigLine[] = [{ text: '#' }, { text: `sysname ${device.hostname}` }, { text: '#' }, { text: 'ipv6' }, { text: '#' }];
  const ctx: FeatureContext = { topology, device, opts };
  const preamble = featureLines('vrp', 'preamble', ctx);
  if (preamble.length) lines.push(...preamble, { text: '#' });
  const members: OspfMember[] = [];
  for (const { iface, port } of vrpPorts(device)) {
    const area = interfaceArea(topology, device, iface);
    if (area !== undefined) members.push({ iface: iface.name, port, area, ipv4: iface.ipv4, silent: iface.passive });
  }
  const stanzas = vrpPortStanzas(topology, device, opts, ctx);
  members.push({ port: VRP_LOOPBACK, area: device.area, ipv4: device.loopback.ipv4, silent: false });
  lines.push(...ospfv3(device, members), ...featureLines('vrp', 'ospf', ctx, 'ospf6'), { text: '#' });
  lines.push(...stanzas);
  lines.push(...loopbackStanza(device), ...featureLines('vrp', 'loopback', ctx, VRP_LOOPBACK), { text: '#' });
  lines.push(...ospfv2(device, members), ...featureLines('vrp', 'ospf', ctx, 'ospf'), { text: '#' });
  const statics = staticDefaults(topology, device);
  if (statics.length) lines.push(...statics, { text: '#' });
  const trailer = featureLines('vrp', 'trailer', ctx);
  if (trailer.length) lines.push(...trailer, { text: '#' });
  lines.push({ text: 'return' });
  return lines;
}

/**
 * The physical ports' stanzas in port order: each used port's (with its features' lines when
 * `features` is given) and, for the router's model (hardware.yaml), each unused port shut. Policy
 * NET-164 reads these back without the features (the admin state is in these lines alone).
 */
export function vrpPortStanzas(topology: Topology, device: Device, opts: RenderOptions = {}, features?: FeatureContext): ConfigLine[] {
  const stanzas: ConfigLine[] = [];
  const unused = device.hardware?.unusedPorts ?? [];
  let next = 0;
  // The model's ports no link uses, shut where they fall in port order (as the router prints them).
  const shutUpTo = (port?: string) => {
    while (next < unused.length && (port === undefined || comparePorts(unused[next]!, port) < 0)) stanzas.push(...unusedStanza(unused[next++]!));
  };
  for (const { iface, port } of vrpPorts(device)) {
    shutUpTo(port);
    stanzas.push(...interfaceStanza(iface, port, interfaceArea(topology, device, iface), opts));
    if (features) stanzas.push(...featureLines('vrp', 'interface', features, iface, port).map((l) => ({ ...l, iface: l.iface ?? iface.name })));
    stanzas.push({ text: '#' });
  }
  shutUpTo();
  return stanzas;
}

function interfaceStanza(iface: Interface, port: string, area: string | undefined, opts: RenderOptions): ConfigLine[] {
  const out = [`interface ${port}`];
  const description = cleanDescription(`${iface.name} ${iface.description}`, 242);
  // a used port is brought up explicitly: VRP ports may ship shut down, and a replayed file must open them
  out.push(` description ${description}`, ' undo shutdown');
  if (iface.ipv6) out.push(' ipv6 enable');
  if (iface.ipv4) {
    const { length } = networkOf(iface.ipv4);
    out.push(` ip address ${iface.ipv4.split('/')[0]} ${dottedMask(length)}`);
  }
  if (iface.ipv6) out.push(` ipv6 address ${iface.ipv6}`);
  if (area !== undefined) {
    const cost = ospfCost(iface.bandwidthMbps);
    out.push(` ospf cost ${cost}`);
    if (isPointToPoint(iface)) out.push(' ospf network-type p2p');
    if (opts.fastTimers && !iface.passive) out.push(` ospf timer hello ${FAST_TIMERS.helloSeconds}`, ` ospf timer dead ${FAST_TIMERS.deadSeconds}`);
    out.push(` ospfv3 ${PROCESS} area ${ospfv3Area(area)}`, ` ospfv3 cost ${cost}`);
    if (isPointToPoint(iface)) out.push(' ospfv3 network-type p2p');
    if (opts.fastTimers && !iface.passive) out.push(` ospfv3 timer hello ${FAST_TIMERS.helloSeconds}`, ` ospfv3 timer dead ${FAST_TIMERS.deadSeconds}`);
  }
  return out.map((text) => ({ text, iface: iface.name }));
}

/** A port of the router's model that no link uses: shut, so nothing plugged into it comes up (policy NET-164). */
function unusedStanza(port: string): ConfigLine[] {
  return [{ text: `interface ${port}` }, { text: ' shutdown' }, { text: '#' }];
}

function loopbackStanza(device: Device): ConfigLine[] {
  return [
    `interface ${VRP_LOOPBACK}`,
    ` description loopback ${device.id}`,
    ' ipv6 enable',
    ` ip address ${device.loopback.ipv4.split('/')[0]} 255.255.255.255`,
    ` ipv6 address ${device.loopback.ipv6}`,
    ` ospfv3 ${PROCESS} area ${ospfv3Area(device.area)}`,
  ].map((text) => ({ text }));
}

/** Areas in numeric order (0.0.0.0 first), each with its `network` statements in address order. */
function areasOf(members: OspfMember[]): Array<[string, OspfMember[]]> {
  const byArea = new Map<string, OspfMember[]>();
  for (const m of members) {
    const list = byArea.get(m.area);
    if (list) list.push(m);
    else byArea.set(m.area, [m]);
  }
  return [...byArea.entries()].sort(([a], [b]) => compareAreas(a, b));
}

function silentLines(members: OspfMember[]): ConfigLine[] {
  return members
    .filter((m) => m.silent)
    .sort((a, b) => naturalCompare(a.port, b.port))
    .map((m) => ({ text: ` silent-interface ${m.port}`, iface: m.iface }));
}

function defaultAdvertise(device: Device): ConfigLine[] {
  return device.originatesDefault ? [{ text: ` default-route-advertise cost ${device.defaultMetric ?? 10} type 2` }] : [];
}

function ospfv2(device: Device, members: OspfMember[]): ConfigLine[] {
  const out: ConfigLine[] = [
    { text: `ospf ${PROCESS} router-id ${device.routerId}` },
    ...defaultAdvertise(device),
    ...silentLines(members),
    { text: ` bandwidth-reference ${REFERENCE_BANDWIDTH_MBPS}` },
  ];
  for (const [area, inArea] of areasOf(members)) {
    out.push({ text: ` area ${area}` });
    const statements = inArea
      .filter((m) => m.ipv4)
      .map((m) => ({ m, net: networkOf(m.ipv4!) }))
      .sort((x, y) => x.net.value - y.net.value || x.net.length - y.net.length);
    for (const { m, net } of statements) out.push({ text: `  network ${net.network} ${dottedMask(net.length, true)}`, iface: m.iface });
  }
  return out;
}

function ospfv3(device: Device, members: OspfMember[]): ConfigLine[] {
  const out: ConfigLine[] = [
    { text: `ospfv3 ${PROCESS}` },
    { text: ` router-id ${device.routerId}` },
    ...defaultAdvertise(device),
    ...silentLines(members),
    { text: ` bandwidth-reference ${REFERENCE_BANDWIDTH_MBPS}` },
  ];
  for (const area of new Set(members.map((m) => ospfv3Area(m.area)))) out.push({ text: ` area ${area}` });
  return out;
}

function staticDefaults(topology: Topology, device: Device): ConfigLine[] {
  if (device.role !== 'exit') return [];
  const out: ConfigLine[] = [];
  for (const { iface, port } of vrpPorts(device).filter((p) => p.iface.kind === 'internet')) {
    const gw4 = defaultGateway(topology, device, iface, 'ipv4');
    const gw6 = defaultGateway(topology, device, iface, 'ipv6');
    out.push({ text: `ip route-static 0.0.0.0 0.0.0.0 ${port}${gw4 ? ` ${gw4}` : ''}`, iface: iface.name });
    out.push({ text: `ipv6 route-static :: 0 ${port}${gw6 ? ` ${gw6}` : ''}`, iface: iface.name });
  }
  return out;
}
