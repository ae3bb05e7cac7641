import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { loadLabModel, renderLabConfig } from './model.js';
import type { ScopedTopology } from './scope.js';
import { configGate } from './atomic-config-gate.js';
import { interfacesToward, passiveOn } from '../test/support/passive-toward.js';

// The incremental-commit lab test's scope: Xi'an's cores, one county with two townships.
const SCOPE = 'cities=xian;counties=1;townships=2;datacenters=none';
const COUNTY = 'xian.xincheng-r1';
const COUNTY_PEER = 'xian.xincheng-r2';
const TOWNSHIP = 'xian.xincheng.t01-r1';

describe('the atomic transaction’s config gate', () => {
  let scoped: ScopedTopology;
  let intent: Map<string, string>;
  const gateOver = (candidate: (id: string) => string, confirmed: (id: string) => boolean = () => true) =>
    configGate({
      scoped,
      recorded: candidate,
      store: {
        state: {
          devices: Object.fromEntries(
            scoped.devices.map((d) => [d.id, confirmed(d.id) ? { phase: 'confirmed', config: intent.get(d.id) } : { phase: 'realized' }]),
          ),
        },
      } as never,
    });
  beforeAll(async () => {
    scoped = await loadLabModel(DEFAULT_INVENTORY_DIR, SCOPE);
    intent = new Map(scoped.devices.map((d) => [d.id, renderLabConfig(scoped.topology, d.id)]));
  });

  it('lets the running intent through: a scope’s own limits are no finding it adds', () => {
    expect(gateOver((id) => intent.get(id)!)).toEqual({ added: [] });
  });

  it('refuses a change that silences both county uplinks toward a township, naming what it breaks', () => {
    const towards = interfacesToward(scoped.links, TOWNSHIP, [COUNTY, COUNTY_PEER]);
    const passive = (id: string) => passiveOn(intent.get(id)!, towards.get(id));
    const r = gateOver(passive);
    expect(r.added.length).toBeGreaterThan(0);
    expect(r.failure).toMatch(/^config verify: the change adds \d+ finding/);
    expect(r.added.some((f) => f.message.includes(TOWNSHIP) || f.object.includes(TOWNSHIP.replace(/-r\d+$/, '')))).toBe(true);
    // both families
    expect(new Set(r.added.map((f) => f.family))).toEqual(new Set(['ipv4', 'ipv6']));
  });

  it('a device not confirmed yet counts with its candidate on both sides: a first deploy is not judged here', () => {
    expect(
      gateOver(
        (id) => (id === COUNTY ? intent.get(id)!.replace(/^ ip ospf area .*$/m, '') : intent.get(id)!),
        (id) => id !== COUNTY,
      ).added,
    ).toEqual([]);
  });
});
