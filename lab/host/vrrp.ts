/**
 * The Linux side of VRRP in the lab (issue 11 part 4). FRR 8.4's vrrpd creates no interfaces: each
 * router of a LAN needs one macvlan per family on its LAN interface, in bridge mode (so the backup
 * still hears the master's advertisements), with the RFC 5798 virtual MAC (00:00:5e:00:01:VRID for
 * IPv4, 00:00:5e:00:02:VRID for IPv6), a random link-local address (advertisements come from it:
 * two routers with the same EUI-64 one would both be master) and the virtual address on it. vrrpd
 * then holds the backup's macvlans in protodown. Named `vrrp4-lan0-1` (family, base interface, VRID)
 * rather than FRR's example `vrrp4-<ifindex>-<vrid>`, so the name survives a re-created base link.
 *
 * The LAN itself: where two routers serve it, their LAN interfaces are veth ends whose peers sit on
 * one bridge in a namespace of its own (`stx-<lab>-lan-<site>`): a device fault on either router
 * leaves the segment, and a test's host attaches there. Idempotent like realize.ts.
 */
import type { Interface } from '../../network/types.js';
import { ipBatch } from '../shell.js';
import type { LinkInfo } from '../realize.js';
import { nsPrefix } from '../names.js';

export const LAN_BRIDGE = 'br0';
export const lanSwitchNs = (lab: string, site: string): string => `${nsPrefix(lab)}lan-${site}`;
/** The bridge port facing router N of the site. */
export const lanSwitchPort = (index: number): string => `r${index}`;

const hex = (n: number) => n.toString(16).padStart(2, '0');
const virtualMac = (family: 'ipv4' | 'ipv6', vrid: number): string => `00:00:5e:00:0${family === 'ipv4' ? 1 : 2}:${hex(vrid)}`;
const macvlanName = (family: 'ipv4' | 'ipv6', base: string, vrid: number): string => `vrrp${family === 'ipv4' ? 4 : 6}-${base}-${vrid}`.slice(0, 15);

/** `ip -batch` lines (inside the device's namespace) creating what is missing of its VRRP macvlans. */
function vrrpMacvlanCommands(lans: readonly Interface[], now: Map<string, LinkInfo>): string[] {
  const out: string[] = [];
  for (const iface of lans) {
    const g = iface.vrrp;
    if (!g || !now.has(iface.name)) continue;
    for (const family of ['ipv4', 'ipv6'] as const) {
      const name = macvlanName(family, iface.name, g.vrid);
      const prefixLength = iface[family]?.split('/')[1];
      if (!prefixLength) continue;
      const address = `${g.virtual[family]}/${prefixLength}`;
      const have = now.get(name);
      if (!have)
        if (!have)
          // iproute2 here refuses addrgenmode at creation ("Address family not supported"): set it after.
          out.push(
            `link add ${name} link ${iface.name} type macvlan mode bridge`,
            `link set dev ${name} addrgenmode random`,
            `link set dev ${name} address ${virtualMac(family, g.vrid)}`,
          );
      if (!have?.addresses.map((a) => a.toLowerCase()).includes(address.toLowerCase()))
        out.push(`addr add ${address} dev ${name}${family === 'ipv6' ? ' nodad' : ''}`);
      if (!have?.up) out.push(`link set ${name} up`);
    }
  }
  return out;
}

/**
 * What is missing of the LAN switch's bridge and its ports, up (inside the switch namespace): none
 * on a redeploy where the switch stands as it should (no `ip` process for it).
 */
export function lanSwitchCommands(ports: readonly string[], now: ReadonlyMap<string, LinkInfo>): string[] {
  const out: string[] = [];
  if (!now.has(LAN_BRIDGE)) out.push(`link add ${LAN_BRIDGE} type bridge`);
  if (!now.get(LAN_BRIDGE)?.up) out.push(`link set ${LAN_BRIDGE} up`);
  for (const p of ports) {
    const port = now.get(p);
    if (!port) continue;
    if (port.master !== LAN_BRIDGE) out.push(`link set ${p} master ${LAN_BRIDGE}`);
    if (!port.up) out.push(`link set ${p} up`);
  }
  return out;
}

export async function applyVrrpHost(ns: string, lans: readonly Interface[], now: Map<string, LinkInfo>, switchPorts?: string[]): Promise<void> {
  if (switchPorts) await ipBatch(lanSwitchCommands(switchPorts, now), ns);
  if (lans.length) await ipBatch(vrrpMacvlanCommands(lans, now), ns);
}
