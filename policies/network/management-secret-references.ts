import { definePolicy, type Violation } from '../types.js';
import { managementFactsOf, managementLocation } from './management-facts.js';

/** NET-106: rendered output holds secret references, never values. */
export const managementSecretReferences = definePolicy({
  id: 'NET-106',
  title: 'rendered output holds secret references, never values',
  severity: 'hard',
  description:
    'Every key and password in the rendered management plane is a `{{secret:PATH}}` reference that deploy resolves from the sealed store: a value in the synthesized tree would leak through git, backups and reviews.',
  requires: ['topology', 'inventory'],
  check({ topology, inventory, vrpConfigFacts }) {
    const out: Violation[] = [];
    for (const m of managementFactsOf(topology, vrpConfigFacts)) {
      const why = m.literalSecrets ? `${m.literalSecrets} key/password field(s) hold a value instead of a {{secret:…}} reference` : undefined;
      if (why)
        out.push({ resource: `device:${m.device}`, message: `${why} (${m.dialect})`, location: managementLocation(inventory, topology, m.device, 'snmp') });
    }
    return out;
  },
});
