/**
 * `stacks plan --target lab`: per device, the difference between the config recorded as deployed
 * (in the lab state, so it works after a restart and without touching the lab) and the config
 * rendered from the inventory now. Devices entering or leaving the scope show up as added/removed.
 */
import { structuredPatch } from 'diff';
import { configHash, type ConfigRenderer, labRenderer } from './model.js';
import { redactSecretValues, SecretStore, withKnownSecrets } from '../lib/secret-refs.js';
import { readKeyring } from '../lib/ospf-keyring-file.js';
import { openLab, type LabOptions } from './deploy.js';

interface DevicePlan {
  device: string;
  action: 'create' | 'update' | 'delete' | 'no-op';
  /** Unified diff lines (`+`/`-`/` `) of the config, empty for no-op. */
  diff: string[];
  added: number;
  removed: number;
}

export interface LabPlan {
  lab: string;
  deployed: boolean;
  devices: DevicePlan[];
  summary: { create: number; update: number; delete: number; noop: number };
}

export async function planLab(opts: LabOptions & { render?: ConfigRenderer }): Promise<LabPlan> {
  const { lab, state, scoped } = await openLab(opts);
  const render = opts.render ?? labRenderer(readKeyring(opts.stateDir));
  const secrets = SecretStore.forState(opts.stateDir);
  const values = secrets.allValues();
  const devices: DevicePlan[] = [];
  for (const d of scoped.devices) {
    // The state records the config with its references and the hash of what runs (values in): the
    // same resolution of the rendered config decides no-op, so a rotated secret is an update.
    const next = render(scoped.topology, d.id);
    const deployed = state?.devices[d.id];
    const recorded = deployed?.config;
    if (recorded !== undefined && deployed?.configHash === configHash(withKnownSecrets(next, secrets))) {
      devices.push({ device: d.id, action: 'no-op', diff: [], added: 0, removed: 0 });
      continue;
    }
    const patch = structuredPatch(`${d.id} (deployed)`, `${d.id} (candidate)`, recorded ?? '', next, '', '', { context: 2 });
    const diff = patch.hunks.flatMap((h) => [
      `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`,
      ...h.lines.map((l) => redactSecretValues(l, values)),
    ]);
    if (recorded !== undefined && diff.length === 0) diff.push(' (the same config with other secret values: a secret was rotated)');
    devices.push({
      device: d.id,
      action: recorded === undefined ? 'create' : 'update',
      diff,
      added: diff.filter((l) => l.startsWith('+')).length,
      removed: diff.filter((l) => l.startsWith('-')).length,
    });
  }
  const inScope = new Set(scoped.devices.map((d) => d.id));
  for (const id of Object.keys(state?.devices ?? {})) {
    if (!inScope.has(id)) devices.push({ device: id, action: 'delete', diff: [], added: 0, removed: 0 });
  }
  const n = (a: DevicePlan['action']) => devices.filter((d) => d.action === a).length;
  return { lab, deployed: state !== undefined, devices, summary: { create: n('create'), update: n('update'), delete: n('delete'), noop: n('no-op') } };
}

export function renderLabPlan(plan: LabPlan, verbose: boolean): string {
  const lines: string[] = [];
  for (const d of plan.devices) {
    if (d.action === 'no-op') continue;
    lines.push(
      `${d.action === 'create' ? '+' : d.action === 'delete' ? '-' : '~'} ${d.device} (${d.action}${d.action === 'update' ? `: +${d.added} -${d.removed} lines` : ''})`,
    );
    if (d.action === 'update' || (verbose && d.action === 'create')) lines.push(...d.diff.map((l) => `    ${l}`));
  }
  const s = plan.summary;
  lines.push(`lab ${plan.lab}: ${s.create} to create, ${s.update} to update, ${s.delete} to remove, ${s.noop} unchanged`);
  return lines.join('\n');
}
