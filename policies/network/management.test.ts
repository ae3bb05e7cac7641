import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_INVENTORY_DIR, loadInventory, type Inventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import type { Topology } from '../../network/types.js';
import { runPolicies } from '../run.js';
import { managementAaa } from './management-aaa.js';
import { managementAcl } from './management-acl.js';
import { vrpManagementFacts } from './management-facts.js';
import { managementNtp } from './management-ntp.js';
import { managementSecretReferences } from './management-secret-references.js';
import { managementSnmpV3Only } from './management-snmpv3-only.js';
import { managementSyslog } from './management-syslog.js';

const RULES = [managementNtp, managementSyslog, managementSnmpV3Only, managementAaa, managementAcl, managementSecretReferences];
let inv: Inventory;
let topology: Topology;
beforeAll(async () => {
  inv = await loadInventory(DEFAULT_INVENTORY_DIR);
  topology = buildTopology(inv);
});

describe('NET-101…106 over the rendered management plane', () => {
  it('the default province passes every rule in both dialects', () => {
    const report = runPolicies(RULES as never, { inventory: inv, topology } as never);
    expect(report.rules.map((r) => [r.id, r.findings.length])).toEqual([
      ['NET-101', 0],
      ['NET-102', 0],
      ['NET-103', 0],
      ['NET-104', 0],
      ['NET-105', 0],
      ['NET-106', 0],
    ]);
  });

  it('without a management plane every device fails each rule, pointing at province.yaml', () => {
    const bare = { ...topology, management: undefined, devices: topology.devices.slice(0, 3) };
    const report = runPolicies(RULES as never, { inventory: { ...inv, management: undefined }, topology: bare } as never);
    for (const id of ['NET-101', 'NET-102', 'NET-103', 'NET-104', 'NET-105']) {
      const r = report.rules.find((x) => x.id === id)!;
      expect(r.findings).toHaveLength(6); // 3 devices × 2 dialects
      expect(r.findings[0]!.location).toMatchObject({ path: 'files.management' });
    }
    expect(report.summary.passedHard).toBe(false);
  });

  it('reads a hand-edited VRP config: a community, telnet and a clear-text key are each caught', () => {
    const f = vrpManagementFacts(
      [
        'snmp-agent',
        'snmp-agent community read public123',
        'snmp-agent sys-info version v2c v3',
        'snmp-agent usm-user v3 noc noc-ro authentication-mode sha RealKey123 privacy-mode aes128 {{secret:snmp/v3/noc/priv}}',
        '#',
        'user-interface vty 0 4',
        ' protocol inbound all',
        '#',
      ].join('\n'),
    );
    expect(f.snmp.communities).toBe(1);
    expect(f.snmp.versions).toEqual(['v2c', 'v3']);
    expect(f.snmp.users[0]).toMatchObject({ authKey: 'literal', privKey: 'snmp/v3/noc/priv', acl: undefined });
    expect(f.vty.protocols).toEqual(['ssh', 'telnet']);
  });
});
