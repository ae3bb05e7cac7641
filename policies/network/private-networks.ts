import { assessPrivateNetworks } from '../../network/private-networks.js';
import { definePolicy, type Violation } from '../types.js';

/** NET-005: a classified (涉密) private network never goes onto the extranet. */
export const classifiedNeverOnExtranet = definePolicy({
  id: 'NET-005',
  title: 'classified private networks never on the extranet',
  severity: 'hard',
  description: 'Classified (涉密) department private networks move to the e-government intranet (政务内网); setting one onto the extranet is refused.',
  requires: ['inventory'],
  check({ inventory }) {
    const file = inventory.paths.private_networks!;
    const out: Violation[] = [];
    for (const pn of assessPrivateNetworks(inventory.privateNetworks).networks) {
      if (pn.classified && pn.contradiction)
        out.push({ resource: `private-network:${pn.id}`, message: pn.contradiction, location: { file, path: `private_networks[${pn.index}].target` } });
    }
    return out;
  },
});

/** NET-006: a non-classified private network's hand-set target is the extranet. */
export const privateNetworkTargetFollowsRule = definePolicy({
  id: 'NET-006',
  title: 'non-classified private networks target the extranet',
  severity: 'hard',
  description:
    'Non-classified department private networks are merged into or interconnected with the e-government extranet (迁移整合或融合互联); a hand-set target that says otherwise contradicts the plan.',
  requires: ['inventory'],
  check({ inventory }) {
    const file = inventory.paths.private_networks!;
    const out: Violation[] = [];
    for (const pn of assessPrivateNetworks(inventory.privateNetworks).networks) {
      if (!pn.classified && pn.contradiction)
        out.push({ resource: `private-network:${pn.id}`, message: pn.contradiction, location: { file, path: `private_networks[${pn.index}].target` } });
    }
    return out;
  },
});
