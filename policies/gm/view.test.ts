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
    });
    expect(rows.find((r) => r.object === 'ipsec:dr-a-b/p')).toMatchObject({ kind: 'tunnel', gm: false, algorithms: 'aes-256 / sha256 / group14' });
    expect(rows.find((r) => r.object === 'ike:dr-a-b/k')).toMatchObject({ gm: true });
    expect(rows.find((r) => r.object === 'link:a~b')).toMatchObject({ gm: false });
    expect(rows.filter((r) => r.kind === 'store' && r.gm).map((r) => r.object)).toEqual(['store:lab-secrets', 'store:audit-trail']);
  });
});
