import { definePolicy, type Violation } from '../types.js';
import { managementFactsOf, managementLocation } from './management-facts.js';

/** NET-102: every device sends its logs to the central collectors. */
export const managementSyslog = definePolicy({
  id: 'NET-102',
  title: 'every device sends its logs to the central collectors',
  severity: 'hard',
  description:
    "Every router sends its logs off the device to the central collectors (VRP `info-center loghost`; an FRR router's host through rsyslog forwarding), so a failure or an intrusion leaves a record the device cannot erase (等保 2.0 8.1.4.3 c).",
  requires: ['topology', 'inventory'],
  check({ topology, inventory, vrpConfigFacts }) {
    const out: Violation[] = [];
    for (const m of managementFactsOf(topology, vrpConfigFacts)) {
      const f = m.facts;
      const why = f.syslogHosts.length ? undefined : 'no remote syslog collector in its rendered management plane';
      if (why)
        out.push({ resource: `device:${m.device}`, message: `${why} (${m.dialect})`, location: managementLocation(inventory, topology, m.device, 'syslog') });
    }
    return out;
  },
});
