/**
 * Which interfaces the lab's recorded faults hold down. Pure: the scope and the state in, a set of
 * `ns/ifname` keys out. A link fault holds both ends down; a device fault holds every interface of
 * the device down, its management link included (so it stops answering SNMP and SSH as well).
 *
 * A link fault is a cut, not a shutdown: only the b end (the upstream's end for an exit's
 * handoff) is set down; the a end stays administratively up and loses its carrier, so on that
 * device ifAdminStatus = up while ifOperStatus = down — what a monitoring daemon must report as a
 * fault (an admin-down interface is an intended shutdown). veth has no protodown/carrier control
 * here (`ip link set … protodown on` → "not supported by device"), so one end must go down.
 */
import type { ScopedTopology } from './scope.js';
import type { LabState } from './state.js';
import { deviceNs, internetIf, internetNs, MGMT_IF } from './names.js';

export function heldDownInterfaces(scoped: ScopedTopology, state: LabState): Set<string> {
  const out = new Set<string>();
  const lab = state.lab;
  for (const id of state.faults.links) {
    const ends = linkEnds(scoped, lab, id);
    if (ends) out.add(ends.cut);
  }
  for (const id of state.faults.devices) {
    const d = scoped.devices.find((x) => x.id === id);
    if (!d) continue;
    for (const i of d.interfaces) out.add(`${deviceNs(lab, id)}/${i.name}`);
    out.add(`${deviceNs(lab, id)}/${MGMT_IF}`);
  }
  return out;
}

/** Both ends of a link as `ns/ifname`: `cut` is the one a fault sets down, `sensing` the one that loses carrier. */
export function linkEnds(scoped: ScopedTopology, lab: string, id: string): { sensing: string; cut: string } | undefined {
  const l = scoped.links.find((x) => x.id === id);
  if (l) return { sensing: `${deviceNs(lab, l.a.device)}/${l.a.interface}`, cut: `${deviceNs(lab, l.b.device)}/${l.b.interface}` };
  const h = scoped.handoffs.find((x) => `internet:${x.device}` === id);
  if (h)
    return { sensing: `${deviceNs(lab, h.device)}/${h.interface}`, cut: `${internetNs(lab)}/${internetIf(h.device === scoped.topology.exit.primary ? 1 : 2)}` };
  return undefined;
}

/** Links and devices a post-check must not expect to be up. */
export function faultedLinkIds(scoped: ScopedTopology, state: LabState): Set<string> {
  const down = new Set(state.faults.links);
  for (const l of scoped.links) if (state.faults.devices.includes(l.a.device) || state.faults.devices.includes(l.b.device)) down.add(l.id);
  return down;
}

/** The model link between two devices (either order), or undefined. `internet` names the upstream. */
export function findLink(scoped: ScopedTopology, a: string, b: string): string | undefined {
  if (a === 'internet' || b === 'internet') {
    const exit = a === 'internet' ? b : a;
    return scoped.handoffs.some((h) => h.device === exit) ? `internet:${exit}` : undefined;
  }
  return scoped.links.find((l) => (l.a.device === a && l.b.device === b) || (l.a.device === b && l.b.device === a))?.id;
}
