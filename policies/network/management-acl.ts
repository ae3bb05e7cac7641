import { definePolicy, type Violation } from '../types.js';
import type { ManagementFacts } from '../../network/verify/config/management-model.js';
import { managementFactsOf, managementLocation } from './management-facts.js';

/** NET-105: SSH and SNMP are reachable only from the management networks. */
export const managementAcl = definePolicy({
  id: 'NET-105',
  title: 'SSH and SNMP are reachable only from the management networks',
  severity: 'hard',
  description:
    'The remote CLI is SSH only and admits only the management networks (VRP `user-interface vty` with `acl … inbound` and `protocol inbound ssh`; sshd AllowUsers user@network on the management address), and the SNMP users are bound to the same ACL (VRP) or the agent listens on the management address only (net-snmp).',
  requires: ['topology', 'inventory'],
  check({ topology, inventory, vrpConfigFacts }) {
    const out: Violation[] = [];
    for (const m of managementFactsOf(topology, vrpConfigFacts)) {
      const f = m.facts;
      const why = aclProblem(f, m.dialect);
      if (why)
        out.push({
          resource: `device:${m.device}`,
          message: `${why} (${m.dialect})`,
          location: managementLocation(inventory, topology, m.device, 'management_access'),
        });
    }
    return out;
  },
});

function aclProblem(f: ManagementFacts, dialect: 'frr' | 'vrp'): string | undefined {
  if (f.vty.protocols.length !== 1 || f.vty.protocols[0] !== 'ssh')
    return `remote CLI protocols are ${f.vty.protocols.join(', ') || 'not restricted'}, not SSH only`;
  const acl4 = f.vty.acl4 === undefined ? undefined : f.acls[`ipv4:${f.vty.acl4}`];
  if (!acl4 || !acl4.permits.length) return 'no management ACL limits who may reach SSH';
  if (dialect === 'vrp') {
    const unbound = f.snmp.users.filter((u) => u.acl !== f.vty.acl4).map((u) => u.name);
    if (unbound.length) return `SNMP user(s) not bound to the management ACL: ${unbound.join(', ')}`;
  } else if (!f.snmp.listen.length || f.ssh.listen.length === 0) return 'sshd or snmpd is not bound to the management address';
  return undefined;
}
