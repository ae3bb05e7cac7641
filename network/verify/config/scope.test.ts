import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../inventory/load.js';
import { buildTopology } from '../../topology.js';
import type { Topology } from '../../types.js';
import { renderedConfigs, verifyConfigs } from './index.js';

/** The default province, today's renderers, only the exits' upstream failures (the full run is the bench's). */
describe('the exit-upstream failure on the default province', () => {
  let topology: Topology;
  beforeAll(async () => {
    topology = buildTopology(await loadInventory());
  });

  for (const dialect of ['frr', 'vrp'] as const) {
    it(`${dialect}: losing exit1's upstream loops traffic between the cores and exit1 (both exits originate the default always)`, () => {
      const r = verifyConfigs(topology, renderedConfigs(topology, dialect), { scenarioFilter: (name) => name.startsWith('upstream:') });
      const ids = new Set(r.findings.map((f) => `${f.id} ${f.family}`));
      for (const family of ['ipv4', 'ipv6']) {
        expect(ids).toContain(`failure.upstream ${family}`);
        expect(ids).toContain(`forwarding.loop ${family}`);
      }
      const loop = r.findings.find((f) => f.id === 'forwarding.loop' && f.family === 'ipv4')!;
      expect(loop.message).toMatch(/shaanxi-exit1 → shaanxi-r[12] → shaanxi-exit1/);
      expect(r.findings.filter((f) => !['failure.upstream', 'forwarding.loop'].includes(f.id))).toEqual([]);
    });
  }
});
