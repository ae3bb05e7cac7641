import { definePolicy, type Violation } from '../types.js';
import { managementFactsOf, managementLocation } from './management-facts.js';

/** NET-101: every device takes its time from NTP. */
export const managementNtp = definePolicy({
  id: 'NET-101',
  title: 'every device takes its time from NTP',
  severity: 'hard',
  description:
    "Every router (VRP `ntp-service unicast-server`; an FRR router's host through chrony) takes its time from the network's NTP servers, so logs and audit records from 2,052 devices line up (等保 2.0 8.1.4.3 b).",
  requires: ['topology', 'inventory'],
  check({ topology, inventory, vrpConfigFacts }) {
    const out: Violation[] = [];
    for (const m of managementFactsOf(topology, vrpConfigFacts)) {
      const f = m.facts;
      const why = f.ntpServers.length ? undefined : 'no NTP server in its rendered management plane';
      if (why)
        out.push({ resource: `device:${m.device}`, message: `${why} (${m.dialect})`, location: managementLocation(inventory, topology, m.device, 'ntp') });
    }
    return out;
  },
});
