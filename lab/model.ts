/** Inventory → topology → the lab's scope, plus the configs the lab runs (the same ones synth renders). */
import { createHash } from 'node:crypto';
import { loadInventory } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { cachedTopology } from './model-cache.js';
import { renderFrr } from '../network/render/frr.js';
import type { Topology } from '../network/types.js';
import type { OspfKeyring } from '../network/ospf-keyring.js';
import { defaultScopeDefaults, parseScope, selectScope, type ScopedTopology } from './scope.js';

/** Renders one device's FRR config from the model. The lab always runs with fast OSPF timers. */
export type ConfigRenderer = (topology: Topology, deviceId: string) => string;
export const renderLabConfig: ConfigRenderer = (topology, deviceId) => renderFrr(topology, deviceId, { fastTimers: true });
/** The lab's renderer with the OSPF keys the state's keyring holds (a key roll in progress included). */
export const labRenderer =
  (ospfKeys: OspfKeyring): ConfigRenderer =>
  (topology, deviceId) =>
    renderFrr(topology, deviceId, { fastTimers: true, ospfKeys });

/**
 * The inventory's topology cut to the scope. `cacheFile`: where the built topology is kept between
 * runs (lab/model-cache.ts; the lab's folder of the state dir), else built every time.
 */
export async function loadLabModel(inventoryDir: string, scopeText: string | undefined, cacheFile?: string): Promise<ScopedTopology> {
  const inv = await loadInventory(inventoryDir);
  const topology = cacheFile ? cachedTopology(cacheFile, inv) : buildTopology(inv);
  const dcCities = inv.datacenters.datacenters.filter((d) => d.role !== 'remote-dr-alternative').map((d) => d.city);
  return selectScope(topology, parseScope(scopeText, defaultScopeDefaults(topology, dcCities)));
}

export const configHash = (config: string): string => createHash('sha256').update(config).digest('hex').slice(0, 16);

/**
 * Deploy order: province first, then down the site tree, so a device's upstream neighbours are
 * already confirmed when its post-checks look for them. Returns device ids grouped by depth.
 */
export function deployLevels(scoped: ScopedTopology): string[][] {
  const sites = new Map(scoped.topology.sites.map((s) => [s.id, s]));
  const depth = (siteId: string): number => {
    let d = 0;
    for (let s = sites.get(siteId); s?.parent; s = sites.get(s.parent)) d++;
    return d;
  };
  const levels: string[][] = [];
  for (const d of scoped.devices) (levels[depth(d.site)] ??= []).push(d.id);
  return levels.filter((l) => l && l.length > 0);
}
