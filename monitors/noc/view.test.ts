import { describe, expect, it } from 'vitest';
import { backboneMap, linkState, ringOf } from './view.js';
import type { PollTarget } from '../types.js';

const t = (device: string, level: string, links: string[]): PollTarget => ({
  device,
  address: '127.0.0.1',
  port: 161,
  credentials: { version: 'v2c', community: 'c' },
  placement: { site: device, city: 'xian', level },
  interfaces: Object.fromEntries(links.map((l, i) => [`if${i}`, { link: l, tier: 'county', bandwidthMbps: 1000 }])),
});

describe('backbone map', () => {
  it('draws the links with both ends polled, and rings by level', () => {
    const m = backboneMap([t('p', 'province', ['p--c', 'p--out']), t('c', 'city', ['p--c', 'c--t']), t('t', 'township', ['c--t'])]);
    expect(m.nodes.map((n) => [n.id, n.ring])).toEqual([
      ['p', 0],
      ['c', 1],
      ['t', 3],
    ]);
    expect(m.edges.map((e) => `${e.source}>${e.target}`)).toEqual(['c>t', 'p>c']);
    expect(m.edges.every((e) => e.state === 'unknown' && e.utilisation === null)).toBe(true);
    expect(ringOf('datacenter')).toBe(1);
  });

  it('places every node once, on its ring: no two nodes on one spot, each ring outside the one within', () => {
    const targets = [t('p1', 'province', []), t('p2', 'province', [])];
    for (let c = 0; c < 11; c++) targets.push(t(`c${c}`, 'city', []));
    for (let k = 0; k < 300; k++) targets.push(t(`k${k}`, 'township', []));
    const m = backboneMap(targets);
    expect(new Set(m.nodes.map((n) => `${n.x},${n.y}`)).size).toBe(m.nodes.length);
    const radius = (ring: number) => m.nodes.filter((n) => n.ring === ring).map((n) => Math.hypot(n.x, n.y));
    expect(Math.max(...radius(0))).toBeLessThan(Math.min(...radius(1)));
    expect(Math.max(...radius(1))).toBeLessThan(Math.min(...radius(3)));
    // the townships' ring is wide enough for them side by side (5 units each, 3 apart)
    expect(Math.min(...radius(3)) * 2 * Math.PI).toBeGreaterThanOrEqual(300 * 8 - 1);
  });

  it('a link is down when either end says so, unknown until one speaks', () => {
    expect(linkState(undefined)).toBe('unknown');
    expect(linkState(new Map([['a', false]]))).toBe('up');
    expect(
      linkState(
        new Map([
          ['a', false],
          ['b', true],
        ]),
      ),
    ).toBe('down');
  });
});
