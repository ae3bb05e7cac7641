import { VRP_LOOPBACK, vrpPorts } from '../../network/render/vrp-names.js';
import type { Topology } from '../../network/types.js';
import { definePolicy, type Violation } from '../types.js';
import { renderedVrpFacts, type VrpConfigFacts } from './vrp-config-facts.js';

/**
 * NET-164's judgement over each device's RENDERED VRP port stanzas as the config verifier's parser
 * reads them (vrp-config-facts.ts: synth's own parse of the whole configs, or the port stanzas
 * rendered and parsed alone): every port a link or LAN uses states `undo shutdown` (a router
 * replaying the file keeps a port down that ships shut), every other port of the router's model
 * (hardware.yaml) states `shutdown` (an operator shuts what carries no cable, 等保 8.1.4.4 b), and
 * no stanza names a port the model does not have.
 */
export function portAdminViolations(topology: Topology, facts: VrpConfigFacts = renderedVrpFacts(topology)): Violation[] {
  const out: Violation[] = [];
  for (const device of topology.devices) {
    const stated = facts.get(device.id)?.ports ?? new Map();
    const resource = `device:${device.id}`;
    const used = new Set<string>();
    for (const { iface, port } of vrpPorts(device)) {
      used.add(port);
      const s = stated.get(port);
      if (!stated.has(port)) out.push({ resource, message: `${device.id} ${port} (${iface.name}) has no interface stanza` });
      else if (s?.shutdown !== false)
        out.push({
          resource,
          message: `${device.id} ${port} (${iface.name}, ${iface.kind}) ${s ? `is shut (line ${s.line})` : 'does not state `undo shutdown`'}: it stays down on a router whose ports ship shut`,
        });
    }
    const unused = new Set(device.hardware?.unusedPorts ?? []);
    for (const port of unused) {
      if (stated.get(port)?.shutdown !== true)
        out.push({ resource, message: `${device.id} ${port} carries no link but is not shut down (${device.hardware!.model}, hardware.yaml)` });
    }
    if (device.hardware)
      for (const name of stated.keys())
        if (!used.has(name) && !unused.has(name) && name !== VRP_LOOPBACK)
          out.push({ resource, message: `${device.id} ${name} is not a port of its model ${device.hardware.model} (hardware.yaml)` });
  }
  return out;
}

/** NET-164: used ports are brought up and unused ports shut, in the rendered VRP configs. */
export const portAdminState = definePolicy({
  id: 'NET-164',
  title: 'used ports are up and unused ports shut down (VRP)',
  severity: 'hard',
  description:
    'In every rendered VRP config each port a link or LAN uses states `undo shutdown` and each other port of the router model (inventory hardware.yaml) states `shutdown`, so a router replaying the file opens what is cabled and nothing else.',
  requires: ['topology'],
  check({ topology, vrpConfigFacts }) {
    return portAdminViolations(topology, vrpConfigFacts);
  },
});
