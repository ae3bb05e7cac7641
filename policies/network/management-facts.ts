/**
 * The input NET-101…106 judge: each device's management plane read back from its RENDERED output —
 * for VRP the statements the management render feature puts in the config, for FRR the host files
 * (sshd_config, snmpd.conf, chrony.conf, rsyslog.conf) rendered from the same data — parsed by the
 * config verifier's reader (network/render/management-parse.ts). The VRP statements come from
 * synth's one parse of the whole configs when it runs the rules, else from the management seam
 * rendered alone (vrp-config-facts.ts); the text is exactly what the full render contains.
 * A device whose output carries no management plane gets empty facts and fails the rules.
 */
import { renderHostManagement } from '../../network/render/linux-management.js';
import { parseHostManagement, VrpManagementReader } from '../../network/render/management-parse.js';
import { FindingSink, numberedLines } from '../../network/verify/config/parse-support.js';
import { emptyManagement, type ManagementFacts } from '../../network/verify/config/management-model.js';
import { addressOf } from '../../lib/ip.js';
import type { Topology } from '../../network/types.js';
import { renderedVrpFacts, type VrpConfigFacts } from './vrp-config-facts.js';
import type { Inventory } from '../../inventory/load.js';
import type { SourceLocation } from '../types.js';

export interface DeviceManagementFacts {
  device: string;
  dialect: 'frr' | 'vrp';
  facts: ManagementFacts;
  /** Secret-bearing fields that hold a value instead of a reference. */
  literalSecrets: number;
}

/** Facts of VRP config text (the whole config or its management statements). */
export function vrpManagementFacts(text: string): ManagementFacts {
  const reader = new VrpManagementReader();
  const sink = new FindingSink();
  let inBlock = false;
  for (const l of numberedLines(text)) {
    if (!l.text || l.text === '#') {
      inBlock = false;
      continue;
    }
    if (l.indent === 0) inBlock = reader.top(l, sink) && reader.inBlock;
    else if (inBlock) reader.line(l, sink);
  }
  return reader.any ? reader.facts : emptyManagement();
}

function literals(f: ManagementFacts): number {
  const fields = [...f.snmp.users.flatMap((u) => [u.authKey, u.privKey]), ...f.aaa.localUsers.map((u) => u.password)];
  return fields.filter((v) => v === 'literal').length + f.snmp.communities;
}

const CACHE = new WeakMap<VrpConfigFacts, DeviceManagementFacts[]>();

/**
 * The management plane of every device in both dialects, read from its rendered output: the VRP
 * half from `vrp` (synth's parse of the whole configs; else the management seam rendered and
 * parsed here), the FRR half from the host files rendered for it. Once per facts object.
 */
export function managementFactsOf(topology: Topology, vrp: VrpConfigFacts = renderedVrpFacts(topology)): DeviceManagementFacts[] {
  const cached = CACHE.get(vrp);
  if (cached) return cached;
  const out: DeviceManagementFacts[] = [];
  for (const device of topology.devices) {
    const facts = vrp.get(device.id)?.management ?? emptyManagement();
    out.push({ device: device.id, dialect: 'vrp', facts, literalSecrets: literals(facts) });
    // In production an FRR router is managed in band at its loopback.
    const files = renderHostManagement(topology, device, { listenAddress: addressOf(device.loopback.ipv4), bannerPath: '/etc/issue.net' });
    const frr = files ? parseHostManagement(files) : emptyManagement();
    out.push({ device: device.id, dialect: 'frr', facts: frr, literalSecrets: literals(frr) });
  }
  CACHE.set(vrp, out);
  return out;
}

/** Where a person fixes a device's `section`: its level's override when there is one, else the defaults (or province.yaml without a management file). */
export function managementLocation(inv: Inventory, topology: Topology, deviceId: string, section: string): SourceLocation {
  const file = inv.paths.management;
  if (!file || !inv.management) return { file: inv.paths.province!, path: 'files.management' };
  const device = topology.devices.find((d) => d.id === deviceId);
  const level = topology.sites.find((s) => s.id === device?.site)?.level;
  const override = level ? (inv.management.overrides[level] as Record<string, unknown> | undefined) : undefined;
  return { file, path: override?.[section] !== undefined ? `overrides.${level}.${section}` : `defaults.${section}` };
}
