import { describe, expect, it } from 'vitest';
import { loadInventory, DEFAULT_INVENTORY_DIR } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import { runPolicies } from '../run.js';
import { renderSarif } from '../sarif.js';
import { deviceFacts, type RenderedConfigFile } from './facts.js';
import type { HostManagementFiles } from '../../network/render/management-parse.js';
import { MLPS_POLICIES, renderAllConfigs } from './index.js';
import { complianceReport, renderComplianceMarkdown } from './report.js';
import type { AnyPolicy } from '../types.js';
import type { TerraformStackDoc } from './terraform.js';

const rules = MLPS_POLICIES as unknown as AnyPolicy[];

/** A VRP config with the management plane an assessor expects. */
const GOOD_VRP = `#
sysname good-r1
#
stelnet server enable
ntp-service unicast-server 10.0.0.10
info-center loghost 10.0.0.11
info-center source default channel loghost log level informational
snmp-agent
snmp-agent sys-info version v3
snmp-agent usm-user v3 noc group-noc authentication-mode sha2-256 cipher X privacy-mode aes128 cipher Y
#
aaa
 local-aaa-user password policy administrator
 local-aaa-user wrong-password retry-interval 5 retry-time 3 block-time 15
#
interface GigabitEthernet0/0/1
 ip address 10.1.0.1 255.255.255.254
 ospf authentication-mode hmac-sha256 1 cipher Z
 ospf network-type p2p
#
interface GigabitEthernet0/0/9
 shutdown
#
interface LoopBack0
 ip address 10.9.9.9 255.255.255.255
#
user-interface vty 0 4
 authentication-mode aaa
 protocol inbound ssh
 acl 2000 inbound
 idle-timeout 10 0
#
return
`;

const BAD_VRP = `#
sysname bad-r1
#
telnet server enable
snmp-agent community read public
snmp-agent sys-info version v2c v3
#
interface GigabitEthernet0/0/1
 ip address 10.1.0.1 255.255.255.254
 ospf network-type p2p
#
interface GigabitEthernet0/0/2
#
user-interface vty 0 4
 idle-timeout 0 0
#
return
`;

const GOOD_FRR = `frr version 8.4.4
hostname good-r2
log syslog informational
log commands
!
interface d1
 ip address 10.1.0.2/31
 ip ospf area 0.0.0.0
 ip ospf authentication message-digest
 ip ospf message-digest-key 1 md5 K
exit
!
line vty
 access-class mgmt
 exec-timeout 5 0
exit
!
end
`;

/** The host of an FRR router with the management plane an assessor expects (as linux-management.ts renders it). */
const GOOD_HOST: HostManagementFiles = {
  sshd_config: [
    'ListenAddress 10.9.9.10',
    'AllowUsers netadmin@10.0.0.0/26 netadmin@2001:db8::/64',
    'ChannelTimeout session=10m',
    'UnusedConnectionTimeout 10m',
    'MaxAuthTries 3',
    'UsePAM yes',
    '',
  ].join('\n'),
  'pam-sshd': [
    'auth     required      pam_faillock.so preauth',
    'auth     [success=1 default=bad] pam_unix.so',
    'auth     [default=die] pam_faillock.so authfail',
    'auth     sufficient    pam_faillock.so authsucc',
    'auth     required      pam_deny.so',
    'password requisite     pam_pwhistory.so remember=5',
    'password required      pam_unix.so use_authtok',
    'session  required      pam_tty_audit.so enable=*',
    '',
  ].join('\n'),
  'faillock.conf': 'deny = 3\nfail_interval = 300\nunlock_time = 900\n',
  'login.defs': 'PASS_MAX_DAYS 90\n',
  'snmpd.conf': 'agentAddress udp:10.9.9.10:161\ncreateUser noc SHA "{{secret:a}}" AES "{{secret:b}}"\nrouser -s usm noc priv\n',
  'chrony.conf': 'server 10.0.0.10 iburst\n',
  'rsyslog.conf': '*.info action(type="omfwd" target="10.0.0.11" port="514" protocol="udp")\n',
};

const file = (device: string, dialect: 'frr' | 'vrp', text: string, host?: HostManagementFiles): RenderedConfigFile => ({
  device,
  dialect,
  path: `configs/${dialect}/${device}`,
  text,
  ...(host ? { host } : {}),
});

const deviceRules = () => rules.filter((r) => r.requires.includes('deviceConfigs'));
const failedRules = (f: RenderedConfigFile) =>
  runPolicies(deviceRules(), { deviceConfigs: [f] } as never)
    .rules.filter((r) => r.status !== 'passed')
    .map((r) => r.id);
const edit = (text: string, from: string | RegExp, to: string) => {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`fixture edit did not apply: ${String(from)}`);
  return out;
};
const hostEdit = (key: keyof HostManagementFiles, from: string | RegExp, to: string): HostManagementFiles => ({
  ...GOOD_HOST,
  [key]: edit(GOOD_HOST[key]!, from, to),
});

describe('等保 facts from rendered configs', () => {
  it('reads the VRP management plane', () => {
    const f = deviceFacts(file('good-r1', 'vrp', GOOD_VRP));
    expect(f).toMatchObject({
      vtyProtocols: ['ssh'],
      vtyAcl: true,
      loginLockout: true,
      idleTimeoutMinutes: 10,
      passwordPolicy: true,
      syslogHosts: ['10.0.0.11'],
      ntpServers: ['10.0.0.10'],
      commandAudit: true,
    });
    expect(f.snmp).toEqual({ enabled: true, versions: ['v3'], communities: 0, v3WithoutPrivacy: 0 });
    expect(f.interfaces.find((i) => i.name === 'GigabitEthernet0/0/1')).toMatchObject({ ospf: true, ospfAuth: true });
    const b = deviceFacts(file('bad-r1', 'vrp', BAD_VRP));
    expect(b.vtyProtocols).toEqual(['telnet']);
    expect(b.snmp).toMatchObject({ communities: 1, versions: ['v2c', 'v3'] });
  });
  it('reads FRR: vty ACL and timeout, OSPF authentication, command log', () => {
    const f = deviceFacts(file('good-r2', 'frr', GOOD_FRR));
    expect(f).toMatchObject({ vtyAcl: true, idleTimeoutMinutes: 5, commandAudit: true, vtyProtocols: [] });
    expect(f.interfaces[0]).toMatchObject({ name: 'd1', ospf: true, ospfAuth: true });
  });
  it('reads FRR with its host files: sshd, PAM lockout and history, login.defs, snmpd, chrony, rsyslog', () => {
    const f = deviceFacts(file('good-r2', 'frr', GOOD_FRR, GOOD_HOST));
    expect(f).toMatchObject({
      vtyProtocols: ['ssh'],
      vtyAcl: true,
      loginLockout: true,
      idleTimeoutMinutes: 10,
      passwordPolicy: true,
      plaintextPasswords: 0,
      syslogHosts: ['10.0.0.11'],
      ntpServers: ['10.0.0.10'],
      commandAudit: true,
    });
    expect(f.snmp).toEqual({ enabled: true, versions: ['v3'], communities: 0, v3WithoutPrivacy: 0 });
  });
});

describe('等保 rules: a good config of each dialect passes, each missing control fails its rule', () => {
  it('the good VRP and the good FRR (with its host) pass every device rule', () => {
    expect(failedRules(file('good-r1', 'vrp', GOOD_VRP))).toEqual([]);
    expect(failedRules(file('good-r2', 'frr', GOOD_FRR, GOOD_HOST))).toEqual([]);
    // frr.conf alone states no SSH, lockout, NTP, syslog: it is not assumed.
    expect(failedRules(file('good-r2', 'frr', GOOD_FRR))).toEqual(['MLPS-001', 'MLPS-003', 'MLPS-005', 'MLPS-007', 'MLPS-008']);
  });

  const vrp: Array<[string, string, string | RegExp, string]> = [
    ['MLPS-001', 'telnet in the vty', ' protocol inbound ssh', ' protocol inbound all'],
    ['MLPS-002', 'no vty ACL', ' acl 2000 inbound\n', ''],
    ['MLPS-003', 'no lockout', ' local-aaa-user wrong-password retry-interval 5 retry-time 3 block-time 15\n', ''],
    ['MLPS-004', 'idle timeout off', ' idle-timeout 10 0', ' idle-timeout 0 0'],
    ['MLPS-005', 'no password policy', ' local-aaa-user password policy administrator\n', ''],
    ['MLPS-006', 'a v2c community', 'snmp-agent sys-info version v3', 'snmp-agent sys-info version v2c v3\nsnmp-agent community read public'],
    ['MLPS-007', 'no loghost', 'info-center loghost 10.0.0.11\n', ''],
    ['MLPS-008', 'no NTP', 'ntp-service unicast-server 10.0.0.10\n', ''],
    ['MLPS-009', 'an unused port up', 'interface GigabitEthernet0/0/9\n shutdown\n', 'interface GigabitEthernet0/0/9\n'],
    ['MLPS-010', 'OSPF without a key', ' ospf authentication-mode hmac-sha256 1 cipher Z\n', ''],
    ['MLPS-011', 'info-center off', 'info-center source default channel loghost log level informational\n', 'undo info-center enable\n'],
  ];
  it.each(vrp)('VRP %s fails on %s (and only it)', (id, _what, from, to) => {
    expect(failedRules(file('r1', 'vrp', edit(GOOD_VRP, from, to)))).toEqual([id]);
  });

  const frr: Array<[string, string, string | RegExp, string, keyof HostManagementFiles | undefined]> = [
    ['MLPS-001', 'a vty password (telnet)', 'line vty\n', 'password x\nservice password-encryption\nline vty\n', undefined],
    ['MLPS-002', 'an AllowUsers entry without a source', 'AllowUsers netadmin@10.0.0.0/26', 'AllowUsers netadmin', 'sshd_config'],
    ['MLPS-003', 'no pam_faillock authfail', /^auth\s+\[default=die\] pam_faillock\.so authfail\n/m, '', 'pam-sshd'],
    ['MLPS-004', 'no ChannelTimeout (ClientAlive is no idle timeout)', 'ChannelTimeout session=10m', 'ClientAliveInterval 600', 'sshd_config'],
    ['MLPS-005', 'passwords never expire', 'PASS_MAX_DAYS 90', 'PASS_MAX_DAYS 99999', 'login.defs'],
    ['MLPS-006', 'a v3 user admitted without privacy', 'rouser -s usm noc priv', 'rouser -s usm noc auth', 'snmpd.conf'],
    ['MLPS-007', 'rsyslog forwards nowhere', /^.*omfwd.*\n/m, '', 'rsyslog.conf'],
    ['MLPS-008', 'chrony has no server', 'server 10.0.0.10 iburst', '', 'chrony.conf'],
    ['MLPS-009', 'an unused port up', 'interface d1\n', 'interface d9\nexit\n!\ninterface d1\n', undefined],
    ['MLPS-010', 'OSPF without a key', ' ip ospf authentication message-digest\n ip ospf message-digest-key 1 md5 K\n', '', undefined],
    ['MLPS-011', 'no pam_tty_audit for shell logins', /^session.*pam_tty_audit.*\n/m, '', 'pam-sshd'],
  ];
  it.each(frr)('FRR %s fails on %s (and only it)', (id, _what, from, to, key) => {
    const f = key ? file('r2', 'frr', GOOD_FRR, hostEdit(key, from, to)) : file('r2', 'frr', edit(GOOD_FRR, from, to), GOOD_HOST);
    expect(failedRules(f)).toEqual([id]);
  });
  it('FRR without `log commands` fails MLPS-011; a community in snmpd.conf fails MLPS-006', () => {
    expect(failedRules(file('r2', 'frr', edit(GOOD_FRR, 'log commands\n', ''), GOOD_HOST))).toEqual(['MLPS-011']);
    expect(failedRules(file('r2', 'frr', GOOD_FRR, hostEdit('snmpd.conf', 'rouser', 'rocommunity public 10.0.0.0/24\nrouser')))).toEqual(['MLPS-006']);
  });
});

describe('等保 rules', () => {
  const tf: TerraformStackDoc[] = [
    {
      stack: 'cloud-x',
      path: 'stacks/cloud-x/cdk.tf.json',
      json: {
        resource: {
          openstack_networking_secgroup_rule_v2: {
            ssh_from_mgmt: { direction: 'ingress', protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '10.0.0.0/24' },
            any_in: { direction: 'ingress', remote_ip_prefix: '0.0.0.0/0' },
            egress: { direction: 'egress', remote_ip_prefix: '0.0.0.0/0' },
          },
          openstack_blockstorage_volume_v3: { data: { size: 10, volume_type: 'encrypted-sm4' }, logs: { size: 1 } },
        },
      },
    },
  ];

  it('a config with the management plane passes every device rule; a bad one fails each, per rule', () => {
    const good = runPolicies(
      rules.filter((r) => r.requires.includes('deviceConfigs')),
      { deviceConfigs: [file('good-r1', 'vrp', GOOD_VRP)] } as never,
    );
    expect(good.rules.filter((r) => r.status !== 'passed').map((r) => r.id)).toEqual([]);
    const bad = runPolicies(rules, { deviceConfigs: [file('bad-r1', 'vrp', BAD_VRP)], terraformJson: tf } as never);
    const failed = bad.rules.filter((r) => r.status === 'failed').map((r) => r.id);
    expect(failed).toEqual([
      'MLPS-001',
      'MLPS-002',
      'MLPS-003',
      'MLPS-004',
      'MLPS-005',
      'MLPS-006',
      'MLPS-007',
      'MLPS-008',
      'MLPS-009',
      'MLPS-010',
      'MLPS-011',
      'MLPS-012',
      'MLPS-013',
    ]);
    expect(bad.rules.find((r) => r.id === 'MLPS-012')!.findings.map((f) => f.resource)).toEqual(['secgroup-rule:cloud-x/any_in']);
    expect(bad.rules.find((r) => r.id === 'MLPS-013')!.findings.map((f) => f.resource)).toEqual(['volume:cloud-x/logs']);
  });

  it('every rule names GB/T 22239 clauses and a help URI; SARIF carries informationUri and helpUri', () => {
    for (const r of rules) {
      expect(r.clauses?.length, r.id).toBeGreaterThan(0);
      expect(r.helpUri).toMatch(new RegExp(`RULES\\.md#${r.id.toLowerCase()}$`));
    }
    const report = runPolicies(rules, { deviceConfigs: [file('bad-r1', 'vrp', BAD_VRP)], terraformJson: tf } as never);
    const sarif = renderSarif(report, { informationUri: 'https://openstd.samr.gov.cn/bzgk/gb/std_list?p.p2=22239' });
    const driver = sarif.runs[0]!.tool.driver;
    expect(driver.informationUri).toContain('22239');
    expect(driver.rules!.every((r) => r.helpUri && (r.properties as { clauses?: string[] }).clauses?.length)).toBe(true);
  });

  it('the default province passes the pack: every device in both dialects, FRR judged with its host files', async () => {
    const topology = buildTopology(await loadInventory(DEFAULT_INVENTORY_DIR));
    const configs = renderAllConfigs(topology);
    expect(configs).toHaveLength(topology.devices.length * 2);
    expect(configs.filter((c) => c.dialect === 'frr').every((c) => c.host?.sshd_config && c.host['chrony.conf'])).toBe(true);
    const report = runPolicies(deviceRules(), { deviceConfigs: configs } as never);
    expect(report.rules.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.findings[0]?.message}`)).toEqual([]);
    const siteOf = new Map(topology.devices.map((d) => [d.id, d.site]));
    const objects = new Map<string, number>();
    for (const d of topology.devices) objects.set(d.site, (objects.get(d.site) ?? 0) + 1);
    const c = complianceReport({
      report,
      siteOf: (r) => siteOf.get(r.slice('device:'.length)) ?? '?',
      objectsPerSite: objects,
      devices: topology.devices.length,
      terraformStacks: 0,
    });
    expect(c.clauses.find((x) => x.clause === '8.1.4.3 b)')).toMatchObject({ status: 'conforms' });
    expect(c.sites.find((s) => s.site === 'shaanxi')!.failingObjects).toBe(0);
    const md = renderComplianceMarkdown(c);
    expect(md).toMatch(/## Per clause/);
    expect(md).toMatch(/\| 8\.1\.4\.3 b\) \| 安全计算环境 · 安全审计 b\)/);
  });
});
