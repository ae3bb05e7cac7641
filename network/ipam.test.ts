import { afterEach, describe, expect, it } from 'vitest';
import { loadInventory } from '../inventory/load.js';
import { planAddresses, nextFreePrefix } from './ipam.js';
import { nextFree, blockUsage } from './ipam-report.js';
import { StacksError, StacksErrors } from '../lib/errors.js';
import { parsePrefix, formatPrefix } from '../lib/ip.js';
import { copyInventory, type InventoryCopy } from '../test/support/inventory.js';

let copy: InventoryCopy | undefined;
afterEach(async () => {
  await copy?.cleanup();
  copy = undefined;
});

async function ipamError(edit: (c: InventoryCopy) => Promise<void>): Promise<StacksError[]> {
  copy = await copyInventory();
  await edit(copy);
  const inv = await loadInventory(copy.dir);
  try {
    planAddresses(inv);
  } catch (e) {
    expect(e).toBeInstanceOf(StacksError);
    return e instanceof StacksErrors ? e.errors : [e as StacksError];
  }
  throw new Error('planAddresses accepted a broken inventory');
}

describe('planAddresses: bad input', () => {
  it('rejects an invalid supernet, naming province.yaml and the path', async () => {
    const [e] = await ipamError((c) => c.edit('province.yaml', (d) => (d.ipam.ipv4.supernet = '10.0.0.0/33')));
    expect(e!.code).toBe('E_PREFIX');
    expect(e!.file).toMatch(/province\.yaml$/);
    expect(e!.path).toBe('ipam.ipv4.supernet');
  });

  it('rejects a supernet too small for the sites', async () => {
    const errors = await ipamError(async (c) => {
      await c.edit('ipam-ledger.json', (d) => (d.allocations = {}));
      await c.edit('province.yaml', (d) => {
        d.ipam.ipv4.supernet = '10.0.0.0/13';
        d.ipam.ipv4.block.province = 13;
      });
    });
    expect(errors.some((e) => e.code === 'E_SUPERNET_FULL' && e.path === 'ipam.ipv4.block.city')).toBe(true);
  });

  it('rejects a ledger entry outside its parent block', async () => {
    const errors = await ipamError(async (c) => {
      const inv = await loadInventory(c.dir);
      const ledger = planAddresses(inv).ledger;
      ledger.allocations['xian.yanta']!.ipv4 = ledger.allocations['baoji.weibin']!.ipv4;
      await c.edit('ipam-ledger.json', (d) => Object.assign(d, ledger));
    });
    expect(errors.some((e) => e.code === 'E_LEDGER_OUTSIDE' && e.path === 'allocations.xian.yanta.ipv4' && e.file!.endsWith('ipam-ledger.json'))).toBe(true);
  });

  it('rejects overlapping ledger entries', async () => {
    const errors = await ipamError(async (c) => {
      const inv = await loadInventory(c.dir);
      const ledger = planAddresses(inv).ledger;
      ledger.allocations['xian.yanta']!.ipv6 = ledger.allocations['xian.beilin']!.ipv6;
      await c.edit('ipam-ledger.json', (d) => Object.assign(d, ledger));
    });
    expect(errors.some((e) => e.code === 'E_LEDGER_OVERLAP' && /allocations\.xian\.(yanta|beilin)\.ipv6/.test(e.path!))).toBe(true);
  });

  it('rejects a ledger entry that is not a prefix or lies outside the supernet', async () => {
    const errors = await ipamError((c) =>
      c.edit('ipam-ledger.json', (d) => {
        d.allocations = { xian: { ipv4: '192.168.0.0/15', ipv6: 'not-a-prefix/40' } };
      }),
    );
    expect(errors.map((e) => `${e.code} ${e.path}`).sort()).toEqual(['E_LEDGER_PREFIX allocations.xian.ipv4', 'E_LEDGER_PREFIX allocations.xian.ipv6']);
  });
});

describe('IPAM queries', () => {
  it('finds the next free prefix around allocated ones', () => {
    const block = parsePrefix('10.0.0.0/24');
    const taken = [parsePrefix('10.0.0.0/26'), parsePrefix('10.0.0.128/27')];
    expect(formatPrefix(nextFreePrefix(block, 26, taken)!)).toBe('10.0.0.64/26');
    expect(nextFreePrefix(block, 25, taken)).toBeUndefined();
    expect(formatPrefix(nextFreePrefix(block, 27, taken)!)).toBe('10.0.0.64/27');
    expect(formatPrefix(nextFreePrefix(block, 27, [...taken, parsePrefix('10.0.0.64/26')])!)).toBe('10.0.0.160/27');
  });

  it('answers next free in a site block and reports utilisation', async () => {
    const plan = planAddresses(await loadInventory());
    const free = nextFree(plan, 'xian', 19, 'ipv4');
    expect(free.prefix).not.toBeNull();
    const xian = plan.blocks.get('xian')!;
    expect(parsePrefix(free.prefix!).network >= xian.block.ipv4.network).toBe(true);
    for (const kid of plan.sites.filter((s) => s.parent === 'xian'))
      expect(plan.blocks.get(kid.id)!.block.ipv4.network).not.toBe(parsePrefix(free.prefix!).network);
    const township = plan.sites.find((s) => s.level === 'township')!;
    expect(nextFree(plan, township.id, 28, 'ipv4').prefix).toBeNull();
    const usage = blockUsage(plan, { site: 'xian', family: 'ipv4' });
    expect(usage[0]!.children).toBe(13);
    expect(usage[0]!.used).toBeGreaterThan(0.5);
  });
});
