/**
 * The site tree from the inventory: province → cities → counties → townships, plus departments and
 * data centres. Pure; the order is deterministic (inventory order, which IPAM does not depend on).
 */
import type { Inventory } from '../inventory/load.js';
import { siteIds } from '../inventory/load.js';
import type { LegacyNetwork, Level } from './types.js';

export interface SiteSeed {
  id: string;
  name: string;
  level: Level;
  parent?: string;
  /** Site whose OSPF area this site belongs to (a city, or the province for the backbone). */
  areaSite: string;
  legacy: LegacyNetwork[];
  legacyAddressing?: { network: LegacyNetwork; lanIpv4?: string; loopbackIpv4?: string };
}

export function siteTree(inv: Inventory): SiteSeed[] {
  const provinceId = inv.province.province.id;
  const sites: SiteSeed[] = [];
  const add = (seed: Omit<SiteSeed, 'legacy' | 'legacyAddressing'>) => sites.push({ ...seed, ...legacyOf(inv, seed.id, seed.level) });
  add({ id: provinceId, name: inv.province.province.name, level: 'province', areaSite: provinceId });
  for (const city of inv.divisions.cities) {
    add({ id: siteIds.city(city.id), name: city.name, level: 'city', parent: provinceId, areaSite: city.id });
    for (const county of city.counties) {
      const countyId = siteIds.county(city.id, county.id);
      add({ id: countyId, name: county.name, level: 'county', parent: city.id, areaSite: city.id });
      for (let t = 1; t <= county.townships; t++) {
        add({ id: siteIds.township(city.id, county.id, t), name: `${county.name}乡镇${t}`, level: 'township', parent: countyId, areaSite: city.id });
      }
    }
  }
  for (const dept of inv.departments.departments) {
    add({ id: siteIds.department(dept.id), name: dept.name, level: 'department', parent: provinceId, areaSite: provinceId });
  }
  for (const dc of inv.datacenters.datacenters) {
    const parent = dc.parent === provinceId ? provinceId : siteIds.city(dc.parent);
    add({ id: siteIds.datacenter(dc.id), name: dc.name, level: 'datacenter', parent, areaSite: parent === provinceId ? provinceId : dc.parent });
  }
  // Department legacy membership lives with the department, not in legacy.yaml defaults.
  const deptLegacy = new Map(inv.departments.departments.map((d) => [siteIds.department(d.id), d.legacy]));
  for (const s of sites) {
    const own = deptLegacy.get(s.id);
    if (own && own.length && !inv.legacy.sites[s.id]?.networks) s.legacy = [...own];
  }
  return sites;
}

function legacyOf(inv: Inventory, id: string, level: Level): Pick<SiteSeed, 'legacy' | 'legacyAddressing'> {
  const override = inv.legacy.sites[id];
  const legacy = [...(override?.networks ?? inv.legacy.defaults[level] ?? [])].sort();
  if (!override || (!override.lan_ipv4 && !override.loopback_ipv4) || legacy.length === 0) return { legacy };
  // Legacy addresses belong to 省网 when the site is on it (国网 sites keep theirs through the merge).
  const network: LegacyNetwork = legacy.includes('shengwang') ? 'shengwang' : 'guowang';
  return { legacy, legacyAddressing: { network, lanIpv4: override.lan_ipv4, loopbackIpv4: override.loopback_ipv4 } };
}
