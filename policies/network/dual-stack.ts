import { definePolicy, type Violation } from '../types.js';

/** NET-001: both families on every link, loopback, LAN and exit hand-off. */
export const dualStackEverywhere = definePolicy({
  id: 'NET-001',
  title: 'dual-stack everywhere',
  severity: 'hard',
  description:
    'Every link, loopback, LAN and internet hand-off carries both IPv4 and IPv6 (the plan builds a dual-stack extranet; verification answers every question for both families).',
  requires: ['topology'],
  check({ topology }) {
    const out: Violation[] = [];
    const missing = (v: { ipv4?: string; ipv6?: string }) => (['ipv4', 'ipv6'] as const).filter((f) => !v[f]);
    for (const l of topology.links) {
      const gaps = new Set([...missing(l.subnet), ...missing(l.a), ...missing(l.b)]);
      if (gaps.size) out.push({ resource: `link:${l.id}`, message: `link ${l.a.device} – ${l.b.device} has no ${[...gaps].sort().join('/')} addressing` });
    }
    for (const d of topology.devices) {
      const gaps = missing(d.loopback);
      if (gaps.length) out.push({ resource: `device:${d.id}`, message: `loopback of ${d.id} has no ${gaps.join('/')} address` });
      for (const i of d.interfaces) {
        if (i.kind !== 'lan' && i.kind !== 'internet' && i.kind !== 'cloud') continue;
        const g = missing(i);
        if (g.length) out.push({ resource: `interface:${d.id}/${i.name}`, message: `${i.kind} interface ${i.name} of ${d.id} has no ${g.join('/')} address` });
      }
    }
    for (const s of topology.sites) {
      const gaps = missing(s.lan);
      if (gaps.length) out.push({ resource: `site:${s.id}`, message: `LAN of site ${s.id} has no ${gaps.join('/')} prefix` });
    }
    return out;
  },
});
