/**
 * Where the drill's sample service lives in the lab: the three centres of "two sites, three
 * centres" (production and same-city DR in Xi'an, remote DR in Yulin), each hosted in its centre
 * router's namespace, plus the service address that failover moves and the client that writes.
 *
 * Why the centre router's namespace and not a host behind it: a lab data centre is one leaf router
 * whose LAN stands for the centre's server network, and the lab keeps that LAN's far end (`lan0-p`)
 * in the same namespace. The database sits on that far end (a server on the centre's LAN, an
 * address the router's OSPF already covers), so losing the centre's uplinks cuts exactly what a
 * centre loss cuts, and nothing is added that the lab's model, configs or `plan` don't know.
 *
 * Pure: registry + scoped topology in, plain data out.
 */
import { inputError } from '../lib/errors.js';
import { hostIn, lastAddress, parsePrefix } from '../lib/ip.js';
import type { CentreRole, CloudRegistry, ProtectionClass } from '../cloud/types.js';
import type { Device, Interface } from '../network/types.js';
import type { ScopedTopology } from '../lab/scope.js';

export type DrRole = 'production' | 'same-city' | 'remote';
const ROLE_OF_CENTRE: Partial<Record<CentreRole, DrRole>> = { production: 'production', 'same-city-dr': 'same-city', 'remote-dr': 'remote' };

export interface DualAddress {
  ipv4: string;
  ipv6: string;
}

export interface DrNode {
  role: DrRole;
  /** clouds/datacenters id of the centre, e.g. `xinchuang`. */
  centre: string;
  centreName: string;
  city: string;
  /** The centre router (its namespace hosts the database). */
  device: string;
  /** PostgreSQL application_name (a bare identifier, usable unquoted in synchronous_standby_names). */
  appName: string;
  /** The database server's own address on the centre LAN (with prefix length, both families). */
  server: DualAddress;
  /** The LAN end the server address lives on (the lab's in-namespace peer of the LAN interface). */
  serverIf: string;
  /** The centre router's uplink links (model link ids): a centre loss takes these down. */
  uplinks: string[];
  /** How this node replicates from production under the class (undefined for production). */
  mode?: 'sync' | 'async';
}

export interface DrLayout {
  protectionClass: ProtectionClass;
  nodes: DrNode[];
  /** The service address (/32 and /128) that failover moves between centres. */
  serviceAddress: DualAddress;
  /** The device whose namespace runs the writer (a government user across the backbone). */
  client: string;
}

const FILE = 'clouds.yaml';

/** The class the sample service is protected by: `wanted`, else the first class with a sync replica. */
export function pickClass(reg: CloudRegistry, wanted?: string): ProtectionClass {
  if (wanted) {
    const c = reg.classes.find((x) => x.id === wanted);
    if (!c) throw inputError('E_DR_CLASS', FILE, 'dr.classes', `no protection class "${wanted}"`, `classes: ${reg.classes.map((x) => x.id).join(', ')}`);
    if (c.replicas.some((r) => r.mode === 'backup') || c.replicas.length === 0) {
      throw inputError(
        'E_DR_CLASS',
        FILE,
        `dr.classes[${c.id}]`,
        `class "${c.id}" has no streaming replica (only backups): a failover drill needs sync or async replication`,
      );
    }
    return c;
  }
  const c = reg.classes.find((x) => x.replicas.some((r) => r.mode === 'sync')) ?? reg.classes.find((x) => x.replicas.some((r) => r.mode === 'async'));
  if (!c) throw inputError('E_DR_CLASS', FILE, 'dr.classes', 'no protection class replicates (sync or async)');
  return c;
}

export function buildLayout(reg: CloudRegistry, scoped: ScopedTopology, cls: ProtectionClass, clientDevice?: string): DrLayout {
  const nodes: DrNode[] = [];
  for (const role of ['production', 'same-city', 'remote'] as const) {
    const centre = reg.centres.find((c) => ROLE_OF_CENTRE[c.role] === role);
    if (!centre) throw inputError('E_DR_LAYOUT', 'datacenters.yaml', 'datacenters', `no centre has the ${role} role`);
    const replica = cls.replicas.find((r) => ROLE_OF_CENTRE[r.role] === role);
    if (role !== 'production' && !replica) continue;
    const device = scoped.devices.find((d) => d.site === centre.site);
    if (!device) {
      throw inputError(
        'E_DR_SCOPE',
        '--scope',
        'datacenters',
        `the lab's scope has no router for centre ${centre.id} (${centre.site})`,
        'deploy the lab with its default scope, which includes the three centres',
      );
    }
    const lan = lanOf(device);
    nodes.push({
      role,
      centre: centre.id,
      centreName: centre.name,
      city: centre.city,
      device: device.id,
      appName: centre.id.replace(/[^a-z0-9]/gi, '_').toLowerCase(),
      server: { ipv4: serverAddress(lan.ipv4!), ipv6: serverAddress(lan.ipv6!) },
      serverIf: `${lan.name}-p`.slice(0, 15),
      uplinks: scoped.links
        .filter((l) => l.a.device === device.id || l.b.device === device.id)
        .map((l) => l.id)
        .sort(),
      mode: replica?.mode === 'sync' ? 'sync' : replica ? 'async' : undefined,
    });
  }
  return { protectionClass: cls, nodes, serviceAddress: serviceAddressFrom(reg), client: pickClient(scoped, nodes, clientDevice) };
}

function lanOf(device: Device): Interface {
  const lan = device.interfaces.find((i) => i.kind === 'lan' && i.ipv4 && i.ipv6);
  if (!lan) throw inputError('E_DR_LAYOUT', 'topology', device.id, `centre router ${device.id} has no dual-stack LAN for the database server`);
  return lan;
}

/** The tenth address of the centre LAN, with the LAN's prefix length (the router holds the first). */
export function serverAddress(lanCidr: string): string {
  const p = parsePrefix(lanCidr, { allowHostBits: true });
  return hostIn(p, 10, p.length);
}

/**
 * The service address: one below the top of the DR replication pool, per family, as a host route.
 * The top of the pool is far from where the cloud stacks allocate replication networks (bottom-up).
 */
function serviceAddressFrom(reg: CloudRegistry): DualAddress {
  const top = (cidr: string, len: number) => {
    const p = parsePrefix(cidr, { allowHostBits: true });
    return `${hostIn(p, lastAddress(p) - p.network - 1n)}/${len}`;
  };
  return { ipv4: top(reg.dr.replicationPool.ipv4, 32), ipv6: top(reg.dr.replicationPool.ipv6, 128) };
}

/** The writer's seat: `wanted`, else the first city core router in scope (users reach the service across the backbone). */
function pickClient(scoped: ScopedTopology, nodes: DrNode[], wanted?: string): string {
  const centreDevices = new Set(nodes.map((n) => n.device));
  if (wanted) {
    if (!scoped.devices.some((d) => d.id === wanted)) throw inputError('E_DR_CLIENT', '(command line)', '--client', `no device "${wanted}" in the lab's scope`);
    if (centreDevices.has(wanted)) throw inputError('E_DR_CLIENT', '(command line)', '--client', `the client must sit outside the centres, not on ${wanted}`);
    return wanted;
  }
  const levels = new Map(scoped.sites.map((s) => [s.id, s.level]));
  const pick = (level: string) => scoped.devices.find((d) => levels.get(d.site) === level && d.role !== 'exit' && !centreDevices.has(d.id));
  const d = pick('city') ?? pick('county') ?? pick('province');
  if (!d) throw inputError('E_DR_CLIENT', '--scope', 'cities', 'no device outside the centres to run the writer on');
  return d.id;
}
