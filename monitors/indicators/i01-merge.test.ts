import { describe, expect, it } from 'vitest';
import merge from './i01-merge.js';
import type { IndicatorInputs } from './define.js';
import type { Topology } from '../../network/types.js';

// Only what the indicator reads: each device's site.
const topology = {
  devices: [
    { id: 'a-r1', site: 'a' },
    { id: 'a-r2', site: 'a' },
    { id: 'b-r1', site: 'b' },
    { id: 'c-r1', site: 'c' },
    { id: 'd-r1', site: 'd' },
    { id: 'e-r1', site: 'e' },
  ],
} as unknown as Topology;
const declaredMerge: IndicatorInputs['declaredMerge'] = {
  progress: { share: 0.4, sitesMerged: 2, sitesTotal: 5, legacyShare: 0.6, phases: [] } as unknown as IndicatorInputs['declaredMerge']['progress'],
  file: 'merge-status.yaml',
  at: 1,
};

describe('indicator 1, the two-network merge', () => {
  it('counts a site merged only when every device of it runs the rendered config', () => {
    const r = merge.compute({
      topology,
      declaredMerge,
      runningConfigs: {
        target: 'lab',
        instance: 'lab',
        at: 42,
        devices: [
          { device: 'a-r1', platform: 'frr', commands: [] },
          { device: 'a-r2', platform: 'frr', commands: [] }, // a: merged
          { device: 'b-r1', platform: 'frr', commands: ['interface d1', ' ip ospf cost 10'] }, // b: drifted
          { device: 'c-r1', platform: 'frr', commands: [], error: 'connection refused' }, // c: not read
          { device: 'd-r1', platform: 'frr', commands: [] }, // d: merged; e: not deployed
        ],
      },
    });
    expect(r).toMatchObject({ status: 'ok', basis: 'live', value: 2 / 5, numerator: 2, denominator: 5, measuredAt: 42 });
    expect(r.detail).toMatchObject({ deployed_sites: 4, drifted_sites: ['b'], unread_sites: ['c'], declared_share: 0.4 });
  });

  it('a site with one of its two routers deployed is not merged', () => {
    const r = merge.compute({
      topology,
      declaredMerge,
      runningConfigs: { target: 'lab', instance: 'lab', at: 1, devices: [{ device: 'a-r1', platform: 'frr', commands: [] }] },
    });
    expect(r).toMatchObject({ value: 0, numerator: 0, basis: 'live' });
  });

  it('falls back to what merge-status.yaml declares when no deployed network was read', () => {
    const r = merge.compute({ topology, declaredMerge, runningConfigs: undefined });
    expect(r).toMatchObject({ status: 'ok', basis: 'declared', value: 0.4, numerator: 2, denominator: 5, source: 'merge-status.yaml' });
  });
});
