import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../inventory/load.js';
import { buildTopology } from '../../topology.js';
import type { Topology } from '../../types.js';
import { renderedConfigs, verifyConfigs } from './index.js';

/** The default province, only the exits' upstream failures (the full run is the bench's). */
describe('the exit-upstream failure on the default province', () => {
  let topology: Topology;
  beforeAll(async () => {
    topology = buildTopology(await loadInventory());
  });

  it('without the failure questions, no failure check is reported (as passed or otherwise): they were not asked', () => {
    const configs = renderedConfigs(topology, 'frr');
    const ids = (failures: boolean) =>
      verifyConfigs(topology, configs, { failures, scenarioFilter: (name) => name.startsWith('upstream:') }).report.checks.map((c) => c.id);
    expect(ids(false).filter((id) => id.startsWith('config.failure.'))).toEqual([]);
    expect(ids(false)).toContain('config.reach.services');
    expect(ids(true).filter((id) => id.startsWith('config.failure.')).length).toBe(8); // link, device, upstream, services × 2 families
  });

  for (const dialect of ['frr', 'vrp'] as const) {
    it(`${dialect}: each exit originates the default only while its own upstream route exists, so losing one upstream moves traffic to the other`, () => {
      const r = verifyConfigs(topology, renderedConfigs(topology, dialect), { scenarioFilter: (name) => name.startsWith('upstream:') });
      expect(r.findings).toEqual([]);
      expect(r.scenarios).toEqual({ ipv4: 2, ipv6: 2 });
    });

    it(`${dialect}: mutation — both exits originating the default always loops traffic between the cores and exit1`, () => {
      const always = (text: string) =>
        text
          .replace(/^ default-information originate metric/gm, ' default-information originate always metric')
          .replace(/^ default-route-advertise cost/gm, ' default-route-advertise always cost');
      const files = renderedConfigs(topology, dialect).map((f) => ({ ...f, text: always(f.text) }));
      const r = verifyConfigs(topology, files, { scenarioFilter: (name) => name.startsWith('upstream:') });
      const ids = new Set(r.findings.map((f) => `${f.id} ${f.family}`));
      for (const family of ['ipv4', 'ipv6']) {
        expect(ids).toContain(`failure.upstream ${family}`);
        expect(ids).toContain(`forwarding.loop ${family}`);
      }
      const loop = r.findings.find((f) => f.id === 'forwarding.loop' && f.family === 'ipv4')!;
      // the same cycle, entered at either end
      expect(loop.message).toMatch(/shaanxi-exit1 → shaanxi-r([12]) → shaanxi-exit1|shaanxi-r([12]) → shaanxi-exit1 → shaanxi-r\2/);
      expect(r.findings.filter((f) => !['failure.upstream', 'forwarding.loop'].includes(f.id))).toEqual([]);
    });
  }
});
