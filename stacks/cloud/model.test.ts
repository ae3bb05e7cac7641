import { describe, expect, it } from 'vitest';
import { StacksError, StacksErrors } from '../../lib/errors.js';
import type { System } from '../../cloud/types.js';
import { buildCloudModel } from './model.js';
import { defaultContext } from './testing.js';

const sys = (id: string, over: Partial<System> = {}): System => ({
  id,
  department: 'finance',
  level: 'province',
  classified: false,
  vcpu: 4,
  ramGiB: 16,
  storageTiB: 1,
  protectionClass: 'p4',
  ...over,
});

describe('cloud model: systems that cannot be placed are bad input (exit 2), classified ones are retained', () => {
  it('names each unplaceable system by row: unknown cloud (industry), not a tenant, unknown class', async () => {
    const { inventory, topology } = await defaultContext();
    let err: unknown;
    try {
      buildCloudModel(inventory, topology, {
        systems: [
          sys('ok'),
          sys('x', { industry: 'space' }),
          sys('y', { industry: 'video' }),
          sys('z', { protectionClass: 'p9' }),
          sys('s', { classified: true }),
        ],
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StacksErrors);
    expect((err as StacksError).exitCode).toBe(2);
    expect((err as StacksErrors).errors.map((e) => [e.path, e.message])).toEqual([
      ['systems[1] (x)', 'cannot be placed: no cloud for industry "space"'],
      ['systems[2] (y)', 'cannot be placed: department finance is not a tenant (cloud video)'],
      ['systems[3] (z)', 'cannot be placed: unknown protection class "p9"'],
    ]);
  });

  it('accepts them when asked (stacks clouds, policies report them instead)', async () => {
    const { inventory, topology } = await defaultContext();
    const m = buildCloudModel(inventory, topology, { systems: [sys('x', { industry: 'space' })], allowUnplaced: true })!;
    expect(m.placement.unplaced).toEqual([expect.objectContaining({ system: 'x', kind: 'no-cloud' })]);
  });
});
