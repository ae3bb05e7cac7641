import { definePolicy, type Violation } from '../types.js';

/**
 * NET-163: uRPF on every upstream interface. Strict is required (see network/exit-guard.ts: each
 * exit is single-homed to its upstream, so strict with the default route allowed drops spoofed
 * government sources; loose with a default route checks nothing).
 */
export const urpfOnUpstream = definePolicy({
  id: 'NET-163',
  title: 'strict uRPF on every internet-facing interface',
  severity: 'hard',
  description:
    'Every interface facing the internet checks source addresses with strict uRPF in both families (RFC 3704), so spoofed government sources are dropped at the exit.',
  requires: ['topology'],
  check({ topology }) {
    const out: Violation[] = [];
    for (const d of topology.devices)
      for (const i of d.interfaces.filter((x) => x.kind === 'internet')) {
        const g = topology.exit.guards?.find((x) => x.device === d.id && x.interface === i.name);
        if (!g) out.push({ resource: `interface:${d.id}/${i.name}`, message: `${d.id} ${i.name} faces the internet without uRPF` });
        else if (g.urpf !== 'strict')
          out.push({
            resource: `interface:${d.id}/${i.name}`,
            message: `${d.id} ${i.name} runs ${g.urpf} uRPF; the upstream interface needs strict (exit-policy.yaml urpf)`,
          });
      }
    return out;
  },
});
