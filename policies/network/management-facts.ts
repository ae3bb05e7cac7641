/**
 * The input NET-101…106 judge: each device's management plane read back from its RENDERED output —
 * for VRP the statements the management render feature puts in the config, for FRR the host files
 * (sshd_config, snmpd.conf, chrony.conf, rsyslog.conf) rendered from the same data — parsed by the
 * config verifier's reader (network/render/management-parse.ts). Rendering only the management
 * seam keeps the rules cheap enough for synth's design checks (the full configs of 2,052 devices
 * in two dialects would add seconds there); the text is exactly what the full render contains.
 * A device whose output carries no management plane gets empty facts and fails the rules.
 */
import { managementFeature } from '../../network/render/features/management.js';
import { renderHostManagement } from '../../network/render/linux-management.js';
import { parseHostManagement, VrpManagementReader } from '../../network/render/management-parse.js';
import { FindingSink, numberedLines } from '../../network/verify/config/parse-support.js';
import { emptyManagement, type ManagementFacts } from '../../network/verify/config/management-model.js';
import { addressOf } from '../../lib/ip.js';
import type { Device, Topology } from '../../network/types.js';
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

function vrpFacts(topology: Topology, device: Device): ManagementFacts {
  const ctx = { topology, device, opts: {} };
  const own = (hook: 'preamble' | 'trailer') => managementFeature.vrp[hook]?.(ctx) ?? [];
  return vrpManagementFacts([...own('preamble'), { text: '#' }, ...own('trailer')].map((l) => l.text).join('\n'));
}

const CACHE = new WeakMap<Topology, DeviceManagementFacts[]>();

/** The management plane of every device in both dialects, read from its rendered output (once per topology). */
export function managementFactsOf(topology: Topology): DeviceManagementFacts[] {
  const cached = CACHE.get(topology);
  if (cached) return cached;
  const out: DeviceManagementFacts[] = [];
  for (const device of topology.devices) {
    const vrp = vrpFacts(topology, device);
    out.push({ device: device.id, dialect: 'vrp', facts: vrp, literalSecrets: literals(vrp) });
    // In production an FRR router is managed in band at its loopback.
    const files = renderHostManagement(topology, device, { listenAddress: addressOf(device.loopback.ipv4), bannerPath: '/etc/issue.net' });
    const frr = files ? parseHostManagement(files) : emptyManagement();
    out.push({ device: device.id, dialect: 'frr', facts: frr, literalSecrets: literals(frr) });
  }
  CACHE.set(topology, out);
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
