/**
 * `--scope`: which part of the declared topology the lab realizes. Pure: topology in, sub-topology out.
 *
 * Syntax (clauses separated by `;`, each `key=value`; lists separated by `,`):
 *   cities=xian,yulin   cities to include (ids), or a number N = the first N cities (inventory order)
 *   counties=2          counties per included city (the first N in inventory order; `all` for every one)
 *   townships=2         townships per included county (first N; `all`)
 *   departments=0       province departments (first N; `all`)
 *   datacenters=all     data centres whose parent site is in scope (`all`, `none` or a list of ids)
 *   sites=a,b           extra site ids, each pulled in with its ancestors so it stays connected
 *   all                 the whole topology
 * A bare list without `=` (`xian.yanta.t03,dc.xinchuang`) means `sites=` on top of the province core.
 * The province core (both cores and both exits) is always in scope.
 *
 * Default: the province core, two cities (those hosting the remote DR centre first, then the
 * first in inventory order), two counties in each, two townships under each county, and the data centres hanging
 * off the province and the chosen cities — 27 devices for Shaanxi.
 */
import { inputError } from '../lib/errors.js';
import type { Device, ExitHandoff, Link, Site, Topology } from '../network/types.js';

type Count = number | 'all';

export interface ScopeSpec {
  all: boolean;
  cities: string[] | number;
  counties: Count;
  townships: Count;
  departments: Count;
  datacenters: 'all' | 'none' | string[];
  sites: string[];
}

export interface ScopedTopology {
  /** The full topology the scope was cut from (renderers see the real model). */
  topology: Topology;
  sites: Site[];
  devices: Device[];
  /** Links with both ends in scope. */
  links: Link[];
  /** Internet hand-offs of exits in scope. */
  handoffs: ExitHandoff[];
}

export interface ScopeDefaults {
  /** Cities that must be in the default scope (e.g. the city hosting the remote DR centre). */
  preferredCities: string[];
}

const SCOPE_FILE = '--scope';

export function parseScope(text: string | undefined, defaults: ScopeDefaults = { preferredCities: [] }): ScopeSpec {
  const spec: ScopeSpec = { all: false, cities: defaultCities(defaults), counties: 2, townships: 2, departments: 0, datacenters: 'all', sites: [] };
  if (!text || !text.trim()) return spec;
  for (const raw of text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (raw === 'all') {
      spec.all = true;
      continue;
    }
    const eq = raw.indexOf('=');
    if (eq < 0) {
      spec.sites.push(...list(raw));
      continue;
    }
    const key = raw.slice(0, eq).trim();
    const value = raw.slice(eq + 1).trim();
    switch (key) {
      case 'cities':
        spec.cities = /^\d+$/.test(value) ? Number(value) : list(value);
        break;
      case 'counties':
      case 'townships':
      case 'departments':
        spec[key] = count(key, value);
        break;
      case 'datacenters':
        spec.datacenters = value === 'all' || value === 'none' ? value : list(value);
        break;
      case 'sites':
        spec.sites.push(...list(value));
        break;
      default:
        throw inputError('E_SCOPE', SCOPE_FILE, key, `unknown scope key "${key}"`, 'keys: cities, counties, townships, departments, datacenters, sites, all');
    }
  }
  return spec;
}

function defaultCities(defaults: ScopeDefaults): string[] | number {
  return defaults.preferredCities.length > 0 ? defaults.preferredCities.slice(0, 2) : 2;
}

const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function count(key: string, value: string): Count {
  if (value === 'all') return 'all';
  if (!/^\d+$/.test(value)) throw inputError('E_SCOPE', SCOPE_FILE, key, `"${value}" is not a count (a number or "all")`);
  return Number(value);
}

/**
 * The cities hosting the data centres (production, same-city DR, remote DR) first, then the first
 * cities in inventory order, until there are two.
 */
export function defaultScopeDefaults(topology: Topology, datacenterCities: string[]): ScopeDefaults {
  const cities = topology.sites.filter((s) => s.level === 'city').map((s) => s.id);
  const preferred = [...new Set(datacenterCities.filter((c) => cities.includes(c)))];
  for (const c of cities) if (preferred.length < 2 && !preferred.includes(c)) preferred.push(c);
  return { preferredCities: preferred.slice(0, 2) };
}

export function selectScope(topology: Topology, spec: ScopeSpec): ScopedTopology {
  const byId = new Map(topology.sites.map((s) => [s.id, s]));
  const province = topology.sites.find((s) => s.level === 'province');
  if (!province) throw inputError('E_SCOPE', SCOPE_FILE, 'province', 'the topology has no province site');
  const chosen = new Set<string>();
  if (spec.all) for (const s of topology.sites) chosen.add(s.id);
  chosen.add(province.id);

  const childrenOf = (id: string, level: Site['level']) =>
    (byId.get(id)?.children ?? [])
      .map((c) => byId.get(c)!)
      .filter((s) => s && s.level === level)
      .map((s) => s.id);
  const take = (ids: string[], n: Count) => (n === 'all' ? ids : ids.slice(0, n));

  const allCities = childrenOf(province.id, 'city');
  const cities = typeof spec.cities === 'number' ? allCities.slice(0, spec.cities) : spec.cities;
  for (const c of cities) {
    if (!byId.has(c) || byId.get(c)!.level !== 'city')
      throw inputError('E_SCOPE', SCOPE_FILE, 'cities', `"${c}" is not a city of ${province.id}`, `cities: ${allCities.join(', ')}`);
    chosen.add(c);
    for (const county of take(childrenOf(c, 'county'), spec.counties)) {
      chosen.add(county);
      for (const t of take(childrenOf(county, 'township'), spec.townships)) chosen.add(t);
    }
  }
  for (const d of take(childrenOf(province.id, 'department'), spec.departments)) chosen.add(d);

  for (const id of spec.sites) {
    if (!byId.has(id)) throw inputError('E_SCOPE', SCOPE_FILE, 'sites', `no site "${id}" in the topology`);
    for (let s: Site | undefined = byId.get(id); s; s = s.parent ? byId.get(s.parent) : undefined) chosen.add(s.id);
  }

  const dcs = topology.sites.filter((s) => s.level === 'datacenter');
  for (const dc of dcs) {
    const wanted =
      spec.datacenters === 'all' ? dc.parent !== undefined && chosen.has(dc.parent) : spec.datacenters !== 'none' && spec.datacenters.includes(dc.id);
    if (!wanted) continue;
    for (let s: Site | undefined = dc; s; s = s.parent ? byId.get(s.parent) : undefined) chosen.add(s.id);
  }
  if (Array.isArray(spec.datacenters)) {
    for (const id of spec.datacenters)
      if (!dcs.some((d) => d.id === id))
        throw inputError('E_SCOPE', SCOPE_FILE, 'datacenters', `no data centre "${id}"`, `data centres: ${dcs.map((d) => d.id).join(', ')}`);
  }

  return restrict(topology, chosen);
}

function restrict(topology: Topology, siteIds: Set<string>): ScopedTopology {
  const devices = topology.devices.filter((d) => siteIds.has(d.site));
  const ids = new Set(devices.map((d) => d.id));
  return {
    topology,
    sites: topology.sites.filter((s) => siteIds.has(s.id)),
    devices,
    links: topology.links.filter((l) => ids.has(l.a.device) && ids.has(l.b.device)),
    handoffs: topology.exit.handoffs.filter((h) => ids.has(h.device)),
  };
}
