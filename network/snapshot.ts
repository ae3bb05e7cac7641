/**
 * What `stacks plan` compares: a snapshot of the network as synthesized (devices, links, addresses,
 * config text) and the change between two snapshots. Pure.
 */
import { structuredPatch } from 'diff';
import type { Topology } from './types.js';

export interface NetworkSnapshot {
  version: 1;
  devices: Record<string, { site: string; role: string }>;
  links: Record<string, { a: string; b: string; bandwidthMbps: number }>;
  /** `device:interface` → addresses. */
  addresses: Record<string, { ipv4?: string; ipv6?: string }>;
  configs: Record<string, string>;
}

export function snapshotOf(topology: Topology, render: (deviceId: string) => string): NetworkSnapshot {
  const snap: NetworkSnapshot = { version: 1, devices: {}, links: {}, addresses: {}, configs: {} };
  for (const d of topology.devices) {
    snap.devices[d.id] = { site: d.site, role: d.role };
    snap.addresses[`${d.id}:lo`] = { ipv4: d.loopback.ipv4, ipv6: d.loopback.ipv6 };
    for (const i of d.interfaces) snap.addresses[`${d.id}:${i.name}`] = { ipv4: i.ipv4, ipv6: i.ipv6 };
    snap.configs[d.id] = render(d.id);
  }
  for (const l of topology.links)
    snap.links[l.id] = { a: `${l.a.device}:${l.a.interface}`, b: `${l.b.device}:${l.b.interface}`, bandwidthMbps: l.bandwidthMbps };
  return snap;
}

interface KeyedChange {
  added: string[];
  removed: string[];
  changed: string[];
}

interface ConfigChange {
  device: string;
  added: number;
  removed: number;
  /** Unified-diff hunks of the device's config. */
  diff: string;
}

export interface NetworkChange {
  devices: KeyedChange;
  links: KeyedChange;
  addresses: KeyedChange;
  configs: ConfigChange[];
  summary: { devices: string; links: string; addresses: string; configLines: string; unchanged: boolean };
}

function compareKeyed<T>(before: Record<string, T>, after: Record<string, T>): KeyedChange {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const k of Object.keys(after)) {
    if (!(k in before)) added.push(k);
    else if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) changed.push(k);
  }
  for (const k of Object.keys(before)) if (!(k in after)) removed.push(k);
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort() };
}

export function compareSnapshots(before: NetworkSnapshot | undefined, after: NetworkSnapshot): NetworkChange {
  const base: NetworkSnapshot = before ?? { version: 1, devices: {}, links: {}, addresses: {}, configs: {} };
  const devices = compareKeyed(base.devices, after.devices);
  const links = compareKeyed(base.links, after.links);
  const addresses = compareKeyed(base.addresses, after.addresses);
  const configs: ConfigChange[] = [];
  const ids = new Set([...Object.keys(base.configs), ...Object.keys(after.configs)]);
  for (const id of [...ids].sort()) {
    const old = base.configs[id] ?? '';
    const neu = after.configs[id] ?? '';
    if (old === neu) continue;
    const patch = structuredPatch(`${id} (accepted)`, `${id} (now)`, old, neu, '', '', { context: 2 });
    let added = 0;
    let removed = 0;
    const lines: string[] = [];
    for (const h of patch.hunks) {
      lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
      for (const l of h.lines) {
        if (l.startsWith('+')) added++;
        else if (l.startsWith('-')) removed++;
        lines.push(l);
      }
    }
    configs.push({ device: id, added, removed, diff: lines.join('\n') });
  }
  const fmt = (c: KeyedChange) => `+${c.added.length} ~${c.changed.length} -${c.removed.length}`;
  const addedLines = configs.reduce((n, c) => n + c.added, 0);
  const removedLines = configs.reduce((n, c) => n + c.removed, 0);
  const unchanged = !configs.length && [devices, links, addresses].every((c) => !c.added.length && !c.removed.length && !c.changed.length);
  return {
    devices,
    links,
    addresses,
    configs,
    summary: {
      devices: fmt(devices),
      links: fmt(links),
      addresses: fmt(addresses),
      configLines: `+${addedLines} -${removedLines} on ${configs.length} devices`,
      unchanged,
    },
  };
}
