import { definePolicy, type Violation } from '../types.js';

/**
 * NET-008: internet access only through the unified exit (统一互联网出口): only the province's
 * primary and standby exit routers face the internet or originate a default route, and the standby
 * originates a worse one than the primary.
 */
export const internetOnlyAtUnifiedExit = definePolicy({
  id: 'NET-008',
  title: 'internet exit only at the unified exit',
  severity: 'hard',
  description:
    "Only the unified internet exit at the province (primary and standby) has internet-facing interfaces, the exit role or a default route origination; the standby's default is less preferred than the primary's.",
  requires: ['topology'],
  check({ topology }) {
    const out: Violation[] = [];
    const exit = topology.exit;
    const exits = new Set([exit.primary, exit.standby]);
    if (exit.site !== topology.province.id)
      out.push({ resource: `site:${exit.site}`, message: `the internet exit sits at ${exit.site}, not at the province core ${topology.province.id}` });
    if (exit.primary === exit.standby) out.push({ resource: `device:${exit.primary}`, message: 'the internet exit has no standby distinct from its primary' });
    const byId = new Map(topology.devices.map((d) => [d.id, d]));
    for (const id of exits) {
      const d = byId.get(id);
      if (!d) out.push({ resource: `device:${id}`, message: `exit device ${id} does not exist` });
      else if (d.site !== exit.site) out.push({ resource: `device:${id}`, message: `exit device ${id} sits at ${d.site}, not at the exit site ${exit.site}` });
    }
    for (const d of topology.devices) {
      if (exits.has(d.id)) continue;
      if (d.originatesDefault)
        out.push({ resource: `device:${d.id}`, message: `${d.id} originates a default route; only the unified exit (${exit.primary}, ${exit.standby}) may` });
      if (d.role === 'exit') out.push({ resource: `device:${d.id}`, message: `${d.id} has the exit role but is not the unified exit` });
      for (const i of d.interfaces) {
        if (i.kind === 'internet')
          out.push({
            resource: `interface:${d.id}/${i.name}`,
            message: `${d.id} has an internet-facing interface ${i.name}; internet access goes through the unified exit only`,
          });
      }
    }
    const primary = byId.get(exit.primary);
    const standby = byId.get(exit.standby);
    if (primary && standby && primary.originatesDefault && standby.originatesDefault) {
      const p = primary.defaultMetric ?? 0;
      const s = standby.defaultMetric ?? 0;
      if (s <= p)
        out.push({
          resource: `device:${standby.id}`,
          message: `the standby exit's default metric ${s} is not worse than the primary's ${p}: traffic would not prefer the primary`,
        });
    } else if (primary && !primary.originatesDefault) {
      out.push({ resource: `device:${primary.id}`, message: 'the primary exit originates no default route: sites have no way out' });
    }
    return out;
  },
});
