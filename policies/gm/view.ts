/**
 * The GB/T 39786-2021 (信息系统密码应用基本要求) view: for each link, tunnel, store and management
 * channel, which algorithms protect it and whether they are GM (SM2/SM3/SM4) ones. Pure: the
 * topology and the synthesized Terraform JSON in, one row per object out.
 *
 * Where the cloud side could take a GM proposal it would be rendered; it cannot here: the DR
 * tunnels are OpenStack VPNaaS, whose API (neutron-lib `vpn` definition) accepts only 3des/aes-*
 * encryption and sha1/sha256/sha384/sha512/aes-xcbc/aes-cmac integrity — the provider schema
 * (schemas/openstack-provider.schema.json) types the fields as free strings, so Terraform would
 * accept `sm4`, but Neutron refuses it at apply. GM tunnels need GM/T 0022 IPsec gateways beside
 * the clouds; the view says so per tunnel.
 */
import type { Topology } from '../../network/types.js';
import { resourcesOf, type TerraformStackDoc } from '../mlps/terraform.js';

export interface GmRow {
  object: string;
  kind: 'tunnel' | 'link' | 'store' | 'management';
  /** What protects it, as configured: cipher / integrity / key exchange or signature. */
  algorithms: string;
  gm: boolean;
  note: string;
}

const GM = /\bsm[234]\b/i;

export function gmView(inp: { topology?: Topology; terraformJson?: readonly TerraformStackDoc[] }): GmRow[] {
  const rows: GmRow[] = [];
  const tf = inp.terraformJson ?? [];
  for (const type of ['openstack_vpnaas_ike_policy_v2', 'openstack_vpnaas_ipsec_policy_v2'] as const) {
    for (const r of resourcesOf(tf, type)) {
      const a = r.attrs;
      const enc = String(a.encryption_algorithm ?? 'aes-128');
      const auth = String(a.auth_algorithm ?? 'sha256');
      const pfs = String(a.pfs ?? (type === 'openstack_vpnaas_ike_policy_v2' ? 'group5' : 'group5'));
      const gm = GM.test(enc) && GM.test(auth);
      rows.push({
        object: `${type === 'openstack_vpnaas_ike_policy_v2' ? 'ike' : 'ipsec'}:${r.stack}/${r.name}`,
        kind: 'tunnel',
        algorithms: `${enc} / ${auth} / ${pfs}`,
        gm,
        note: gm ? '' : 'OpenStack VPNaaS offers no SM4/SM3 (Neutron accepts 3des, aes-*; sha*, aes-xcbc, aes-cmac): GM needs a GM/T 0022 IPsec gateway',
      });
    }
  }
  for (const l of inp.topology?.links ?? []) {
    rows.push({
      object: `link:${l.id}`,
      kind: 'link',
      algorithms: 'none (OSPF in clear, no MACsec/IPsec)',
      gm: false,
      note: 'backbone links carry no link encryption in the rendered configs',
    });
  }
  rows.push(
    { object: 'store:lab-secrets', kind: 'store', algorithms: 'SM4-CTR / HMAC-SM3 (encrypt-then-MAC), HKDF-SM3 keys', gm: true, note: 'lib/sealed-file.ts' },
    { object: 'store:audit-trail', kind: 'store', algorithms: 'SM3 hash chain / SM2 signatures (ID 1234567812345678)', gm: true, note: 'audit/' },
    {
      object: 'store:fault-db',
      kind: 'store',
      algorithms: 'none (SQLite file 0600, or PostgreSQL as configured)',
      gm: false,
      note: 'protected by file permissions only',
    },
    {
      object: 'mgmt:snmp',
      kind: 'management',
      algorithms: 'SNMPv3 USM: HMAC-SHA-96 / AES-128-CFB',
      gm: false,
      note: 'SNMPv3 has no standard SM3/SM4 protocols',
    },
    {
      object: 'mgmt:ssh',
      kind: 'management',
      algorithms: 'SSH: ed25519 host and deploy keys, OpenSSH default ciphers',
      gm: false,
      note: 'OpenSSH in Debian has no SM2/SM4',
    },
  );
  return rows;
}

export function renderGmText(rows: readonly GmRow[]): string {
  const byKind = new Map<string, GmRow[]>();
  for (const r of rows) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
  const lines = ['GB/T 39786-2021 view: which objects use GM algorithms (SM2/SM3/SM4)', ''];
  for (const [kind, list] of byKind) {
    const gm = list.filter((r) => r.gm).length;
    lines.push(`${kind}: ${gm} of ${list.length} GM`);
    const shown = kind === 'link' ? list.slice(0, 3) : list;
    for (const r of shown) lines.push(`  ${r.gm ? 'GM    ' : 'not GM'}  ${r.object}  ${r.algorithms}${r.note ? `  — ${r.note}` : ''}`);
    if (shown.length < list.length) lines.push(`  … ${list.length - shown.length} more (--json lists every object)`);
  }
  return lines.join('\n') + '\n';
}
