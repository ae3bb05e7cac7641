/**
 * The management plane on a router (management.yaml through network/management.ts): NTP, remote
 * syslog, HWTACACS + local AAA with lockout and password policy, SSH-only VTYs behind the
 * management ACL, SNMPv3 authPriv only (no community, no other version), the login banner.
 *
 * VRP: the ACLs, the HWTACACS template and `aaa` come before the interfaces (what later lines refer
 * to exists first); NTP, info-center, SNMP, SSH and the VTYs come after the loopback they take as
 * their source. FRR: frr.conf carries only `log commands` (every vtysh command to the log, as
 * 等保 8.1.4.3 a) asks); the rest of an FRR router's management plane is its host's (sshd and its
 * PAM stack, snmpd, chrony, rsyslog), rendered from the same data by ../linux-management.ts.
 *
 * Every key and password is a `{{secret:PATH}}` reference; deploy resolves it (lib/secret-refs.ts).
 */
import { managementFor, ref, type ManagementSettings } from '../../management.js';
import type { ConfigLine } from '../common.js';
import { VRP_LOOPBACK } from '../vrp-names.js';
import { VRP_MGMT_ACL } from '../management-parse.js';
import type { FeatureContext, RenderFeature } from './types.js';

/** The AAA scheme and domain names the VTY logins use. */
const SCHEME = 'stacks-mgmt';

const lines = (texts: string[]): ConfigLine[] => texts.map((text) => ({ text }));
const isV6 = (a: string) => a.includes(':');

/** `10.0.4.0/26` → `10.0.4.0 0.0.0.63` (VRP basic ACL rules take a wildcard). */
function wildcard(prefix: string): string {
  const [addr, len] = prefix.split('/') as [string, string];
  const host = 32 - Number(len);
  const w = host === 32 ? 0xffffffff : (2 ** host - 1) >>> 0;
  return `${addr} ${[24, 16, 8, 0].map((s) => (w >>> s) & 255).join('.')}`;
}

function vrpPreamble(m: ManagementSettings): string[] {
  const out: string[] = [`acl number ${VRP_MGMT_ACL}`, ' description management networks: SSH and SNMP'];
  m.access.ipv4.forEach((p, i) => out.push(` rule ${5 * (i + 1)} permit source ${wildcard(p)}`));
  out.push(' rule 1000 deny', '#');
  if (m.access.ipv6.length) {
    out.push(`acl ipv6 number ${VRP_MGMT_ACL}`, ' description management networks: SSH and SNMP');
    m.access.ipv6.forEach((p, i) => out.push(` rule ${5 * (i + 1)} permit source ${p}`));
    out.push(' rule 1000 deny', '#');
  }
  for (const t of m.aaa.tacacs) {
    out.push(`hwtacacs-server template ${t.name}`);
    t.servers.forEach((s, i) => {
      const role = i === 0 ? '' : ' secondary';
      for (const kind of ['authentication', 'authorization', 'accounting']) out.push(` hwtacacs-server ${kind} ${s.address} ${s.port}${role}`);
    });
    out.push(` hwtacacs-server shared-key cipher ${ref(t.sharedKey)}`, '#');
  }
  const tacacs = m.aaa.tacacs[0]?.name;
  const l = m.aaa.lockout;
  out.push(
    'aaa',
    ` local-aaa-user wrong-password retry-interval ${l.retryIntervalMinutes} retry-time ${l.retries} block-time ${l.blockMinutes}`,
    ' local-aaa-user password policy administrator',
    `  password history record number ${m.aaa.passwordPolicy.history}`,
    `  password expire ${m.aaa.passwordPolicy.expireDays}`,
    ` authentication-scheme ${SCHEME}`,
    `  authentication-mode ${tacacs ? 'hwtacacs local' : 'local'}`,
    ` authorization-scheme ${SCHEME}`,
    `  authorization-mode ${tacacs ? 'hwtacacs local' : 'local'}`,
  );
  if (tacacs) out.push(` accounting-scheme ${SCHEME}`, '  accounting-mode hwtacacs');
  out.push(' domain default_admin', `  authentication-scheme ${SCHEME}`, `  authorization-scheme ${SCHEME}`);
  if (tacacs) out.push(`  accounting-scheme ${SCHEME}`, `  hwtacacs-server ${tacacs}`);
  for (const u of m.aaa.localUsers) {
    out.push(
      ` local-user ${u.name} password irreversible-cipher ${ref(u.password)}`,
      ` local-user ${u.name} privilege level ${u.privilege}`,
      ` local-user ${u.name} service-type ssh`,
    );
  }
  return out;
}

function vrpTrailer(m: ManagementSettings, hostname: string, site: string): string[] {
  const out: string[] = [];
  for (const s of m.ntp) {
    const fam = isV6(s.address) ? 'ipv6 ' : '';
    out.push(`ntp-service unicast-server ${fam}${s.address} source-interface ${VRP_LOOPBACK}${s.prefer ? ' preference' : ''}`);
  }
  out.push('#', 'info-center enable', `info-center loghost source ${VRP_LOOPBACK}`);
  for (const c of m.syslog.collectors) {
    const fam = isV6(c.address) ? 'ipv6 ' : '';
    out.push(
      `info-center loghost ${fam}${c.address} facility ${m.syslog.facility}${c.protocol === 'tcp' ? ` transport tcp port ${c.port}` : c.port !== 514 ? ` port ${c.port}` : ''}`,
    );
  }
  out.push(`info-center source default channel loghost log level ${m.syslog.level}`, '#');
  out.push(
    'snmp-agent',
    'snmp-agent sys-info version v3',
    `snmp-agent sys-info contact ${m.snmp.contact}`,
    `snmp-agent sys-info location ${site}`,
    'snmp-agent mib-view included stacks-all iso',
  );
  const groups = [...new Set(m.snmp.users.map((u) => u.group))];
  for (const g of groups) out.push(`snmp-agent group v3 ${g} privacy read-view stacks-all notify-view stacks-all acl ${VRP_MGMT_ACL}`);
  for (const u of m.snmp.users)
    out.push(
      `snmp-agent usm-user v3 ${u.name} ${u.group} authentication-mode ${u.auth} ${ref(u.authKey)} privacy-mode ${u.priv} ${ref(u.privKey)} acl ${VRP_MGMT_ACL}`,
    );
  if (m.snmp.trapHosts.length) {
    const trapUser = m.snmp.users.find((u) => u.poller) ?? m.snmp.users[0]!;
    out.push(`snmp-agent trap source ${VRP_LOOPBACK}`, 'snmp-agent trap enable');
    for (const h of m.snmp.trapHosts)
      out.push(`snmp-agent target-host trap address udp-domain ${isV6(h) ? `ipv6 ${h}` : h} params securityname ${trapUser.name} v3 privacy`);
  }
  out.push('#', 'stelnet server enable', `ssh server-source -i ${VRP_LOOPBACK}`, `ssh ipv6 server-source -i ${VRP_LOOPBACK}`);
  for (const u of m.aaa.localUsers)
    out.push(`ssh user ${u.name}`, `ssh user ${u.name} authentication-type password`, `ssh user ${u.name} service-type stelnet`);
  out.push('#', 'user-interface vty 0 4', ` acl ${VRP_MGMT_ACL} inbound`);
  if (m.access.ipv6.length) out.push(` acl ipv6 ${VRP_MGMT_ACL} inbound`);
  out.push(' authentication-mode aaa', ' protocol inbound ssh', ` idle-timeout ${m.aaa.idleTimeoutMinutes} 0`, '#');
  out.push(`header login information "${[`${hostname}:`, ...m.banner].join(' ')}"`);
  return out;
}

const withManagement =
  (fn: (m: ManagementSettings, ctx: FeatureContext) => string[]) =>
  (ctx: FeatureContext): ConfigLine[] => {
    const m = managementFor(ctx.topology, ctx.device);
    return m ? lines(fn(m, ctx)) : [];
  };

export const managementFeature: RenderFeature = {
  id: 'management',
  title: 'management plane: NTP, syslog, AAA (HWTACACS + local), SSH-only VTY behind the management ACL, SNMPv3 authPriv only, login banner',
  vrp: {
    preamble: withManagement((m) => vrpPreamble(m)),
    trailer: withManagement((m, ctx) => vrpTrailer(m, ctx.device.hostname, ctx.device.site)),
  },
  // frr.conf carries only the command log; the host's daemons carry the rest (render/linux-management.ts).
  // Last in the file: a config applied in one pass (deploy, rollback) turns the command log on after
  // its key lines, so `ip ospf message-digest-key … md5 <key>` never reaches the daemons' logs.
  frr: { trailer: withManagement(() => ['log commands']) },
};
