import { definePolicy, type Violation } from '../types.js';

/**
 * NET-161: only the exits translate addresses, and each exit translates the government IPv4
 * ranges (from exit-policy.yaml): a NAT anywhere else hides sources from the extranet's own
 * monitoring and breaks the one-exit rule; an exit without it leaks private ranges to the internet.
 */
export const natOnlyAtExits = definePolicy({
  id: 'NET-161',
  title: 'only the internet exits translate addresses, and each does',
  severity: 'hard',
  description:
    'Source NAT of the government IPv4 ranges happens at the unified internet exit and nowhere else; every exit translates them to its own public range (inventory exit-policy.yaml).',
  requires: ['topology'],
  check({ topology }) {
    const out: Violation[] = [];
    const exits = new Set([topology.exit.primary, topology.exit.standby]);
    const roles = new Map(topology.devices.map((d) => [d.id, d.role]));
    for (const g of topology.exit.guards ?? []) {
      if (!exits.has(g.device) || roles.get(g.device) !== 'exit')
        out.push({ resource: `device:${g.device}`, message: `${g.device} has an exit guard (NAT) but is not an exit of the unified internet exit` });
      else if (!g.nat)
        out.push({
          resource: `device:${g.device}`,
          message: `${g.device} does not translate the government IPv4 ranges: give it a public range in exit-policy.yaml (exits[].public_ipv4, snat_ipv4)`,
        });
    }
    for (const id of exits)
      if (!(topology.exit.guards ?? []).some((g) => g.device === id)) out.push({ resource: `device:${id}`, message: `${id} has no exit guard at all` });
    return out;
  },
});
