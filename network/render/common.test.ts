import { describe, expect, it } from 'vitest';
import { fixtureTopology } from '../../test/support/fixture.js';
import { defaultGateway, dottedMask, naturalCompare, ospfCost } from './common.js';
import type { Interface } from '../types.js';

describe('render helpers', () => {
  it('orders names naturally and the same everywhere', () => {
    expect(['d12', 'd3', 'd3-1', 'up1', 'd100', 'lan0'].sort(naturalCompare)).toEqual(['d3', 'd3-1', 'd12', 'd100', 'lan0', 'up1']);
  });

  it('computes dotted masks and wildcards', () => {
    expect(dottedMask(31)).toBe('255.255.255.254');
    expect(dottedMask(31, true)).toBe('0.0.0.1');
    expect(dottedMask(25, true)).toBe('0.0.0.127');
    expect(dottedMask(0)).toBe('0.0.0.0');
    expect(dottedMask(32, true)).toBe('0.0.0.0');
  });

  it('derives costs from the circuit bandwidth against a 100G reference', () => {
    expect([ospfCost(100_000), ospfCost(10_000), ospfCost(2000), ospfCost(200), ospfCost(1)]).toEqual([1, 10, 50, 500, 65535]);
  });

  it('finds the default gateway: the hand-off peer, else the upstream in the subnet, else the /31 peer, else the first free host', () => {
    const t = fixtureTopology();
    const exit = t.devices.find((d) => d.id === 'shaanxi-exit1')!;
    const inet = exit.interfaces.find((i) => i.kind === 'internet')!;
    expect(defaultGateway(t, exit, inet, 'ipv4')).toBe('198.51.100.2');
    expect(defaultGateway(t, exit, inet, 'ipv6')).toBe('3fff::2');
    const bare = { ...t, exit: { ...t.exit, handoffs: [] } };
    const iface = (ipv4: string, ipv6: string): Interface => ({ ...inet, name: 'inet9', ipv4, ipv6 });
    expect(defaultGateway(bare, exit, iface('198.51.100.2/24', '3fff::2/64'), 'ipv4')).toBe('198.51.100.1'); // upstream inside
    expect(defaultGateway(bare, exit, iface('203.0.113.7/31', '2001:db8:ff::1/127'), 'ipv4')).toBe('203.0.113.6');
    expect(defaultGateway(bare, exit, iface('203.0.113.7/31', '2001:db8:ff::1/127'), 'ipv6')).toBe('2001:db8:ff::');
    expect(defaultGateway(bare, exit, iface('203.0.113.1/29', '2001:db8:ff::1/64'), 'ipv4')).toBe('203.0.113.2');
  });
});
