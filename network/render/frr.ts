/**
 * FRR 8.4 configuration of one device (integrated frr.conf, as vtysh -b or frr-reload.py reads it):
 * interfaces with both families, OSPFv2 + OSPFv3 enabled per interface (`ip ospf area`, `ipv6 ospf6
 * area` — the 8.4 syntax; mixing in `network ... area` statements is refused by ospfd), p2p links,
 * passive LANs, explicit costs, and on the unified exit the static defaults and their origination.
 * No `shutdown` stanzas for unused ports (VRP has them, from hardware.yaml): an FRR device here is
 * a Linux host whose interfaces are the veths the lab creates for its links, so it has no port
 * that no link uses; and FRR's `shutdown` is zebra's admin state over a kernel interface that
 * must exist first, so naming absent ports would only add lines ospfd ignores.
 */
import type { Device, Interface, Topology } from '../types.js';
import {
  LOOPBACK_NAME,
  FAST_TIMERS,
  REFERENCE_BANDWIDTH_MBPS,
  cleanDescription,
  countLines,
  defaultGateway,
  findDevice,
  interfaceArea,
  internetInterfaces,
  isPointToPoint,
  joinLines,
  ospfCost,
  ospfv3Area,
  sortInterfaces,
  type ConfigLine,
  type LineCounts,
  type RenderOptions,
} from './common.js';
import { featureLines, type FeatureContext } from './features/index.js';

const FRR_VERSION = '8.4.4';

export function renderFrr(topology: Topology, deviceId: string, opts: RenderOptions = {}): string {
  return joinLines(frrLines(topology, deviceId, opts));
}

export function frrLineCounts(topology: Topology, deviceId: string, opts: RenderOptions = {}): LineCounts {
  return countLines(frrLines(topology, deviceId, opts));
}

export function frrLines(topology: Topology, deviceId: string, opts: RenderOptions = {}): ConfigLine[] {
  const device = findDevice(topology, deviceId);
  const lines: ConfigLine[] = [
    { text: `frr version ${FRR_VERSION}` },
    { text: 'frr defaults traditional' },
    { text: `hostname ${device.hostname}` },
    { text: 'log syslog informational' },
    { text: 'service integrated-vtysh-config' },
    { text: '!' },
  ];
  const ctx: FeatureContext = { topology, device, opts };
  const preamble = featureLines('frr', 'preamble', ctx);
  if (preamble.length) lines.push(...preamble, { text: '!' });
  for (const iface of sortInterfaces(device.interfaces)) lines.push(...interfaceStanza(ctx, iface), { text: '!' });
  lines.push(...loopbackStanza(ctx), { text: '!' });
  const statics = staticDefaults(topology, device);
  if (statics.length) lines.push(...statics, { text: '!' });
  const upstream = upstreamRouteMap(device);
  if (upstream.length) lines.push(...upstream, { text: '!' });
  lines.push(...ospfProcess(ctx, 'ospf'), { text: '!' });
  lines.push(...ospfProcess(ctx, 'ospf6'), { text: '!' });
  const trailer = featureLines('frr', 'trailer', ctx);
  if (trailer.length) lines.push(...trailer, { text: '!' });
  lines.push({ text: 'end' });
  return lines;
}

function interfaceStanza(ctx: FeatureContext, iface: Interface): ConfigLine[] {
  const { topology, device, opts } = ctx;
  const tag = iface.name;
  const out: string[] = [`interface ${iface.name}`];
  if (iface.description) out.push(` description ${cleanDescription(iface.description)}`);
  if (iface.ipv4) out.push(` ip address ${iface.ipv4}`);
  if (iface.ipv6) out.push(` ipv6 address ${iface.ipv6}`);
  const area = interfaceArea(topology, device, iface);
  if (area !== undefined) {
    const cost = ospfCost(iface.bandwidthMbps);
    for (const [v, proto] of [
      ['ip', 'ospf'],
      ['ipv6', 'ospf6'],
    ] as const) {
      out.push(` ${v} ${proto} area ${proto === 'ospf6' ? ospfv3Area(area) : area}`, ` ${v} ${proto} cost ${cost}`);
      if (isPointToPoint(iface)) out.push(` ${v} ${proto} network point-to-point`);
      if (iface.passive) out.push(` ${v} ${proto} passive`);
      if (opts.fastTimers && !iface.passive) {
        out.push(` ${v} ${proto} hello-interval ${FAST_TIMERS.helloSeconds}`, ` ${v} ${proto} dead-interval ${FAST_TIMERS.deadSeconds}`);
      }
    }
  }
  return [
    ...out.map((text) => ({ text, iface: tag })),
    ...featureLines('frr', 'interface', ctx, iface, iface.name).map((l) => ({ ...l, iface: l.iface ?? tag })),
    { text: 'exit', iface: tag },
  ];
}

/** Router id, /32 and /128 live on `lo`; OSPF advertises them as host routes: OSPFv2 in the device's area, OSPFv3 in its one area. */
function loopbackStanza(ctx: FeatureContext): ConfigLine[] {
  const { device } = ctx;
  const own = [
    `interface ${LOOPBACK_NAME}`,
    ` description loopback ${device.id}`,
    ` ip address ${device.loopback.ipv4}`,
    ` ipv6 address ${device.loopback.ipv6}`,
    ` ip ospf area ${device.area}`,
    ` ipv6 ospf6 area ${ospfv3Area(device.area)}`,
  ].map((text) => ({ text }));
  return [...own, ...featureLines('frr', 'loopback', ctx, LOOPBACK_NAME), { text: 'exit' }];
}

/** Only the unified exit has static defaults: towards its upstream, one per family and interface. */
function staticDefaults(topology: Topology, device: Device): ConfigLine[] {
  if (device.role !== 'exit') return [];
  const out: ConfigLine[] = [];
  for (const iface of internetInterfaces(device)) {
    const gw4 = defaultGateway(topology, device, iface, 'ipv4');
    const gw6 = defaultGateway(topology, device, iface, 'ipv6');
    out.push({ text: `ip route 0.0.0.0/0 ${gw4 ? `${gw4} ` : ''}${iface.name}`, iface: iface.name });
    out.push({ text: `ipv6 route ::/0 ${gw6 ? `${gw6} ` : ''}${iface.name}`, iface: iface.name });
  }
  return out.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

/**
 * Names the exit's own upstream default for ospf6d: FRR 8.4's ospf6d counts any default route in
 * zebra as present, its own OSPFv3-learned one too, so without a condition each exit keeps
 * originating on the strength of the other's default after its upstream fails, and traffic loops
 * (seen in the lab: the AS-external LSA stays while the static default is gone). ospfd ignores its
 * own routes and needs no such map. One entry per internet interface (a second `match interface` in
 * one entry would replace the first).
 */
const UPSTREAM_DEFAULT_MAP = 'UPSTREAM-DEFAULT';

function upstreamRouteMap(device: Device): ConfigLine[] {
  if (!device.originatesDefault) return [];
  return internetInterfaces(device).flatMap((iface, i) =>
    [`route-map ${UPSTREAM_DEFAULT_MAP} permit ${10 * (i + 1)}`, ` match interface ${iface.name}`, 'exit'].map((text) => ({ text, iface: iface.name })),
  );
}

function ospfProcess(ctx: FeatureContext, proto: 'ospf' | 'ospf6'): ConfigLine[] {
  const { device, opts } = ctx;
  const out = [
    `router ${proto}`,
    ` ${proto} router-id ${device.routerId}`,
    ' log-adjacency-changes',
    ` auto-cost reference-bandwidth ${REFERENCE_BANDWIDTH_MBPS}`,
  ];
  if (device.originatesDefault) {
    out.push(` default-information originate metric ${device.defaultMetric ?? 10} metric-type 2`);
    if (proto === 'ospf6' && internetInterfaces(device).length) out[out.length - 1] += ` route-map ${UPSTREAM_DEFAULT_MAP}`;
  }
  if (opts.fastTimers) {
    out.push(' timers throttle spf 0 50 500');
    if (proto === 'ospf') out.push(' timers throttle lsa all 0');
    out.push(' timers lsa min-arrival 0');
  }
  return [...out.map((text) => ({ text })), ...featureLines('frr', 'ospf', ctx, proto), { text: 'exit' }];
}
