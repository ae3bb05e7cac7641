import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_INVENTORY_DIR, loadInventory, type Inventory } from '../../../inventory/load.js';
import { findSecretRefs } from '../../../lib/secret-ref-token.js';
import { buildTopology } from '../../topology.js';
import type { Topology } from '../../types.js';
import { renderFrr } from '../frr.js';
import { parseFrr } from '../frr-parse.js';
import { renderHostManagement } from '../linux-management.js';
import { parseHostManagement } from '../management-parse.js';
import { renderVrp } from '../vrp.js';
import { parseVrp } from '../vrp-parse.js';

let inv: Inventory;
let topology: Topology;
beforeAll(async () => {
  inv = await loadInventory(DEFAULT_INVENTORY_DIR);
  topology = buildTopology(inv);
});
const deviceAt = (level: string) => topology.devices.find((d) => topology.sites.find((s) => s.id === d.site)!.level === level)!;

describe('management plane rendered from management.yaml', () => {
  it('VRP: NTP, syslog, AAA, SSH-only VTY behind the ACL, SNMPv3 authPriv, banner — secrets as references only', () => {
    const d = deviceAt('city');
    const text = renderVrp(topology, d.id);
    for (const line of [
      'ntp-service unicast-server 10.0.4.10 source-interface LoopBack0 preference',
      'ntp-service unicast-server ipv6 2001:db8:1::10 source-interface LoopBack0',
      'info-center loghost 10.0.4.20 facility local7',
      'hwtacacs-server template noc',
      ' hwtacacs-server shared-key cipher {{secret:aaa/hwtacacs/noc/shared-key}}',
      ' local-aaa-user wrong-password retry-interval 5 retry-time 3 block-time 15',
      ' local-user netadmin password irreversible-cipher {{secret:users/netadmin/password}}',
      'stelnet server enable',
      'ssh user netadmin service-type stelnet',
      'user-interface vty 0 4',
      ' acl 2001 inbound',
      ' protocol inbound ssh',
      ' rule 5 permit source 10.0.4.0 0.0.0.63',
      'snmp-agent sys-info version v3',
      'snmp-agent usm-user v3 noc noc-ro authentication-mode sha {{secret:snmp/v3/noc/auth}} privacy-mode aes128 {{secret:snmp/v3/noc/priv}} acl 2001',
    ])
      expect(text.split('\n')).toContain(line);
    expect(text).not.toMatch(/^(snmp-agent community|telnet server enable)/m);
    expect(text).toMatch(/^header login information "/m);
    // What the lines refer to exists first: the ACL and AAA before the interfaces, NTP/SSH after the loopback.
    expect(text.indexOf('acl number 2001')).toBeLessThan(text.indexOf('interface '));
    expect(text.indexOf('ntp-service')).toBeGreaterThan(text.indexOf('interface LoopBack0'));
    expect(findSecretRefs(text).filter((p) => !/^ospf6?\//.test(p))).toEqual([
      'aaa/hwtacacs/noc/shared-key',
      'snmp/v3/noc/auth',
      'snmp/v3/noc/priv',
      'users/netadmin/password',
      'users/noc-ro/password',
    ]);
  });

  it('the VRP parser reads every management statement back (no finding) and keeps secrets as paths', () => {
    const parsed = parseVrp(renderVrp(topology, deviceAt('county').id));
    expect(parsed.findings).toEqual([]);
    const m = parsed.management!;
    expect(m.ntpServers.map((s) => s.address)).toEqual(['10.0.4.10', '10.0.4.11', '2001:db8:1::10']);
    expect(m.syslogHosts.map((s) => s.address)).toEqual(['10.0.4.20', '2001:db8:1::20']);
    expect(m.snmp).toMatchObject({ versions: ['v3'], communities: 0 });
    expect(m.snmp.users[0]).toMatchObject({ name: 'noc', auth: 'sha', priv: 'aes128', authKey: 'snmp/v3/noc/auth', privKey: 'snmp/v3/noc/priv', acl: '2001' });
    expect(m.vty).toMatchObject({ protocols: ['ssh'], acl4: '2001', acl6: '2001', idleTimeoutMinutes: 10, authentication: 'aaa' });
    expect(m.aaa).toMatchObject({ tacacs: ['noc'], lockout: true, passwordPolicy: true });
    expect(m.aaa.localUsers.map((u) => [u.name, u.privilege, u.password])).toEqual([
      ['netadmin', 15, 'users/netadmin/password'],
      ['noc-ro', 1, 'users/noc-ro/password'],
    ]);
    expect(m.acls['ipv4:2001']!.permits).toEqual(['10.0.4.0 0.0.0.63']);
  });

  it('per-level overrides: townships log warnings and above at facility local6, cities informational', () => {
    expect(renderVrp(topology, deviceAt('township').id)).toContain('info-center source default channel loghost log level warning');
    expect(renderVrp(topology, deviceAt('city').id)).toContain('info-center source default channel loghost log level informational');
    const host = renderHostManagement(topology, deviceAt('township'), { listenAddress: '192.0.2.1', bannerPath: '/b' })!;
    expect(host['rsyslog.conf']).toMatch(/^\*\.warning action\(type="omfwd" target="10\.0\.4\.20" port="514" protocol="udp"/m);
  });

  it('FRR: frr.conf carries none of it; the host files do, from the same data, and read back', () => {
    const d = deviceAt('city');
    const frr = renderFrr(topology, d.id);
    expect(frr).not.toMatch(/snmp|ntp|\{\{secret:(snmp|users|aaa)\//);
    expect(parseFrr(frr).management).toBeUndefined();
    const host = renderHostManagement(topology, d, {
      listenAddress: '169.254.64.3',
      extraStations: ['169.254.64.2'],
      automationUser: 'root',
      bannerPath: '/x/banner',
    })!;
    expect(host.sshd_config).toContain('ListenAddress 169.254.64.3\n');
    expect(host.sshd_config).toContain(
      'AllowUsers netadmin@10.0.4.0/26 netadmin@2001:db8:1::/64 netadmin@169.254.64.2 noc-ro@10.0.4.0/26 noc-ro@2001:db8:1::/64 noc-ro@169.254.64.2 root@169.254.64.2\n',
    );
    expect(host['snmpd.conf']).toContain('createUser noc SHA "{{secret:snmp/v3/noc/auth}}" AES "{{secret:snmp/v3/noc/priv}}"\n');
    expect(host['snmpd.conf']).not.toMatch(/community/);
    expect(host['chrony.conf']).toContain('server 10.0.4.10 iburst prefer\n');
    const facts = parseHostManagement(host);
    expect(facts.ntpServers).toHaveLength(3);
    expect(facts.syslogHosts.map((s) => s.address)).toEqual(['10.0.4.20', '2001:db8:1::20']);
    expect(facts.snmp).toMatchObject({ versions: ['v3'], communities: 0, listen: ['udp:169.254.64.3:161'] });
    expect(facts.snmp.users[0]).toMatchObject({ authKey: 'snmp/v3/noc/auth', privKey: 'snmp/v3/noc/priv' });
    expect(facts.vty).toMatchObject({ protocols: ['ssh'], acl4: 'sshd', acl6: 'sshd', idleTimeoutMinutes: 10 });
  });

  it('no management file: nothing is rendered (hand-made inventories stay as they were)', () => {
    const bare: Topology = { ...topology, management: undefined };
    expect(renderVrp(bare, deviceAt('city').id)).not.toMatch(/ntp-service|snmp-agent|user-interface/);
  });
});
