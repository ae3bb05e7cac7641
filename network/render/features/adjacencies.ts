/**
 * Which of a device's interfaces form OSPF adjacencies — the ones that get authentication and BFD:
 * every interface on a link of ours that is not passive (uplinks, downlinks, r1–r2, exit–core).
 * Passive LANs and the clouds' hand-offs form none; the internet hand-off is outside OSPF.
 */
import type { Device, Interface, Link, Topology } from '../../types.js';
import { indexTopology, interfaceArea } from '../common.js';

export interface AdjacencyInterface {
  iface: Interface;
  area: string;
  link: Link;
}

export function adjacencyInterface(topology: Topology, device: Device, iface: Interface): AdjacencyInterface | undefined {
  if (iface.passive || iface.link === undefined || iface.kind === 'lan' || iface.kind === 'internet' || iface.kind === 'cloud') return undefined;
  const area = interfaceArea(topology, device, iface);
  const link = indexTopology(topology).links.get(iface.link);
  return area === undefined || !link ? undefined : { iface, area, link };
}

/** The device's adjacency interfaces, in the device's interface order. */
export function adjacencyInterfaces(topology: Topology, device: Device): AdjacencyInterface[] {
  return device.interfaces.map((i) => adjacencyInterface(topology, device, i)).filter((a): a is AdjacencyInterface => a !== undefined);
}
