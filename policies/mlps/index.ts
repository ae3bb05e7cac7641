/**
 * The 等保 2.0 pack: its own registry (run with `stacks policy --pack mlps`), not part of the
 * default pack until the rendered configs carry the management plane (issue 11). The device
 * configs are rendered in memory when no synthesized tree is given; the Terraform JSON comes
 * from the caller (the CLI reads it from a synth output, or synthesizes one).
 */
import { buildTopology } from '../../network/topology.js';
import { DIALECTS, DIALECT_IDS } from '../../network/render/index.js';
import type { Topology } from '../../network/types.js';
import { PolicyRegistry } from '../registry.js';
import type { RenderedConfigFile } from './facts.js';
import { MLPS_POLICIES } from './rules.js';

export { MLPS_POLICIES } from './rules.js';
export type { RenderedConfigFile } from './facts.js';

/** Every device in both dialects, named as synth writes them (backbone/configs/<dialect>/<host>.<ext>). */
export function renderAllConfigs(topology: Topology): RenderedConfigFile[] {
  const out: RenderedConfigFile[] = [];
  for (const dialect of DIALECT_IDS) {
    const d = DIALECTS[dialect];
    for (const device of topology.devices)
      out.push({ device: device.id, dialect, path: `backbone/configs/${dialect}/${device.hostname}.${d.fileExtension}`, text: d.render(topology, device.id) });
  }
  return out;
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
