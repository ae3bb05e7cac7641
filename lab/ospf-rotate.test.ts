import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { rotateOspf } from './ospf-rotate.js';
import { readKeyring } from '../lib/ospf-keyring-file.js';
import { SecretStore } from '../lib/secret-refs.js';
import { advance, FIRST_KEY, rollPhase } from '../network/ospf-keyring.js';

describe('OSPF key rotation without a deployed lab', () => {
  it('walks the three steps at once: the keyring ends on key 2 in every area of the scope, key 1 leaves the store', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'stx-ospfrot-'));
    process.env.STACKS_SEAL_KEY = 'a'.repeat(64);
    try {
      const store = SecretStore.forState(stateDir);
      store.set('ospf/area-0.0.0.0/key-1', 'oldkey0123456789');
      store.set('ospf/area-0.0.0.0/v3-key-1', 'oldv3key0123456789');
      store.save();
      const r = await rotateOspf({ stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, lab: 'a0', scope: 'cities=xian;counties=0;datacenters=none' });
      expect(r.deployed).toBe(false);
      expect(r.complete).toBe(true);
      expect(r.steps.map((s) => s.phase)).toEqual(['accept', 'send', 'steady']);
      expect(Object.keys(r.areas).sort()).toEqual(['0.0.0.0', '10.14.0.0']);
      expect(readKeyring(stateDir)['0.0.0.0']).toEqual({ keys: [2], send: 2 });
      expect(SecretStore.forState(stateDir).paths()).toEqual([]);
      // --area: only that area moves on
      const again = await rotateOspf({
        stateDir,
        inventoryDir: DEFAULT_INVENTORY_DIR,
        lab: 'a0',
        scope: 'cities=xian;counties=0;datacenters=none',
        area: '0.0.0.0',
      });
      expect(again.areas).toEqual({ '0.0.0.0': { from: 2, to: 3 } });
      expect(readKeyring(stateDir)['10.14.0.0']).toEqual({ keys: [2], send: 2 });
    } finally {
      delete process.env.STACKS_SEAL_KEY;
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('the keyring steps: accept the new key, send it, drop the old; ids wrap after 255', () => {
    const a = advance(FIRST_KEY);
    expect([a, rollPhase(a)]).toEqual([{ keys: [1, 2], send: 1 }, 'accept']);
    const s = advance(a);
    expect([s, rollPhase(s)]).toEqual([{ keys: [1, 2], send: 2 }, 'send']);
    expect(advance(s)).toEqual({ keys: [2], send: 2 });
    const wrap = advance({ keys: [255], send: 255 });
    expect(wrap).toEqual({ keys: [1, 255], send: 255 });
    expect(advance(advance(wrap))).toEqual({ keys: [1], send: 1 });
  });
});
