/**
 * Where a site of the model is declared in the inventory, so findings about sites, their devices
 * and links point at the line a person edits: a city or county in divisions.json, a township at
 * its county's `townships` count, a department or data centre at its entry.
 */
import type { Inventory } from '../../inventory/load.js';
import { siteIds } from '../../inventory/load.js';
import type { Topology } from '../../network/types.js';
import { definePolicy, type InputsOf, type Policy, type SourceLocation, type Violation } from '../types.js';

type SiteLocator = (siteId: string) => SourceLocation | undefined;

function siteLocator(inv: Inventory): SiteLocator {
  const index = new Map<string, SourceLocation>();
  const divisions = inv.paths.divisions!;
  index.set(inv.province.province.id, { file: inv.paths.province!, path: 'province' });
  inv.divisions.cities.forEach((city, ci) => {
    index.set(siteIds.city(city.id), { file: divisions, path: `cities[${ci}]` });
    city.counties.forEach((county, ki) => {
      index.set(siteIds.county(city.id, county.id), { file: divisions, path: `cities[${ci}].counties[${ki}]` });
      for (let t = 1; t <= county.townships; t++)
        index.set(siteIds.township(city.id, county.id, t), { file: divisions, path: `cities[${ci}].counties[${ki}].townships` });
    });
  });
  inv.departments.departments.forEach((d, i) => index.set(siteIds.department(d.id), { file: inv.paths.departments!, path: `departments[${i}]` }));
  const dcFile = inv.paths.datacenters;
  if (dcFile) inv.datacenters.datacenters.forEach((dc, i) => index.set(siteIds.datacenter(dc.id), { file: dcFile, path: `datacenters[${i}]` }));
  return (siteId) => index.get(siteId);
}

/** The site a finding's resource (`site:`, `device:`, `interface:`, `link:`) belongs to. */
function siteOfResource(resource: string, topology: Topology, deviceSite: Map<string, string>, linkSite: Map<string, string>): string | undefined {
  const colon = resource.indexOf(':');
  const kind = resource.slice(0, colon);
  const id = resource.slice(colon + 1);
  if (kind === 'site') return id;
  if (kind === 'device') return deviceSite.get(id);
  if (kind === 'interface') return deviceSite.get(id.split('/')[0]!);
  if (kind === 'link') return linkSite.get(id);
  if (kind === 'exit') return topology.exit.site;
  return undefined;
}

/** Give every finding without a location the inventory entry of the site it concerns. */
function locateViolations(violations: Violation[], topology: Topology, inv: Inventory): Violation[] {
  if (!violations.length) return violations;
  const locate = siteLocator(inv);
  const deviceSite = new Map(topology.devices.map((d) => [d.id, d.site]));
  // A link belongs to its lower end's site (the child of an uplink), whose entry declares it.
  const linkSite = new Map(topology.links.map((l) => [l.id, deviceSite.get(l.b.device) ?? '']));
  return violations.map((v) => {
    if (v.location) return v;
    const site = siteOfResource(v.resource, topology, deviceSite, linkSite);
    const location = site === undefined ? undefined : locate(site);
    return location ? { ...v, location } : v;
  });
}

/** A topology rule whose findings point at the inventory entries of the sites they concern. */
export function locatedInInventory(rule: Policy<InputsOf<'topology' | 'inventory'>>): Policy<InputsOf<'topology' | 'inventory'>> {
  return definePolicy({
    ...rule,
    requires: [...new Set([...rule.requires, 'topology', 'inventory'] as const)],
    check: (inputs) => locateViolations(rule.check(inputs), inputs.topology, inputs.inventory),
  });
}
