/**
 * 1 — two-network merge: sites on the one merged extranet / all sites of the merge plan. Live when a
 * deployed network was read: a site counts as merged when every one of its devices runs exactly the
 * config rendered for the merged backbone (read through the driver, as `stacks drift` does; a device
 * that drifted or could not be read keeps its site out). Otherwise what merge-status.yaml declares.
 */
import { defineIndicator } from './define.js';

export default defineIndicator({
  id: 1,
  requires: ['declaredMerge', 'runningConfigs', 'topology'],
  compute: ({ declaredMerge: m, runningConfigs: running, topology }) => {
    const declared = { legacy_share: m.progress.legacyShare, phases: m.progress.phases, declared_share: m.progress.share };
    if (!running)
      return {
        status: 'ok',
        value: m.progress.share,
        numerator: m.progress.sitesMerged,
        denominator: m.progress.sitesTotal,
        definition: 'sites on the one merged extranet (their merge-plan steps completed) / all sites',
        basis: 'declared',
        source: m.file ?? 'no merge-status.yaml: nothing declared merged yet',
        measuredAt: m.at,
        note: 'declared by hand in merge-status.yaml: no deployed network was read (deploy one, then `stacks kpi` reads its running configs)',
        detail: declared,
      };
    const read = new Map(running.devices.map((d) => [d.device, d]));
    const bySite = new Map<string, string[]>();
    for (const d of topology.devices) bySite.set(d.site, [...(bySite.get(d.site) ?? []), d.id]);
    let merged = 0;
    let deployed = 0;
    const drifted: string[] = [];
    const unread: string[] = [];
    for (const [site, devices] of bySite) {
      const states = devices.map((id) => read.get(id));
      if (states.every((x) => x === undefined)) continue; // not deployed
      deployed++;
      if (states.some((x) => x?.error)) unread.push(site);
      else if (states.some((x) => x === undefined || x.commands.length > 0)) drifted.push(site);
      else merged++;
    }
    return {
      status: 'ok',
      value: merged / m.progress.sitesTotal,
      numerator: merged,
      denominator: m.progress.sitesTotal,
      definition: "sites whose every device runs the merged backbone's rendered config / all sites of the merge plan",
      basis: 'live',
      source: `${running.target} ${running.instance}: running configs read through the driver (stacks drift)`,
      measuredAt: running.at,
      note: `${deployed} sites deployed: ${merged} as rendered, ${drifted.length} drifted or partly deployed, ${unread.length} not read`,
      detail: { ...declared, deployed_sites: deployed, drifted_sites: drifted, unread_sites: unread },
    };
  },
});
