import { describe, expect, it } from 'vitest';
import { backboneMap, groupState, linkState, ringOf } from './view.js';
import type { PollTarget } from '../types.js';

const t = (device: string, level: string, links: string[]): PollTarget => ({
  device,
  address: '127.0.0.1',
  port: 161,
  credentials: { version: 'v2c', community: 'c' },
  placement: { site: device.replace(/-r\d$/, ''), city: 'xian', level },
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

  it("draws each county's townships as one aggregate, with one edge per county router their uplinks end on", () => {
    const twp = (county: string, n: number) => [`${county}.t0${n}-r1`, 'township', [`${county}.t0${n}~up0`, `${county}.t0${n}~up1`]] as const;
    const list = [
      t('xian.yanta-r1', 'county', ['xian.yanta.t01~up0', 'xian.yanta.t02~up0']),
      t('xian.yanta-r2', 'county', ['xian.yanta.t01~up1', 'xian.yanta.t02~up1']),
      t('xian.lintong-r1', 'county', ['xian.lintong.t01~up0', 'xian.lintong.t01~up1']),
      ...[twp('xian.yanta', 1), twp('xian.yanta', 2), twp('xian.lintong', 1)].map(([d, l, links]) => t(d, l, [...links])),
    ];
    const m = backboneMap(list);
    expect(m.groups.map((g) => [g.id, g.members])).toEqual([
      ['townships:xian.yanta', ['xian.yanta.t01-r1', 'xian.yanta.t02-r1']],
      ['townships:xian.lintong', ['xian.lintong.t01-r1']],
    ]);
    expect(m.groupEdges.map((e) => [e.id, e.members])).toEqual([
      ['townships:xian.lintong>xian.lintong-r1', ['xian.lintong.t01~up0', 'xian.lintong.t01~up1']],
      ['townships:xian.yanta>xian.yanta-r1', ['xian.yanta.t01~up0', 'xian.yanta.t02~up0']],
      ['townships:xian.yanta>xian.yanta-r2', ['xian.yanta.t01~up1', 'xian.yanta.t02~up1']],
    ]);
    // on the townships' ring, between its members
    const yanta = m.groups[0]!;
    const members = m.nodes.filter((n) => yanta.members.includes(n.id));
    expect(Math.hypot(yanta.x, yanta.y)).toBeCloseTo(Math.hypot(members[0]!.x, members[0]!.y), 0);
    expect(yanta.size).toBeGreaterThan(m.groups[1]!.size);
    expect(m.groups.every((g) => g.state === 'unknown')).toBe(true);
  });

  it("an aggregate is down at one township's fault, device or link; unknown while one is unseen; else up", () => {
    const g = { members: ['a', 'b'] };
    const up = { state: 'up' as const };
    const nodes = (a: 'up' | 'down' | 'unknown', b: 'up' | 'down' | 'unknown') =>
      new Map([
        ['a', { state: a }],
        ['b', { state: b }],
      ]);
    expect(groupState(g, nodes('up', 'up'), [up, up])).toEqual({ state: 'up', devicesDown: 0, linksDown: 0, unseen: 0 });
    expect(groupState(g, nodes('up', 'unknown'), [up])).toMatchObject({ state: 'unknown', unseen: 1 });
    expect(groupState(g, nodes('up', 'unknown'), [up, { state: 'down' }])).toMatchObject({ state: 'down', linksDown: 1 });
    expect(groupState(g, nodes('down', 'up'), [up])).toMatchObject({ state: 'down', devicesDown: 1 });
  });
});
