/**
 * A synthetic province for benchmarks and growth tests: `scale` times the default province's
 * size (11 cities, 107 counties, 1,768 townships, 40 departments at scale 1), with counts per
 * city and county varied by a seeded generator around the same means, and supernets and block
 * lengths computed so that everything fits. Pure and deterministic: the same options give the same
 * inventory, byte for byte. The result is an `Inventory` that `planAddresses`/`buildTopology`
 * take directly; `generatedInventoryFiles` renders it as an inventory folder for the CLI.
 */
import { stringify } from 'yaml';
import type { Inventory } from '../inventory/load.js';
import type { DivisionsFile, PrivateNetworksFile, ProvinceFile } from '../inventory/schema.js';
import { seededRandom as rng } from '../lib/random.js';

export interface GenerateOptions {
  /** Size relative to the default province (1 ≈ Shaanxi). */
  scale: number;
  seed?: number;
}

const BASE = { cities: 11, counties: 107, townships: 1768, departments: 40, privateNetworks: 17 };
const GENERATED_DIR = '(generated)';

/** Split `total` into `parts` positive counts that vary ±50% around the mean and sum exactly. */
function split(total: number, parts: number, rand: () => number): number[] {
  const weights = Array.from({ length: parts }, () => 0.5 + rand());
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.max(1, Math.floor((w / sum) * total)));
  let diff = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; diff !== 0; i = (i + 1) % parts) {
    if (diff > 0) {
      counts[i]!++;
      diff--;
    } else if (counts[i]! > 1) {
      counts[i]!--;
      diff++;
    }
  }
  return counts;
}

const bitsFor = (slots: number) => Math.ceil(Math.log2(Math.max(2, slots)));
const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function generateProvince(opts: GenerateOptions): Inventory {
  if (!(opts.scale > 0)) throw new RangeError(`scale must be positive, got ${opts.scale}`);
  const rand = rng(opts.seed ?? 1);
  const nCities = Math.max(1, Math.round(BASE.cities * opts.scale));
  const nCounties = Math.max(nCities, Math.round(BASE.counties * opts.scale));
  const nTownships = Math.max(nCounties, Math.round(BASE.townships * opts.scale));
  const nDepartments = Math.max(1, Math.round(BASE.departments * opts.scale));

  const countiesPerCity = split(nCounties, nCities, rand);
  const townshipsPerCounty = split(nTownships, nCounties, rand);
  let k = 0;
  const cities: DivisionsFile['cities'] = countiesPerCity.map((nc, ci) => ({
    id: `city${pad(ci + 1, 3)}`,
    name: `City ${ci + 1}`,
    counties: Array.from({ length: nc }, (_, j) => ({ id: `county${pad(j + 1, 3)}`, name: `County ${ci + 1}-${j + 1}`, townships: townshipsPerCounty[k++]! })),
  }));

  // Block lengths from the largest fan-out at each level: a county holds its infra plus its
  // townships, a city its infra, its counties and a data centre.
  const maxTownships = Math.max(...townshipsPerCounty);
  const maxCounties = Math.max(...countiesPerCity);
  const countyBits = bitsFor(maxTownships + 1);
  const cityBits = bitsFor(maxCounties + 2);
  // Allocation is lowest-free-aligned, so the smaller blocks pack: infra, cities, then departments
  // (/24 each) and the two province data centres (county-sized), plus one slot of slack.
  const perCitySlot = 2 ** (countyBits + cityBits);
  const provinceBits = bitsFor(1 + nCities + Math.ceil((nDepartments + 2 * 2 ** countyBits) / perCitySlot) + 1);
  const lengths = (township: number) => {
    const county = township - countyBits;
    const city = county - cityBits;
    return { province: city - provinceBits, city, county, township, department: township, datacenter: county };
  };
  const v4 = lengths(24);
  const v6 = lengths(56);
  if (v4.province < 8 || v6.province < 32)
    throw new RangeError(
      `a scale-${opts.scale} province needs a /${v4.province} IPv4 block, more than 10.0.0.0/8 holds (or an IPv6 block wider than 2001:db8::/32)`,
    );

  const province: ProvinceFile = {
    province: { id: 'genprov', name: `Generated province ×${opts.scale}` },
    plan_tiers: [],
    files: {
      divisions: 'divisions.json',
      departments: 'departments.yaml',
      datacenters: 'datacenters.yaml',
      legacy: 'legacy.yaml',
      private_networks: 'private-networks.yaml',
      ledger: 'ipam-ledger.yaml',
    },
    tiers: [
      { id: 'province-city', parent: 'province', child: 'city', links: 2, bandwidth_mbps: 10000 },
      { id: 'city-county', parent: 'city', child: 'county', links: 2, bandwidth_mbps: 2000 },
      { id: 'county-township', parent: 'county', child: 'township', links: 2, bandwidth_mbps: 200 },
      { id: 'province-department', parent: 'province', child: 'department', links: 2, bandwidth_mbps: 2000 },
      { id: 'province-datacenter', parent: 'province', child: 'datacenter', links: 2, bandwidth_mbps: 10000 },
      { id: 'city-datacenter', parent: 'city', child: 'datacenter', links: 2, bandwidth_mbps: 10000 },
    ],
    ipam: {
      ipv4: { supernet: `10.0.0.0/${v4.province}`, block: v4, infra: 24 },
      ipv6: { supernet: `2001:db8::/${v6.province}`, block: v6, infra: 56 },
    },
    internet_exit: { bandwidth_mbps: 10000 * Math.max(1, Math.round(opts.scale)), upstream: { ipv4: '198.51.100.1', ipv6: '3fff::1' } },
  };
  const departments = Array.from({ length: nDepartments }, (_, i) => ({
    id: `d${pad(i + 1, 3)}`,
    name: `Department ${i + 1}`,
    legacy: (rand() < 0.5 ? ['guowang', 'shengwang'] : ['shengwang']) as Array<'guowang' | 'shengwang'>,
  }));
  const secondCity = cities[Math.min(1, cities.length - 1)]!.id;
  const datacenters = [
    { id: 'production', name: 'Production DC', role: 'production' as const, parent: province.province.id, city: cities[0]!.id },
    { id: 'same-city-dr', name: 'Same-city DR', role: 'same-city-dr' as const, parent: province.province.id, city: cities[0]!.id },
    { id: 'remote-dr', name: 'Remote DR', role: 'remote-dr' as const, parent: secondCity, city: secondCity },
  ];
  const statuses = ['separate', 'interconnected', 'migrating', 'merged'] as const;
  const levels = ['city', 'county', 'township'] as const;
  const privateNetworks: PrivateNetworksFile = {
    private_networks: Array.from({ length: Math.max(1, Math.round(BASE.privateNetworks * opts.scale)) }, (_, i) => ({
      id: `pn${pad(i + 1, 3)}`,
      name: `Private network ${i + 1}`,
      department: departments[i % departments.length]!.id,
      classified: rand() < 3 / 17,
      reaches: levels[Math.floor(rand() * levels.length)]!,
      status: statuses[Math.floor(rand() * statuses.length)]!,
    })),
  };
  const paths: Record<string, string> = { province: `${GENERATED_DIR}/province.yaml` };
  for (const [key, rel] of Object.entries(province.files)) if (rel) paths[key] = `${GENERATED_DIR}/${rel}`;
  return {
    dir: GENERATED_DIR,
    paths,
    province,
    // A generated province is in memory only: no waivers or user rules beside it.
    policyFiles: { rules: [] },
    divisions: { province: province.province, totals: { cities: nCities, counties: nCounties, townships: nTownships }, cities },
    departments: { departments },
    datacenters: { datacenters },
    legacy: {
      networks: {
        guowang: { name: 'National extranet node', supernet_ipv4: '100.64.0.0/10' },
        shengwang: { name: 'Provincial extranet', supernet_ipv4: '172.16.0.0/12' },
      },
      defaults: {
        province: ['guowang', 'shengwang'],
        city: ['guowang', 'shengwang'],
        county: ['guowang', 'shengwang'],
        township: [],
        department: [],
        datacenter: [],
      },
      sites: {},
    },
    privateNetworks,
    ledger: { version: 1, allocations: {} },
    extra: {},
  };
}

/** The generated inventory as the files of an inventory folder (file name → contents). */
export function generatedInventoryFiles(inv: Inventory): Map<string, string> {
  const files = new Map<string, string>();
  const f = inv.province.files;
  files.set('province.yaml', stringify(inv.province));
  files.set(f.divisions, JSON.stringify(inv.divisions, null, 1) + '\n');
  files.set(f.departments, stringify(inv.departments));
  if (f.datacenters) files.set(f.datacenters, stringify(inv.datacenters));
  files.set(f.legacy, stringify(inv.legacy));
  files.set(f.private_networks, stringify(inv.privateNetworks));
  files.set(f.ledger, stringify(inv.ledger));
  return files;
}
