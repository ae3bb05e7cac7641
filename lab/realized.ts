/**
 * The topology a lab realizes right now, as plain data: what the config-level verifier must compute
 * over so that its RIBs can be compared with the lab's FRR. Pure.
 *
 * A lab runs the province's full configs (a county router's config names a downlink for every one
 * of its townships) on a scope of it, so the physical truth is smaller than the model:
 * - devices: those in scope; each keeps only the interfaces the lab created (links with both ends in
 *   scope, LANs, the exit's hand-off to the internet namespace), so an interface the config names but
 *   the lab never wired has no connected route, as on the running router;
 * - links: those in scope, minus those the lab's faults hold down (a cut link loses carrier at both
 *   ends, so both interfaces go too); LANs and a hosted cloud's provider/tenant hand-offs are veths
 *   inside the device (lab/wiring.ts), always there; a device fault takes every interface of the device (its
 *   loopback stays: `lo` is never set down);
 * - the exit hand-offs: those of exits in scope whose upstream is not held down. The internet
 *   namespace holds `exit.upstream` and answers for every hand-off, as the model's upstream does.
 */
import type { Device, Topology } from '../network/types.js';
import type { ScopedTopology } from './scope.js';
import type { LabState } from './state.js';
import { faultedLinkIds } from './faults.js';

export function realizedTopology(scoped: ScopedTopology, state: LabState): Topology {
  const downDevices = new Set(state.faults.devices);
  const downLinks = faultedLinkIds(scoped, state);
  const links = scoped.links.filter((l) => !downLinks.has(l.id));
  const liveLinks = new Set(links.map((l) => l.id));
  const handoffs = scoped.handoffs.filter((h) => !downDevices.has(h.device) && !downLinks.has(`internet:${h.device}`));
  const liveHandoffs = new Set(handoffs.map((h) => `${h.device}/${h.interface}`));
  const devices: Device[] = scoped.devices.map((d) => ({
    ...d,
    interfaces: downDevices.has(d.id)
      ? []
      : d.interfaces.filter((i) => (i.link ? liveLinks.has(i.link) : i.kind === 'lan' || i.kind === 'cloud' || liveHandoffs.has(`${d.id}/${i.name}`))),
  }));
  const inScope = new Set(scoped.sites.map((s) => s.id));
  return {
    ...scoped.topology,
    sites: scoped.sites.map((s) => ({ ...s, children: s.children.filter((c) => inScope.has(c)) })),
    devices,
    links,
    exit: { ...scoped.topology.exit, handoffs },
  };
}
