import { findDevice } from '../../network/render/common.js';
import { renderVrp } from '../../network/render/vrp.js';
import { parseVrp } from '../../network/render/vrp-parse.js';
import { vrpInterfaceNames } from '../../network/render/vrp-names.js';
import { inboundVerdict } from '../../network/verify/config/exit-filter.js';
import { definePolicy, type Violation } from '../types.js';

/** Ports knocked on besides the declared services: remote shells, databases, file shares, RDP. */
const KNOCK = [22, 23, 445, 1433, 3306, 3389, 5432];

/**
 * NET-162: inbound at the exits is default-deny, in both families. Judged on the exits' rendered
 * VRP configs read back by the verifier's parser (two devices: cheap): from the internet side only
 * the declared public services are reachable, nothing else at their addresses, the exit itself or
 * a government IPv6 address, and the inbound filter's last rule denies everything.
 */
export const exitInboundDefaultDeny = definePolicy({
  id: 'NET-162',
  title: 'inbound at the internet exits is default-deny',
  severity: 'hard',
  description:
    'Each exit filters what arrives on its upstream interface, IPv4 and IPv6: replies to sessions opened from inside and the public services declared in exit-policy.yaml pass, everything else is dropped.',
  requires: ['topology'],
  check({ topology }) {
    const out: Violation[] = [];
    for (const h of topology.exit.handoffs) {
      const device = findDevice(topology, h.device);
      const parsed = parseVrp(renderVrp(topology, device.id));
      const port = vrpInterfaceNames(device).get(h.interface) ?? h.interface;
      const guard = topology.exit.guards?.find((g) => g.device === device.id);
      const resource = `interface:${device.id}/${h.interface}`;
      for (const family of ['ipv4', 'ipv6'] as const) {
        const filter = parsed.guard?.interfaces.get(port)?.inbound[family];
        const acl = filter && parsed.guard?.acls.get(`${family}:${filter.acl}`);
        const last = acl?.rules.at(-1);
        if (!last || last.action !== 'deny' || last.protocol !== 'ip' || last.source || last.destination)
          out.push({ resource, message: `${device.id} ${port}: the inbound ${family === 'ipv4' ? 'IPv4' : 'IPv6'} filter does not end by denying everything` });
      }
      const declared = new Set((guard?.admit ?? []).map((a) => `${a.address} ${a.port}`));
      const targets = [
        ...(guard?.admit ?? []).map((a) => ({ family: a.family, address: a.address, local: false })),
        { family: 'ipv4' as const, address: h.ipv4.split('/')[0]!, local: true },
        { family: 'ipv6' as const, address: h.ipv6.split('/')[0]!, local: true },
        { family: 'ipv6' as const, address: device.loopback.ipv6.split('/')[0]!, local: false },
      ];
      for (const t of targets)
        for (const p of KNOCK) {
          if (declared.has(`${t.address} ${p}`)) continue;
          const v = inboundVerdict(parsed, port, { family: t.family, protocol: 'tcp', destination: t.address, port: p, local: t.local });
          if (v.reachable)
            out.push({ resource, message: `${device.id} ${port}: tcp/${p} at ${t.address} is reachable from the internet but not declared (${v.why})` });
        }
      for (const a of guard?.admit ?? []) {
        const v = inboundVerdict(parsed, port, { family: a.family, protocol: a.protocol, destination: a.address, port: a.port });
        if (!v.reachable)
          out.push({
            resource,
            message: `${device.id} ${port}: the declared service ${a.service} at ${a.address} ${a.protocol}/${a.port} is not reachable (${v.why})`,
          });
      }
    }
    return out;
  },
});
