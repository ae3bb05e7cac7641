/**
 * The 等保 2.0 pack: its own registry (`stacks policy` runs it beside the design pack; `--pack mlps`
 * alone). The device
 * configs are rendered in memory when no synthesized tree is given; the Terraform JSON comes
 * from the caller (the CLI reads it from a synth output, or synthesizes one).
 */
import { buildTopology } from '../../network/topology.js';
import { DIALECTS, DIALECT_IDS } from '../../network/render/index.js';
import { productionHostManagement } from '../../network/render/linux-management.js';
import type { Topology } from '../../network/types.js';
import { PolicyRegistry } from '../registry.js';
import type { RenderedConfigFile } from './facts.js';
import { MLPS_POLICIES } from './rules.js';

export { MLPS_POLICIES } from './rules.js';
export type { RenderedConfigFile } from './facts.js';

/** Every device in both dialects, named as synth writes them (backbone/configs/<dialect>/<host>.<ext>); FRR with its host files. */
export function renderAllConfigs(topology: Topology): RenderedConfigFile[] {
  const out: RenderedConfigFile[] = [];
  for (const dialect of DIALECT_IDS) {
    const d = DIALECTS[dialect];
    for (const device of topology.devices)
      out.push(
        withHostFiles(topology, {
          device: device.id,
          dialect,
          path: `backbone/configs/${dialect}/${device.hostname}.${d.fileExtension}`,
          text: d.render(topology, device.id),
        }),
      );
  }
  return out;
}

const DEVICES = new WeakMap<Topology, Map<string, Topology['devices'][number]>>();

/**
 * An FRR config with the management files of its host, as a production router gets them
 * (linux-management.ts, managed in band at the loopback). Synth does not write them into the tree,
 * so a config read back from a synth output gets them here, rendered from the same inventory.
 */
export function withHostFiles(topology: Topology, file: RenderedConfigFile): RenderedConfigFile {
  if (file.dialect !== 'frr') return file;
  let byId = DEVICES.get(topology);
  if (!byId) DEVICES.set(topology, (byId = new Map(topology.devices.map((d) => [d.id, d]))));
  const device = byId.get(file.device);
  const host = device ? productionHostManagement(topology, device) : undefined;
  return host ? { ...file, host } : file;
}

let registry: PolicyRegistry | undefined;

export function mlpsRegistry(): PolicyRegistry {
  if (!registry) {
    registry = new PolicyRegistry();
    for (const rule of MLPS_POLICIES) registry.register(rule as Parameters<PolicyRegistry['register']>[0]);
    registry.provide('topology', (inv) => buildTopology(inv));
    registry.provide('deviceConfigs', (inv) => renderAllConfigs(buildTopology(inv)));
  }
  return registry;
}
