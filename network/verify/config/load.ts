/**
 * From files to parsed configs tied to the topology's devices: each file is parsed by its
 * dialect's parser (network/render/index.ts), its device found by id, and its interface names
 * mapped to the model's (VRP ports back to `up0`, `d3`, `lo`). A file for a device the topology
 * does not know, a device with two configs, a device with none, or a config naming another host
 * are findings, never skipped.
 */
import { DIALECTS, type DialectId } from '../../render/index.js';
import type { Topology } from '../../types.js';
import type { LoadedConfig } from './adjacency.js';
import type { ConfigFinding } from './findings.js';

export interface RenderedConfigFile {
  device: string;
  dialect: DialectId;
  /** Where the text came from (a synth output path, or `frr/xian-r1.conf` when rendered in memory). */
  path: string;
  text: string;
}

/** The loopback's name in each dialect (the model has no loopback interface of its own). */
const LOOPBACK: Record<DialectId, string> = { frr: 'lo', vrp: 'LoopBack0' };

export function loadConfigs(topology: Topology, files: RenderedConfigFile[]): { configs: LoadedConfig[]; findings: ConfigFinding[] } {
  const devices = new Map(topology.devices.map((d) => [d.id, d]));
  // Files on disk are named by hostname (synth writes `configs/frr/xian-beilin-t01-r1.conf`).
  const byHostname = new Map(topology.devices.map((d) => [d.hostname, d]));
  const findings: ConfigFinding[] = [];
  const configs: LoadedConfig[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const dialect = DIALECTS[f.dialect];
    const parsed = dialect.parse(f.text);
    for (const p of parsed.findings)
      findings.push({ id: p.id, object: `file:${f.path}`, message: `${f.device}: ${p.message}`, at: [{ file: f.path, line: p.line }] });
    const device = devices.get(f.device) ?? byHostname.get(f.device);
    if (!device) {
      findings.push({
        id: 'config.unknown-device',
        object: `file:${f.path}`,
        message: `${f.path} is a config for "${f.device}", which the topology does not have`,
        at: [{ file: f.path, line: parsed.hostnameLine ?? 1 }],
      });
      continue;
    }
    const first = seen.get(device.id);
    if (first !== undefined) {
      findings.push({
        id: 'config.duplicate-device',
        object: `device:${device.id}`,
        message: `${device.id} has two configs: ${first} and ${f.path} (the first is used)`,
        at: [{ file: f.path, line: 1 }],
      });
      continue;
    }
    seen.set(device.id, f.path);
    if (parsed.hostname !== undefined && parsed.hostname !== device.hostname) {
      findings.push({
        id: 'config.hostname-mismatch',
        object: `device:${device.id}`,
        message: `${f.path} names host "${parsed.hostname}", device ${device.id} is "${device.hostname}"`,
        at: [{ file: f.path, line: parsed.hostnameLine ?? 1 }],
      });
    }
    const configName = new Map(device.interfaces.map((i) => [i.name, dialect.interfaceName(device, i.name)]));
    const modelName = new Map([...configName].map(([model, name]) => [name, model]));
    modelName.set(LOOPBACK[f.dialect], 'lo');
    configs.push({ device, file: f.path, dialect: f.dialect, parsed, modelName, configName });
  }
  for (const d of topology.devices) {
    if (!seen.has(d.id)) findings.push({ id: 'config.missing-device', object: `device:${d.id}`, message: `no config for ${d.id}`, at: [] });
  }
  return { configs, findings };
}

/** Every device of the topology rendered in memory in one dialect, as synth would write it. */
export function renderedConfigs(topology: Topology, dialect: DialectId, opts: { fastTimers?: boolean } = {}): RenderedConfigFile[] {
  const d = DIALECTS[dialect];
  return topology.devices.map((device) => ({
    device: device.id,
    dialect,
    path: `${dialect}/${device.id}.${d.fileExtension}`,
    text: d.render(topology, device.id, opts),
  }));
}
