/** 1 — two-network merge: sites on the one merged extranet / all sites (merge-status.yaml, declared). */
import { defineIndicator } from './define.js';

export default defineIndicator({
  id: 1,
  requires: ['declaredMerge'],
  compute: ({ declaredMerge: m }) => ({
    status: 'ok',
    value: m.progress.share,
    numerator: m.progress.sitesMerged,
    denominator: m.progress.sitesTotal,
    definition: 'sites on the one merged extranet (their merge-plan steps completed) / all sites',
    basis: 'declared',
    source: m.file ?? 'no merge-status.yaml: nothing declared merged yet',
    measuredAt: m.at,
    note: 'declared by hand in merge-status.yaml; not yet read from the running configs',
    detail: { legacy_share: m.progress.legacyShare, phases: m.progress.phases },
  }),
});
