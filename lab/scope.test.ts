import { describe, expect, test } from 'vitest';
import { loadInventory } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { defaultScopeDefaults, parseScope, selectScope } from './scope.js';
import { capacityFor, assertFits, PER_DEVICE_MIB, RESERVE_MIB } from './capacity.js';
import { loadLabModel } from './model.js';
import { DEFAULT_INVENTORY_DIR } from '../inventory/load.js';

const topology = buildTopology(await loadInventory());

describe('scope', () => {
  test('default: core + exits, Xi’an and Yulin, 2 counties × 2 townships, the three data centres', async () => {
    const s = await loadLabModel(DEFAULT_INVENTORY_DIR, undefined);
    const ids = s.devices.map((d) => d.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'shaanxi-r1',
        'shaanxi-r2',
        'shaanxi-exit1',
        'shaanxi-exit2',
        'xian-r1',
        'yulin-r2',
        'dc.xinchuang-r1',
        'dc.info-centre-r1',
        'dc.yulin-dc-r1',
      ]),
    );
    expect(ids.some((d) => d.startsWith('dc.yanan-dc'))).toBe(false);
    expect(s.devices).toHaveLength(4 + 4 + 8 + 8 + 3);
    expect(s.sites.filter((x) => x.level === 'township')).toHaveLength(8);
    // every link of the scope has both ends in it, and both exits keep their hand-off
    for (const l of s.links) expect(ids).toEqual(expect.arrayContaining([l.a.device, l.b.device]));
    expect(s.handoffs).toHaveLength(2);
  });

  test('explicit keys and site lists', () => {
    const s = selectScope(topology, parseScope('cities=xian;counties=1;townships=2;datacenters=none'));
    expect(s.devices).toHaveLength(10);
    const t = selectScope(topology, parseScope('cities=0;datacenters=none;xian.xincheng.t01'));
    expect(t.devices.map((d) => d.id).sort()).toEqual([
      'shaanxi-exit1',
      'shaanxi-exit2',
      'shaanxi-r1',
      'shaanxi-r2',
      'xian-r1',
      'xian-r2',
      'xian.xincheng-r1',
      'xian.xincheng-r2',
      'xian.xincheng.t01-r1',
    ]);
  });

  test('bad input names the key', () => {
    expect(() => parseScope('towns=2')).toThrow(/unknown scope key "towns"/);
    expect(() => parseScope('counties=two')).toThrow(/not a count/);
    expect(() => selectScope(topology, parseScope('cities=atlantis'))).toThrow(/not a city/);
    expect(() => selectScope(topology, parseScope('sites=nowhere'))).toThrow(/no site "nowhere"/);
  });

  test('default cities prefer the data centres’ cities', () => {
    expect(defaultScopeDefaults(topology, ['xian', 'xian', 'yulin']).preferredCities).toEqual(['xian', 'yulin']);
    expect(defaultScopeDefaults(topology, []).preferredCities).toHaveLength(2);
  });
});

describe('capacity', () => {
  const meminfo = (mib: number) => `MemTotal: 99999999 kB\nMemAvailable: ${mib * 1024} kB\n`;
  test('fits and refuses with the number of devices that would fit', () => {
    expect(capacityFor(25, meminfo(RESERVE_MIB + 25 * PER_DEVICE_MIB)).fits).toBe(true);
    expect(capacityFor(26, meminfo(RESERVE_MIB + 25 * PER_DEVICE_MIB)).fits).toBe(false);
    expect(() => assertFits(100, meminfo(RESERVE_MIB + 10 * PER_DEVICE_MIB))).toThrow(/about 10 devices/);
  });
});
