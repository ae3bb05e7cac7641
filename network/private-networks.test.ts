import { describe, expect, it } from 'vitest';
import { loadInventory } from '../inventory/load.js';
import type { PrivateNetworksFile } from '../inventory/schema.js';
import { assessPrivateNetworks } from './private-networks.js';

type Net = PrivateNetworksFile['private_networks'][number];
const net = (id: string, over: Partial<Net> = {}): Net => ({
  id,
  name: id,
  department: 'finance',
  classified: false,
  reaches: 'county',
  status: 'separate',
  ...over,
});

describe('assessPrivateNetworks', () => {
  it('sends non-classified networks to the extranet and classified ones to the intranet', () => {
    const a = assessPrivateNetworks({ private_networks: [net('a'), net('b', { classified: true })] });
    expect(a.networks.map((n) => [n.id, n.target])).toEqual([
      ['a', 'extranet'],
      ['b', 'intranet'],
    ]);
    expect(a.byTarget).toEqual({ extranet: 1, intranet: 1 });
  });

  it('flags a hand-set target that contradicts the rule, and accepts one that agrees', () => {
    const a = assessPrivateNetworks({
      private_networks: [net('secret', { classified: true, target: 'extranet' }), net('open', { target: 'intranet' }), net('fine', { target: 'extranet' })],
    });
    expect(a.networks.map((n) => Boolean(n.contradiction))).toEqual([true, true, false]);
    expect(a.networks[0]!.contradiction).toContain('never');
  });

  it('indicator 2 counts merged and interconnected among non-classified sub-provincial networks', () => {
    const a = assessPrivateNetworks({
      private_networks: [
        net('m', { status: 'merged' }),
        net('i', { status: 'interconnected' }),
        net('g', { status: 'migrating' }),
        net('s', { status: 'separate' }),
        net('c', { status: 'separate', classified: true }), // intranet-bound: outside the indicator
        net('p', { status: 'separate', reaches: 'province' }), // not 省以下
      ],
    });
    expect(a.indicator).toMatchObject({ total: 4, integrated: 2, merged: 1, rate: 0.5, mergedRate: 0.25 });
    expect(a.byStatus).toEqual({ separate: 3, interconnected: 1, migrating: 1, merged: 1 });
  });

  it('on the default inventory: 14 non-classified networks, 10 integrated (8 merged + 2 interconnected)', async () => {
    const inv = await loadInventory();
    const a = assessPrivateNetworks(inv.privateNetworks);
    expect(a.byTarget).toEqual({ extranet: 14, intranet: 3 });
    expect(a.indicator).toMatchObject({ total: 14, integrated: 10, merged: 8 });
    expect(a.networks.every((n) => !n.contradiction)).toBe(true);
  });
});
