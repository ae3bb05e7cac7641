/**
 * The 等保 2.0 level-3 pack (MLPS-xxx): rules over the RENDERED device configs (both dialects,
 * through facts.ts) and the synthesized Terraform JSON, each mapped to its GB/T 22239-2019 clauses.
 */
import { definePolicy, type Violation } from '../types.js';
import { factsOf, type DeviceFacts, type RenderedConfigFile } from './facts.js';
import { overlyOpenIngress, resourcesOf, volumeEncrypted, type TerraformStackDoc } from './terraform.js';

declare module '../types.js' {
  interface PolicyInputs {
    /** Rendered device configs (both dialects) of the whole topology. */
    deviceConfigs?: RenderedConfigFile[];
    /** Synthesized Terraform JSON, one document per stack. */
    terraformJson?: TerraformStackDoc[];
  }
}

/**
 * Where the rules are explained (SARIF helpUri): policies/mlps/RULES.md of this checkout, as a file
 * URI (an assessor reads it offline; the built copy in dist/ points back at the source file).
 */
const RULES_DOC = new URL('./RULES.md', import.meta.url).href.replace('/dist/policies/', '/policies/');
const helpUriOf = (id: string) => `${RULES_DOC}#${id.toLowerCase()}`;

const perDevice =
  (test: (f: DeviceFacts) => string | undefined) =>
  (input: { deviceConfigs: RenderedConfigFile[] }): Violation[] => {
    const out: Violation[] = [];
    for (const f of factsOf(input.deviceConfigs)) {
      const why = test(f);
      if (why) out.push({ resource: `device:${f.device}`, message: `${why} (${f.dialect})`, location: { file: f.path } });
    }
    return out;
  };

const MAX_IDLE_MINUTES = 10;

export const MLPS_POLICIES = [
  definePolicy({
    id: 'MLPS-001',
    title: 'remote management only over SSH',
    severity: 'hard',
    description:
      'Devices are managed remotely over SSH only (STelnet on VRP); telnet sends the login in clear text. FRR leaves remote access to the host’s sshd, which its config cannot show.',
    clauses: ['8.1.4.1 c)', '8.1.4.8 a)'],
    requires: ['deviceConfigs'],
    check: perDevice((f) =>
      f.vtyProtocols.includes('telnet')
        ? `remote CLI accepts telnet (${f.vtyProtocols.join(', ')})`
        : f.vtyProtocols.length === 0
          ? 'the config does not restrict remote management to SSH (no vty protocol, no SSH server)'
          : undefined,
    ),
  }),
  definePolicy({
    id: 'MLPS-002',
    title: 'management access limited by an ACL',
    severity: 'hard',
    description:
      'The remote CLI (VTY) admits only the management network: VRP `acl … inbound` under `user-interface vty`, FRR `access-class` under `line vty`.',
    clauses: ['8.1.4.4 c)'],
    requires: ['deviceConfigs'],
    check: perDevice((f) => (f.vtyAcl ? undefined : 'no ACL limits who may reach the management CLI')),
  }),
  definePolicy({
    id: 'MLPS-003',
    title: 'login failures lock out',
    severity: 'hard',
    description: 'Repeated failed logins block the account for a while (VRP `local-aaa-user wrong-password retry-interval … retry-time … block-time …`).',
    clauses: ['8.1.4.1 b)'],
    requires: ['deviceConfigs'],
    check: perDevice((f) => (f.loginLockout ? undefined : 'no lockout after failed logins')),
  }),
  definePolicy({
    id: 'MLPS-004',
    title: `idle sessions end within ${MAX_IDLE_MINUTES} minutes`,
    severity: 'hard',
    description: `Management sessions end after at most ${MAX_IDLE_MINUTES} idle minutes, set explicitly (VRP \`idle-timeout\`, FRR \`exec-timeout\`).`,
    clauses: ['8.1.4.1 b)'],
    requires: ['deviceConfigs'],
    check: perDevice((f) =>
      f.idleTimeoutMinutes === undefined
        ? 'no idle timeout is configured'
        : f.idleTimeoutMinutes === 0 || f.idleTimeoutMinutes > MAX_IDLE_MINUTES
          ? `idle timeout is ${f.idleTimeoutMinutes === 0 ? 'off' : `${f.idleTimeoutMinutes} min`}`
          : undefined,
    ),
  }),
  definePolicy({
    id: 'MLPS-005',
    title: 'password policy and no clear-text passwords',
    severity: 'hard',
    description:
      'Local passwords follow a policy (complexity, expiry, history: VRP `local-aaa-user password policy administrator`) and none is stored in clear text.',
    clauses: ['8.1.4.1 a)'],
    requires: ['deviceConfigs'],
    check: perDevice((f) =>
      f.plaintextPasswords ? `${f.plaintextPasswords} password(s) in clear text` : f.passwordPolicy ? undefined : 'no password policy is configured',
    ),
  }),
  definePolicy({
    id: 'MLPS-006',
    title: 'SNMPv3 authPriv only',
    severity: 'hard',
    description: 'SNMP, where enabled, is v3 with authentication and privacy; no v1/v2c community (sent in clear text) and no v3 user without privacy.',
    clauses: ['8.1.4.1 c)', '8.1.4.8 a)'],
    requires: ['deviceConfigs'],
    check: perDevice((f) => {
      const s = f.snmp;
      const bad = [
        s.communities ? `${s.communities} community string(s)` : '',
        s.versions.filter((v) => v !== 'v3').length ? `versions ${s.versions.join(', ')}` : '',
        s.v3WithoutPrivacy ? `${s.v3WithoutPrivacy} v3 user(s) without privacy` : '',
      ].filter(Boolean);
      return bad.length ? `SNMP is not v3 authPriv only: ${bad.join('; ')}` : undefined;
    }),
  }),
  definePolicy({
    id: 'MLPS-007',
    title: 'logs go to a central syslog',
    severity: 'hard',
    description:
      'Every device sends its logs to the central log server (VRP `info-center loghost`), so audit data is collected in one place and kept off the device. FRR logs to the local syslog only; forwarding is the host’s.',
    clauses: ['8.1.4.3 c)', '8.1.5.4 d)'],
    requires: ['deviceConfigs'],
    check: perDevice((f) => (f.syslogHosts.length ? undefined : 'no remote syslog host')),
  }),
  definePolicy({
    id: 'MLPS-008',
    title: 'time from NTP',
    severity: 'hard',
    description: 'Every device takes its time from the network’s NTP servers (VRP `ntp-service unicast-server`), so audit records carry comparable times.',
    clauses: ['8.1.4.3 b)'],
    requires: ['deviceConfigs'],
    check: perDevice((f) => (f.ntpServers.length ? undefined : 'no NTP server')),
  }),
  definePolicy({
    id: 'MLPS-009',
    title: 'unused ports shut down',
    severity: 'soft',
    description: 'An interface with no address and no role is administratively down.',
    clauses: ['8.1.4.4 b)'],
    requires: ['deviceConfigs'],
    check: perDevice((f) => {
      const open = f.interfaces.filter((i) => !i.hasAddress && !i.shutdown && !i.loopback).map((i) => i.name);
      return open.length ? `unused interface(s) not shut down: ${open.slice(0, 8).join(', ')}${open.length > 8 ? ` +${open.length - 8}` : ''}` : undefined;
    }),
  }),
  definePolicy({
    id: 'MLPS-010',
    title: 'OSPF authenticated',
    severity: 'hard',
    description: 'OSPF adjacencies are authenticated (HMAC-SHA256 or MD5 keys per interface or area), so no device on a link can inject routes.',
    clauses: ['8.1.2.2 a)'],
    requires: ['deviceConfigs'],
    check: perDevice((f) => {
      const open = f.interfaces.filter((i) => i.ospf && !i.passive && !i.loopback && !i.ospfAuth).map((i) => i.name);
      return open.length
        ? `OSPF without authentication on ${open.length} interface(s): ${open.slice(0, 6).join(', ')}${open.length > 6 ? ' …' : ''}`
        : undefined;
    }),
  }),
  definePolicy({
    id: 'MLPS-011',
    title: 'command audit logging enabled',
    severity: 'hard',
    description: 'Every command an operator types is logged (FRR `log commands`; VRP info-center on, with a log channel for operation logs).',
    clauses: ['8.1.4.3 a)'],
    requires: ['deviceConfigs'],
    check: perDevice((f) => (f.commandAudit ? undefined : 'commands are not audit-logged')),
  }),
  definePolicy({
    id: 'MLPS-012',
    title: 'security groups least privilege',
    severity: 'hard',
    description: 'No security group admits traffic from anywhere (0.0.0.0/0, ::/0 or no remote) or every port from a wide prefix; egress stays as declared.',
    clauses: ['8.1.3.2 a)'],
    requires: ['terraformJson'],
    check({ terraformJson }) {
      const out: Violation[] = [];
      for (const r of resourcesOf(terraformJson, 'openstack_networking_secgroup_rule_v2')) {
        const why = overlyOpenIngress(r);
        if (why) out.push({ resource: `secgroup-rule:${r.stack}/${r.name}`, message: why });
      }
      return out;
    },
  }),
  definePolicy({
    id: 'MLPS-013',
    title: 'volumes encrypted',
    severity: 'hard',
    description: 'Every block-storage volume uses an encrypted volume type (Cinder encryption spec; SM4 where the back end offers it).',
    clauses: ['8.1.4.8 b)'],
    requires: ['terraformJson'],
    check({ terraformJson }) {
      return resourcesOf(terraformJson, 'openstack_blockstorage_volume_v3')
        .filter((r) => !volumeEncrypted(r))
        .map((r) => ({
          resource: `volume:${r.stack}/${r.name}`,
          message: `volume type ${JSON.stringify(r.attrs.volume_type ?? '(default)')} is not an encrypted type`,
        }));
    },
  }),
].map((rule) => ({ ...rule, helpUri: helpUriOf(rule.id) }));
