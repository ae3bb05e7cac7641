/**
 * CLD-008: every published service can actually be reached and answered: its VIP (both families)
 * lies in the upper half of its cloud's provider network (clear of what Neutron hands out), its
 * tenant may take floating IPs (quota > 0), and the provider network's lower half holds a fixed
 * router gateway per tenant (distinct, clear of Neutron's allocation pool) and every tenant's
 * floating IPs.
 */
import { contains, parseAddress, parsePrefix, subnet } from '../../lib/ip.js';
import type { CloudModel } from '../../stacks/cloud/model.js';
import { definePolicy, type Violation } from '../types.js';

export const publishedServicesReachable = definePolicy({
  id: 'CLD-008',
  title: 'published services have a VIP on the routed provider network and their tenant a floating-IP quota',
  severity: 'hard',
  description:
    'A government service townships use is a load balancer whose VIP sits on the cloud’s routed provider network; the publishing tenant may take floating IPs (quota above 0), and the provider network’s lower half holds a fixed gateway per tenant router (the next hop of the backbone’s route to its subnet) and, in Neutron’s allocation pool after them, every tenant’s floating IPs.',
  requires: ['cloud'],
  check({ cloud: m }: { cloud: CloudModel }) {
    const out: Violation[] = [];
    const location = { file: m.registry.file };
    for (const c of m.registry.clouds) {
      for (const fam of ['ipv4', 'ipv6'] as const) {
        const net = parsePrefix(c.extranet.subnets[fam]);
        const upper = subnet(net, net.length + 1, 1);
        for (const svc of c.services) {
          const vip = parsePrefix(`${svc.vip[fam]}/${fam === 'ipv4' ? 32 : 128}`);
          if (!contains(upper, vip))
            out.push({
              resource: `cloud:${c.id}/service:${svc.name}`,
              message: `VIP ${svc.vip[fam]} of ${svc.name} is not in the upper half of the provider network ${c.extranet.subnets[fam]}`,
              location,
            });
        }
        // The tenant routers' fixed gateways sit between the hosting router's address and
        // Neutron's allocation pool, one each; the pool holds every tenant's floating IPs.
        const gateway = parseAddress(c.extranet.gateway[fam], fam);
        const start = parseAddress(c.extranet.allocation[fam].start, fam);
        const end = parseAddress(c.extranet.allocation[fam].end, fam);
        const seen = new Map<bigint, string>();
        for (const t of c.tenants) {
          const gw = parseAddress(t.routerGateway[fam], fam);
          const clash = seen.get(gw);
          seen.set(gw, t.department);
          if (gw <= gateway || gw >= start || gw > end || clash)
            out.push({
              resource: `cloud:${c.id}/tenant:${t.department}`,
              message: `router gateway ${t.routerGateway[fam]} of ${t.project} is ${clash ? `also ${clash}'s` : `outside the router slots of the lower half, between ${c.extranet.gateway[fam]} and the allocation pool at ${c.extranet.allocation[fam].start}`}`,
              location,
            });
        }
        const room = end >= start ? end - start + 1n : 0n;
        const need = BigInt(c.tenants.reduce((n, t) => n + t.floatingIps, 0));
        if (need > room)
          out.push({
            resource: `cloud:${c.id}/extranet`,
            message: `the provider network ${c.extranet.subnets[fam]} leaves ${room} addresses for floating IPs after the router gateways, the tenants need ${need}`,
            location,
          });
      }
      for (const svc of c.services) {
        const t = c.tenants.find((x) => x.department === svc.tenant);
        if (t && t.floatingIps === 0)
          out.push({
            resource: `cloud:${c.id}/tenant:${t.department}`,
            message: `${t.project} publishes ${svc.name} but has a floating-IP quota of 0`,
            location,
          });
      }
    }
    return out;
  },
});
