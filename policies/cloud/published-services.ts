/**
 * CLD-008: every published service can actually be reached and answered: its VIP (both families)
 * lies in the upper half of its cloud's provider network (clear of what Neutron hands out), its
 * tenant may take floating IPs (quota > 0) and the provider network's lower half holds every
 * tenant's floating IPs plus a router gateway per tenant.
 */
import { contains, parsePrefix, size, subnet } from '../../lib/ip.js';
import type { CloudModel } from '../../stacks/cloud/model.js';
import { definePolicy, type Violation } from '../types.js';

export const publishedServicesReachable = definePolicy({
  id: 'CLD-008',
  title: 'published services have a VIP on the routed provider network and their tenant a floating-IP quota',
  severity: 'hard',
  description:
    'A government service townships use is a load balancer whose VIP sits on the cloud’s routed provider network; the publishing tenant may take floating IPs (quota above 0), and the provider network is sized by the inventory to hold every tenant’s floating IPs and router gateway.',
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
        if (fam === 'ipv4') {
          // lower half minus network, gateway (and, for IPv4, the broadcast stays in the upper half)
          const room = size(net) / 2n - 2n;
          const need = BigInt(c.tenants.reduce((n, t) => n + t.floatingIps + 1, 0));
          if (need > room)
            out.push({
              resource: `cloud:${c.id}/extranet`,
              message: `the provider network ${c.extranet.subnets.ipv4} holds ${room} addresses for router gateways and floating IPs, the tenants need ${need}`,
              location,
            });
        }
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
