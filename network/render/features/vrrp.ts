/**
 * VRRPv3 on the LANs both routers of a site serve (issue 11 part 4), from `Interface.vrrp`.
 *
 * FRR 8.4 vrrpd: `vrrp N version 3`, priority, advertisement interval and one virtual address per
 * family on the LAN interface; vrrpd finds the macvlan devices carrying the virtual MACs itself (the
 * lab creates them, lab/host/vrrp.ts). FRR 8.4 has no object tracking, so the FRR config tracks
 * nothing: when r1 loses its uplinks it stays master and forwards the LAN's traffic over the r1–r2
 * peer link, which OSPF routes around the lost uplinks (the config verifier models exactly that).
 *
 * VRP: `vrrp version v3` once (system view), then per interface `vrrp vrid N …` (IPv4) and
 * `vrrp6 vrid N …` (IPv6, whose first virtual address is the link-local one), with
 * `track interface P reduced R` on each way out of the site, so losing all of them hands the
 * gateway to r2.
 */
import type { Interface } from '../../types.js';
import type { ConfigLine } from '../common.js';
import { vrpPorts } from '../vrp-names.js';
import type { FeatureContext, RenderFeature } from './types.js';

const advertisementMs = (ctx: FeatureContext, iface: Interface) => (ctx.opts.fastTimers ? iface.vrrp!.fastAdvertisementMs : iface.vrrp!.advertisementMs);

function frrInterface(ctx: FeatureContext, iface: Interface): ConfigLine[] {
  const g = iface.vrrp;
  if (!g) return [];
  return [
    ` vrrp ${g.vrid} version 3`,
    ` vrrp ${g.vrid} priority ${g.priority}`,
    ` vrrp ${g.vrid} advertisement-interval ${advertisementMs(ctx, iface)}`,
    ` vrrp ${g.vrid} ip ${g.virtual.ipv4}`,
    ` vrrp ${g.vrid} ipv6 ${g.virtual.ipv6}`,
  ].map((text) => ({ text }));
}

function vrpPreamble(ctx: FeatureContext): ConfigLine[] {
  return ctx.device.interfaces.some((i) => i.vrrp) ? [{ text: 'vrrp version v3' }] : [];
}

function vrpInterface(ctx: FeatureContext, iface: Interface): ConfigLine[] {
  const g = iface.vrrp;
  if (!g) return [];
  const ports = new Map(vrpPorts(ctx.device).map((p) => [p.iface.name, p.port]));
  // VRP counts whole seconds here (1–255); the lab's sub-second timers exist only on FRR.
  const seconds = Math.min(255, Math.max(1, Math.round(g.advertisementMs / 1000)));
  const out: string[] = [];
  for (const [cmd, addresses] of [
    ['vrrp', [g.virtual.ipv4]],
    ['vrrp6', [`${g.linkLocal.toUpperCase()} link-local`, g.virtual.ipv6.toUpperCase()]],
  ] as const) {
    for (const a of addresses) out.push(` ${cmd} vrid ${g.vrid} virtual-ip ${a}`);
    out.push(` ${cmd} vrid ${g.vrid} priority ${g.priority}`);
    out.push(` ${cmd} vrid ${g.vrid} timer advertise ${seconds}`);
    for (const t of g.track) {
      const port = ports.get(t);
      if (port) out.push(` ${cmd} vrid ${g.vrid} track interface ${port} reduced ${g.trackReduce}`);
    }
  }
  return out.map((text) => ({ text }));
}

export const vrrpFeature: RenderFeature = {
  id: 'vrrp',
  title: 'VRRPv3 in both families on LANs two routers serve (r1 preferred; VRP tracks the uplinks)',
  frr: { interface: frrInterface },
  vrp: { preamble: vrpPreamble, interface: vrpInterface },
};
