import { definePolicy, type Violation } from '../types.js';

/** NET-002: a site's dual uplinks land on two different devices of its parent site. */
export const dualLinksDistinctParents = definePolicy({
  id: 'NET-002',
  title: 'dual links land on distinct parent devices',
  severity: 'hard',
  description:
    'Every site below the province is dual-homed (双链路) and its uplinks terminate on at least two different routers of its parent site, so no single parent router is a point of failure.',
  requires: ['topology'],
  check({ topology }) {
    const siteOf = new Map(topology.devices.map((d) => [d.id, d.site]));
    const uplinks = new Map<string, { parents: Set<string>; count: number; foreign: string[] }>();
    for (const s of topology.sites) if (s.parent !== undefined) uplinks.set(s.id, { parents: new Set(), count: 0, foreign: [] });
    const parentOf = new Map(topology.sites.map((s) => [s.id, s.parent]));
    for (const l of topology.links) {
      if (l.kind !== 'uplink') continue;
      const child = siteOf.get(l.b.device);
      const entry = child === undefined ? undefined : uplinks.get(child);
      if (!entry) continue;
      entry.count++;
      if (siteOf.get(l.a.device) === parentOf.get(child!)) entry.parents.add(l.a.device);
      else entry.foreign.push(`${l.id} (ends on ${l.a.device})`);
    }
    const out: Violation[] = [];
    for (const [site, e] of uplinks) {
      const parent = parentOf.get(site)!;
      if (e.count < 2)
        out.push({ resource: `site:${site}`, message: `has ${e.count} uplink${e.count === 1 ? '' : 's'} to ${parent}; the plan dual-homes every site` });
      else if (e.parents.size < 2)
        out.push({
          resource: `site:${site}`,
          message: `all ${e.count} uplinks land on ${[...e.parents].join(', ') || 'no device'} of ${parent}; they must land on two different parent devices`,
        });
      for (const f of e.foreign) out.push({ resource: `site:${site}`, message: `uplink ${f} does not land on its parent site ${parent}` });
    }
    return out;
  },
});
