/**
 * What to poll, from the model: every device of a topology (or of a deployed lab scope) with the
 * link and tier rate behind each interface and where it sits (site, city, level) for the dashboard
 * drill-down. Pure: addresses and credentials (one for all, or per device as each one's rendered
 * agent config states them) are handed in by the caller.
 */
import type { Device, Site, Topology } from '../network/types.js';
// indexed once per topology (a WeakMap): rebuilt per device, the maps made the full province's 2,052 targets take 7 s
import { indexTopology } from '../network/render/common.js';
import type { InterfaceBinding, Placement, PollTarget, SnmpCredentials } from './types.js';

/** The city a site belongs to (a city is its own city; province-level sites report the province). */
function cityOf(sites: ReadonlyMap<string, Site>, siteId: string, provinceId: string): string {
  let s = sites.get(siteId);
  while (s) {
    if (s.level === 'city') return s.id;
    if (!s.parent) break;
    s = sites.get(s.parent);
  }
  return provinceId;
}

function placementOf(topology: Topology, device: Device): Placement {
  const { sites } = indexTopology(topology);
  const site = sites.get(device.site);
  return { site: device.site, city: cityOf(sites, device.site, topology.province.id), level: site?.level ?? 'unknown' };
}

/** Interface name → link and tier rate, for every interface of the device that terminates a link. */
function interfaceBindings(topology: Topology, device: Device): Record<string, InterfaceBinding> {
  const { links } = indexTopology(topology);
  const out: Record<string, InterfaceBinding> = {};
  for (const itf of device.interfaces) {
    const link = itf.link ? links.get(itf.link) : undefined;
    if (link) out[itf.name] = { link: link.id, tier: link.tier, bandwidthMbps: link.bandwidthMbps };
  }
  return out;
}

export interface Endpoint {
  address: string;
  port: number;
}

/**
 * Poll targets for the devices of `topology` that have an endpoint (a lab scope covers a part of
 * the province: devices without an endpoint are not deployed and are not polled).
 */
export function targetsFromTopology(
  topology: Topology,
  endpoints: ReadonlyMap<string, Endpoint>,
  credentials: SnmpCredentials | ((device: string) => SnmpCredentials),
): PollTarget[] {
  const credentialsOf = typeof credentials === 'function' ? credentials : () => credentials;
  const out: PollTarget[] = [];
  for (const device of topology.devices) {
    const ep = endpoints.get(device.id);
    if (!ep) continue;
    out.push({
      device: device.id,
      address: ep.address,
      port: ep.port,
      credentials: credentialsOf(device.id),
      placement: placementOf(topology, device),
      interfaces: interfaceBindings(topology, device),
    });
  }
  return out;
}
