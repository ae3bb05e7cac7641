import { definePolicy, type Violation } from '../types.js';
import type { ManagementFacts } from '../../network/verify/config/management-model.js';
import { managementFactsOf, managementLocation } from './management-facts.js';

/** NET-103: SNMP is v3 authPriv only, with no community. */
export const managementSnmpV3Only = definePolicy({
  id: 'NET-103',
  title: 'SNMP is v3 authPriv only, with no community',
  severity: 'hard',
  description:
    'The NOC polls every router over SNMPv3 with authentication and privacy; a v1/v2c community crosses the extranet in clear text and is refused, as is a v3 user without privacy or an agent with no user at all (nothing to poll).',
  requires: ['topology', 'inventory'],
  check({ topology, inventory, vrpConfigFacts }) {
    const out: Violation[] = [];
    for (const m of managementFactsOf(topology, vrpConfigFacts)) {
      const f = m.facts;
      const why = snmpProblem(f);
      if (why)
        out.push({ resource: `device:${m.device}`, message: `${why} (${m.dialect})`, location: managementLocation(inventory, topology, m.device, 'snmp') });
    }
    return out;
  },
});

function snmpProblem(f: ManagementFacts): string | undefined {
  const s = f.snmp;
  if (s.communities) return `${s.communities} SNMP community string(s) (v1/v2c)`;
  const other = s.versions.filter((v) => v !== 'v3');
  if (other.length) return `the agent answers SNMP ${other.join(', ')}`;
  if (!s.users.length) return 'no SNMPv3 user: the NOC cannot poll it';
  const weak = s.users.filter((u) => !u.auth || !u.priv).map((u) => u.name);
  return weak.length ? `SNMPv3 user(s) without authentication and privacy: ${weak.join(', ')}` : undefined;
}
