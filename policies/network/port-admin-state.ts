import { vrpPortStanzas } from '../../network/render/vrp.js';
import { parseVrp } from '../../network/render/vrp-parse.js';
import { vrpPorts } from '../../network/render/vrp-names.js';
import type { ConfigLine } from '../../network/render/common.js';
import type { Device, Topology } from '../../network/types.js';
import { definePolicy, type Violation } from '../types.js';

/** What the rule reads: a device's rendered port stanzas (the renderer's own, replaceable in tests). */
export type PortStanzaRenderer = (topology: Topology, device: Device) => ConfigLine[];

const rendered: PortStanzaRenderer = (topology, device) => vrpPortStanzas(topology, device);

/** Each stanza's header and admin-state lines as rendered: the rest (addresses, OSPF, QoS) is not judged here and would triple the parse. */
function adminLines(lines: ConfigLine[]): string[] {
  return lines.map((l) => l.text).filter((t) => t === '#' || t.startsWith('interface ') || t === ' shutdown' || t === ' undo shutdown');
}

/**
 * NET-164's judgement over each device's RENDERED VRP port stanzas read back by the config
 * verifier's parser: every port a link or LAN uses states `undo shutdown` (a router replaying the
 * file keeps a port down that ships shut), every other port of the router's model (hardware.yaml)
 * states `shutdown` (an operator shuts what carries no cable, 等保 8.1.4.4 b), and no stanza names
 * a port the model does not have. Only the port stanzas are rendered: the admin state is in them
 * alone, and parsing the whole configs of 2,052 devices would cost synth's design checks seconds.
 */
export function portAdminViolations(topology: Topology, render: PortStanzaRenderer = rendered): Violation[] {
  const out: Violation[] = [];
  for (const device of topology.devices) {
    const parsed = parseVrp(`${adminLines(render(topology, device)).join('\n')}\n`);
    const stated = new Map(parsed.interfaces.map((i) => [i.name, i]));
    const resource = `device:${device.id}`;
    const used = new Set<string>();
    for (const { iface, port } of vrpPorts(device)) {
      used.add(port);
      const s = stated.get(port);
      if (!s) out.push({ resource, message: `${device.id} ${port} (${iface.name}) has no interface stanza` });
      else if (s.adminStated?.shutdown !== false)
        out.push({
          resource,
          message: `${device.id} ${port} (${iface.name}, ${iface.kind}) ${s.adminStated ? `is shut (line ${s.adminStated.line})` : 'does not state `undo shutdown`'}: it stays down on a router whose ports ship shut`,
        });
    }
    const unused = new Set(device.hardware?.unusedPorts ?? []);
    for (const port of unused) {
      const s = stated.get(port);
      if (s?.adminStated?.shutdown !== true)
        out.push({ resource, message: `${device.id} ${port} carries no link but is not shut down (${device.hardware!.model}, hardware.yaml)` });
    }
    if (device.hardware)
      for (const name of stated.keys())
        if (!used.has(name) && !unused.has(name))
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
  check({ topology }) {
    return portAdminViolations(topology);
  },
});
