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
 *
 * Stores are what the state dir actually holds (cli/state-stores.ts reads it: each file's format,
 * the envelope's algorithm, its mode, and how many secret values it holds in clear text); the
 * management channels are what the rendered management plane configures (SNMPv3 USM protocols,
 * sshd without GM ciphers). A store that holds a secret in clear text is not GM, whatever else
 * in it is sealed.
 */
import type { Topology } from '../../network/types.js';
import { managementFor } from '../../network/management.js';
import { productionHostManagement } from '../../network/render/linux-management.js';
import { resourcesOf, type TerraformStackDoc } from '../mlps/terraform.js';

/** One file of the state dir, as read from its bytes (no secret value is kept, only counts). */
export interface StoreFact {
  /** Path under the state dir. */
  path: string;
  /** sealed: a stacks-sealed envelope; sqlite; json; key: private key material; text: anything else. */
  format: 'sealed' | 'sqlite' | 'json' | 'key' | 'text';
  /** The envelope's algorithm (sealed files). */
  alg?: string;
  /** File mode bits (e.g. 0o600). */
  mode: number;
  /** Secret values from the sealed stores (or private keys) found in the file's clear text. */
  plaintextSecrets: number;
  /** The audit trail's store (SM3 chain, SM2-signed head). */
  auditChain?: boolean;
}

export interface GmRow {
  object: string;
  kind: 'tunnel' | 'link' | 'store' | 'management';
  /** What protects it, as configured: cipher / integrity / key exchange or signature. */
  algorithms: string;
  gm: boolean;
  note: string;
}

const GM = /\bsm[234]\b/i;

export function gmView(inp: { topology?: Topology; terraformJson?: readonly TerraformStackDoc[]; stores?: readonly StoreFact[] }): GmRow[] {
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
  for (const f of inp.stores ?? []) rows.push(storeRow(f));
  rows.push(...managementRows(inp.topology));
  return rows;
}

const modeText = (m: number) => `file mode ${(m & 0o777).toString(8).padStart(4, '0')}`;

function storeRow(f: StoreFact): GmRow {
  const object = `store:${f.path}`;
  const perms = modeText(f.mode) + (f.mode & 0o077 ? ', readable by others' : '');
  if (f.plaintextSecrets > 0)
    return {
      object,
      kind: 'store',
      algorithms: `none (${f.format} in clear, ${perms})`,
      gm: false,
      note: `holds ${f.plaintextSecrets} secret value(s) in clear text`,
    };
  if (f.format === 'sealed') {
    const gm = f.alg === 'SM4-CTR+HMAC-SM3';
    return { object, kind: 'store', algorithms: `${f.alg ?? '(unknown)'} (encrypt-then-MAC), ${perms}`, gm, note: gm ? '' : 'sealed with a non-GM algorithm' };
  }
  if (f.auditChain)
    return {
      object,
      kind: 'store',
      algorithms: `SM3 hash chain / SM2-signed head (integrity; records in clear, ${perms})`,
      gm: true,
      note: 'audit/: `stacks audit verify` checks it',
    };
  if (f.format === 'key')
    return { object, kind: 'store', algorithms: `none (key material in clear, ${perms})`, gm: false, note: 'a key kept unencrypted on disk' };
  return { object, kind: 'store', algorithms: `none (${f.format}, ${perms})`, gm: false, note: 'protected by file permissions only' };
}

const GM_SSH = /\bsm4|sm2|sm3/i;

/** The management channels as the rendered management plane sets them up (one row per distinct setting). */
function managementRows(topology: Topology | undefined): GmRow[] {
  if (!topology?.management) return [];
  const snmp = new Map<string, number>();
  const ssh = new Map<string, number>();
  for (const device of topology.devices) {
    const m = managementFor(topology, device);
    if (!m) continue;
    for (const u of m.snmp.users) {
      const k = `SNMPv3 USM user ${u.name}: ${u.auth} / ${u.priv}`;
      snmp.set(k, (snmp.get(k) ?? 0) + 1);
    }
    const sshd = productionHostManagement(topology, device)?.sshd_config ?? '';
    const set = sshd.split('\n').filter((l) => /^(Ciphers|MACs|KexAlgorithms|HostKeyAlgorithms) /.test(l));
    const k = set.length ? `SSH: ${set.join('; ')}` : 'SSH: OpenSSH defaults (no Ciphers/MACs/KexAlgorithms set; STelnet defaults on VRP)';
    ssh.set(k, (ssh.get(k) ?? 0) + 1);
  }
  const rows: GmRow[] = [];
  for (const [algorithms, n] of snmp) {
    const gm = /sm3/i.test(algorithms) && /sm4/i.test(algorithms);
    rows.push({ object: 'mgmt:snmp', kind: 'management', algorithms, gm, note: `${n} devices${gm ? '' : '; SNMPv3 has no standard SM3/SM4 protocols'}` });
  }
  for (const [algorithms, n] of ssh) {
    const gm = GM_SSH.test(algorithms);
    rows.push({ object: 'mgmt:ssh', kind: 'management', algorithms, gm, note: `${n} devices${gm ? '' : '; OpenSSH in Debian has no SM2/SM4'}` });
  }
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
