import { afterEach, describe, expect, it } from 'vitest';
import { loadInventory } from './load.js';
import { StacksError } from '../lib/errors.js';
import { copyInventory, type InventoryCopy } from '../test/support/inventory.js';

let copy: InventoryCopy | undefined;
afterEach(async () => {
  await copy?.cleanup();
  copy = undefined;
});

const failure = async (dir: string) => {
  const err = await loadInventory(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StacksError);
  return err as StacksError;
};

describe('management.yaml', () => {
  it('refuses a secret value where a reference belongs, naming file and path, never echoing the value', async () => {
    copy = await copyInventory();
    await copy.edit('management.yaml', (d) => {
      d.defaults.snmp.users[0].auth_key = 'PlainKey-Leak-42';
    });
    const e = await failure(copy.dir);
    expect(e.describe()).toContain('management.yaml: defaults.snmp.users[0].auth_key: must be a {{secret:PATH}} reference');
    expect(e.describe()).not.toContain('PlainKey-Leak-42');
    expect(e.exitCode).toBe(2);
  });

  it('names a bad address, an unknown key and an unknown level by path', async () => {
    copy = await copyInventory();
    await copy.edit('management.yaml', (d) => {
      d.defaults.ntp.servers[0].address = '10.0.4.300';
      d.defaults.syslog.colectors = [];
      d.overrides.village = { banner: ['x'] };
    });
    const text = (await failure(copy.dir)).describe();
    expect(text).toContain('defaults.ntp.servers[0].address: an IPv4 or IPv6 address');
    expect(text).toMatch(/defaults\.syslog.*colectors/);
    expect(text).toMatch(/overrides.*village|overrides: /);
  });

  it('an override replaces the whole section for its level', async () => {
    const { buildTopology } = await import('../network/topology.js');
    const inv = await loadInventory();
    const t = buildTopology(inv);
    expect(t.management!.township.syslog).toMatchObject({ level: 'warning', facility: 'local6' });
    expect(t.management!.county.syslog).toMatchObject({ level: 'informational', facility: 'local7' });
    expect(t.management!.township.ntp).toEqual(t.management!.county.ntp);
  });
});
