import { definePolicy, type Violation } from '../types.js';

/** NET-141: every LAN a site's two routers serve has VRRP in both families, r1 preferred and tracking. */
export const vrrpOnDualRouterLans = definePolicy({
  id: 'NET-141',
  title: 'every dual-router LAN runs VRRPv3 in both families',
  severity: 'hard',
  description:
    'A site with two routers serves its LAN from both, so losing one router does not lose the LAN: both hold a VRRPv3 group per family with the same id and virtual addresses (inside the LAN, owned by neither), r1 at the higher priority, each tracking its way out of the site.',
  requires: ['topology'],
  check({ topology }) {
    const out: Violation[] = [];
    const bySite = new Map<string, typeof topology.devices>();
    for (const d of topology.devices) if (d.role === 'core') (bySite.get(d.site) ?? bySite.set(d.site, []).get(d.site)!).push(d);
    for (const [site, routers] of bySite) {
      if (routers.length < 2) continue;
      const lans = routers.map((d) => ({ d, lan: d.interfaces.find((i) => i.kind === 'lan') }));
      const resource = `site:${site}`;
      const missing = lans.filter((x) => !x.lan).map((x) => x.d.id);
      if (missing.length) {
        out.push({ resource, message: `the LAN is not served by ${missing.join(', ')}: losing the other router loses the LAN` });
        continue;
      }
      const groups = lans.map((x) => ({ d: x.d, lan: x.lan!, g: x.lan!.vrrp }));
      const bare = groups.filter((x) => !x.g).map((x) => x.d.id);
      if (bare.length) {
        out.push({ resource, message: `${bare.join(', ')} serve${bare.length === 1 ? 's' : ''} the LAN without VRRP` });
        continue;
      }
      const [r1, ...others] = [...groups].sort((a, b) => a.d.index - b.d.index);
      for (const o of others) {
        if (o.g!.vrid !== r1!.g!.vrid) out.push({ resource, message: `${r1!.d.id} and ${o.d.id} use VRRP ids ${r1!.g!.vrid} and ${o.g!.vrid}` });
        for (const f of ['ipv4', 'ipv6'] as const)
          if (o.g!.virtual[f] !== r1!.g!.virtual[f])
            out.push({ resource, message: `${f} virtual addresses differ: ${r1!.g!.virtual[f]} on ${r1!.d.id}, ${o.g!.virtual[f]} on ${o.d.id}` });
        if (o.g!.priority >= r1!.g!.priority)
          out.push({ resource, message: `${r1!.d.id} (priority ${r1!.g!.priority}) is not preferred over ${o.d.id} (${o.g!.priority})` });
      }
      for (const x of groups) {
        for (const f of ['ipv4', 'ipv6'] as const) {
          const v = x.g!.virtual[f];
          if (!v) out.push({ resource, message: `${x.d.id} has no ${f} virtual address: VRRP must cover both families` });
          else if (x.lan[f]?.split('/')[0] === v)
            out.push({ resource, message: `${x.d.id} owns the ${f} virtual address ${v} (tracking cannot move an owner's gateway)` });
        }
        if (x.g!.track.length === 0) out.push({ resource, message: `${x.d.id} tracks no uplink: it would keep the gateway with no way out of the site` });
        const p = x.d.index === 1 ? x.g!.priority : undefined;
        if (p !== undefined && others.length && p - x.g!.trackReduce * x.g!.track.length >= others[0]!.g!.priority)
          out.push({
            resource,
            message: `${x.d.id} stays above ${others[0]!.d.id} with every tracked uplink down (priority ${p}, ${x.g!.track.length} × ${x.g!.trackReduce})`,
          });
      }
    }
    return out;
  },
});
