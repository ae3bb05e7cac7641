/**
 * 2 — department private networks integrated. Declared: the private networks have no data plane
 * in this system yet, so their status is what private-networks.yaml says, and the row says so.
 */
import { defineIndicator } from './define.js';

export default defineIndicator({
  id: 2,
  requires: ['privateNetworks'],
  compute: ({ privateNetworks: { indicator: pn, at } }) => ({
    status: 'ok',
    value: pn.rate,
    numerator: pn.integrated,
    denominator: pn.total,
    definition: 'non-classified sub-provincial private networks merged or interconnected / all such networks',
    basis: 'declared',
    source: 'inventory/private-networks.yaml',
    measuredAt: at,
    note: 'declared until the private networks have a data plane',
  }),
});
