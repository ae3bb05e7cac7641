import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import type { Topology } from '../../network/types.js';
import { exitInboundDefaultDeny } from './exit-inbound.js';
import { natOnlyAtExits } from './exit-nat.js';
import { urpfOnUpstream } from './exit-urpf.js';

let topology: Topology;
beforeAll(async () => {
  topology = buildTopology(await loadInventory());
});
const withGuards = (edit: (g: NonNullable<Topology['exit']['guards']>) => NonNullable<Topology['exit']['guards']>): Topology => ({
  ...topology,
  exit: { ...topology.exit, guards: edit(structuredClone(topology.exit.guards!)) },
});

describe('NET-161…163: the guarded exit', () => {
  it('pass on the default province', () => {
    for (const rule of [natOnlyAtExits, exitInboundDefaultDeny, urpfOnUpstream]) expect(rule.check({ topology }), rule.id).toEqual([]);
  });

  it('NET-161: an exit without NAT, and NAT on a non-exit', () => {
    const v = natOnlyAtExits.check({
      topology: withGuards((g) => [{ ...g[0]!, nat: undefined }, g[1]!, { ...g[1]!, device: 'shaanxi-r1' }]),
    });
    expect(v.map((x) => x.resource)).toEqual(['device:shaanxi-exit1', 'device:shaanxi-r1']);
  });

  it('NET-162: an exit with no guard is open from the internet in both families', () => {
    const v = exitInboundDefaultDeny.check({ topology: withGuards((g) => [g[1]!]) });
    expect(v.some((x) => x.message.includes('the inbound IPv4 filter does not end by denying everything'))).toBe(true);
    expect(v.some((x) => /shaanxi-exit1 \S+: tcp\/22 at 198\.51\.100\.2 is reachable from the internet but not declared/.test(x.message))).toBe(true);
    expect(v.every((x) => x.resource === 'interface:shaanxi-exit1/inet0')).toBe(true);
  });

  it('NET-163: loose or missing uRPF on an upstream interface', () => {
    const v = urpfOnUpstream.check({ topology: withGuards((g) => [{ ...g[0]!, urpf: 'loose' }]) });
    expect(v.map((x) => x.message)).toEqual([
      'shaanxi-exit1 inet0 runs loose uRPF; the upstream interface needs strict (exit-policy.yaml urpf)',
      'shaanxi-exit2 inet0 faces the internet without uRPF',
    ]);
  });
});
