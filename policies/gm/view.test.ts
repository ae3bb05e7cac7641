import { describe, expect, it } from 'vitest';
import { gmView } from './view.js';

describe('GB/T 39786 view', () => {
  it('marks the DR IPsec proposals, links and stores GM or not, per object', () => {
    const rows = gmView({
      terraformJson: [
        {
          stack: 'dr-a-b',
          path: 'x',
          json: {
            resource: {
              openstack_vpnaas_ipsec_policy_v2: { p: { encryption_algorithm: 'aes-256', auth_algorithm: 'sha256', pfs: 'group14' } },
              openstack_vpnaas_ike_policy_v2: { k: { encryption_algorithm: 'sm4', auth_algorithm: 'sm3' } },
            },
          },
        },
      ],
      topology: { links: [{ id: 'a~b' }] } as never,
      stores: [
        { path: 'lab/m1/secrets.json', format: 'sealed', alg: 'SM4-CTR+HMAC-SM3', mode: 0o600, plaintextSecrets: 0 },
        { path: 'audit/audit.sqlite', format: 'sqlite', mode: 0o600, plaintextSecrets: 0, auditChain: true },
        { path: 'lab/m1/state.json', format: 'json', mode: 0o644, plaintextSecrets: 3 },
        { path: 'monitoring/faults.sqlite', format: 'sqlite', mode: 0o600, plaintextSecrets: 0 },
        { path: 'lab/m1/seal.key', format: 'key', mode: 0o600, plaintextSecrets: 1 },
      ],
    });
    expect(rows.find((r) => r.object === 'ipsec:dr-a-b/p')).toMatchObject({ kind: 'tunnel', gm: false, algorithms: 'aes-256 / sha256 / group14' });
    expect(rows.find((r) => r.object === 'ike:dr-a-b/k')).toMatchObject({ gm: true });
    expect(rows.find((r) => r.object === 'link:a~b')).toMatchObject({ gm: false });
    expect(rows.filter((r) => r.kind === 'store' && r.gm).map((r) => r.object)).toEqual(['store:lab/m1/secrets.json', 'store:audit/audit.sqlite']);
    // A store holding secrets in clear text is not GM, and says how many and how it is protected.
    expect(rows.find((r) => r.object === 'store:lab/m1/state.json')).toMatchObject({
      gm: false,
      algorithms: 'none (json in clear, file mode 0644, readable by others)',
      note: 'holds 3 secret value(s) in clear text',
    });
    expect(rows.find((r) => r.object === 'store:lab/m1/seal.key')).toMatchObject({ gm: false });
    expect(rows.find((r) => r.object === 'store:monitoring/faults.sqlite')).toMatchObject({ gm: false, note: 'protected by file permissions only' });
    // No state dir, no management plane: no made-up rows.
    expect(gmView({}).length).toBe(0);
  });

  it('management rows come from the rendered management plane of the default province', async () => {
    const { loadInventory, DEFAULT_INVENTORY_DIR } = await import('../../inventory/load.js');
    const { buildTopology } = await import('../../network/topology.js');
    const topology = buildTopology(await loadInventory(DEFAULT_INVENTORY_DIR));
    const mgmt = gmView({ topology: { ...topology, links: [] } }).filter((r) => r.kind === 'management');
    expect(mgmt.map((r) => [r.object, r.algorithms, r.gm])).toEqual([
      ['mgmt:snmp', 'SNMPv3 USM user noc: sha / aes128', false],
      ['mgmt:ssh', expect.stringMatching(/^SSH: OpenSSH defaults/), false],
    ]);
    expect(mgmt[0]!.note).toBe(`${topology.devices.length} devices; SNMPv3 has no standard SM3/SM4 protocols`);
  });
});
