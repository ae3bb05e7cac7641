import { definePolicy, type Violation } from '../types.js';
import type { ManagementFacts } from '../../network/verify/config/management-model.js';
import { managementFactsOf, managementLocation } from './management-facts.js';

/** NET-104: every device authenticates logins (AAA). */
export const managementAaa = definePolicy({
  id: 'NET-104',
  title: 'every device authenticates logins (AAA)',
  severity: 'hard',
  description:
    "Logins are authenticated against AAA: on VRP an HWTACACS template with local users as fallback and a login lockout, on an FRR router's host only the declared local users (sshd AllowUsers). A router nobody can log in to is unmanageable; one anybody can log in to is open.",
  requires: ['topology', 'inventory'],
  check({ topology, inventory, vrpConfigFacts }) {
    const out: Violation[] = [];
    for (const m of managementFactsOf(topology, vrpConfigFacts)) {
      const f = m.facts;
      const why = aaaProblem(f, m.dialect);
      if (why)
        out.push({ resource: `device:${m.device}`, message: `${why} (${m.dialect})`, location: managementLocation(inventory, topology, m.device, 'aaa') });
    }
    return out;
  },
});

function aaaProblem(f: ManagementFacts, dialect: 'frr' | 'vrp'): string | undefined {
  if (!f.aaa.localUsers.length) return 'no login user is declared';
  if (dialect === 'vrp') {
    if (!f.aaa.tacacs.length) return 'no HWTACACS template: logins are not checked against the central AAA';
    if (!f.aaa.lockout) return 'no lockout after failed logins';
    if (f.vty.authentication !== 'aaa') return 'the VTYs do not authenticate through AAA';
  }
  return undefined;
}
