/**
 * FRR 8.4 configuration of one device (integrated frr.conf, as vtysh -b or frr-reload.py reads it):
 * interfaces with both families, OSPFv2 + OSPFv3 enabled per interface (`ip ospf area`, `ipv6 ospf6
 * area` — the 8.4 syntax; mixing in `network ... area` statements is refused by ospfd), p2p links,
 * passive LANs, explicit costs, and on the unified exit the static defaults and their origination.
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
  sortInterfaces,
  type ConfigLine,
  type LineCounts,
  type RenderOptions,
} from './common.js';

export const FRR_VERSION = '8.4.4';

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
  for (const iface of sortInterfaces(device.interfaces)) lines.push(...interfaceStanza(topology, device, iface, opts), { text: '!' });
  lines.push(...loopbackStanza(device, opts), { text: '!' });
  const statics = staticDefaults(topology, device);
  if (statics.length) lines.push(...statics, { text: '!' });
  const upstream = upstreamRouteMap(device);
  if (upstream.length) lines.push(...upstream, { text: '!' });
  lines.push(...ospfProcess(device, 'ospf', opts), { text: '!' });
  lines.push(...ospfProcess(device, 'ospf6', opts), { text: '!' });
  lines.push({ text: 'end' });
  return lines;
}

function interfaceStanza(topology: Topology, device: Device, iface: Interface, opts: RenderOptions): ConfigLine[] {
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
      out.push(` ${v} ${proto} area ${area}`, ` ${v} ${proto} cost ${cost}`);
      if (isPointToPoint(iface)) out.push(` ${v} ${proto} network point-to-point`);
      if (iface.passive) out.push(` ${v} ${proto} passive`);
      if (opts.fastTimers && !iface.passive) {
        out.push(` ${v} ${proto} hello-interval ${FAST_TIMERS.helloSeconds}`, ` ${v} ${proto} dead-interval ${FAST_TIMERS.deadSeconds}`);
      }
    }
  }
  out.push('exit');
  return out.map((text) => ({ text, iface: tag }));
}

/** Router id, /32 and /128 live on `lo`; OSPF advertises them as host routes in the device's area. */
function loopbackStanza(device: Device, _opts: RenderOptions): ConfigLine[] {
  return [
    `interface ${LOOPBACK_NAME}`,
    ` description loopback ${device.id}`,
    ` ip address ${device.loopback.ipv4}`,
    ` ipv6 address ${device.loopback.ipv6}`,
    ` ip ospf area ${device.area}`,
    ` ipv6 ospf6 area ${device.area}`,
    'exit',
  ].map((text) => ({ text }));
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
export const UPSTREAM_DEFAULT_MAP = 'UPSTREAM-DEFAULT';

function upstreamRouteMap(device: Device): ConfigLine[] {
  if (!device.originatesDefault) return [];
  return internetInterfaces(device).flatMap((iface, i) =>
    [`route-map ${UPSTREAM_DEFAULT_MAP} permit ${10 * (i + 1)}`, ` match interface ${iface.name}`, 'exit'].map((text) => ({ text, iface: iface.name })),
  );
}

function ospfProcess(device: Device, proto: 'ospf' | 'ospf6', opts: RenderOptions): ConfigLine[] {
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
  out.push('exit');
  return out.map((text) => ({ text }));
}
