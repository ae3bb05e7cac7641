/**
 * The multi-cloud model: plain data built from the inventory (`registry.ts`), consumed by
 * placement, DR, policies, the CLI and the Terraform/Pulumi renderers. Pure, serialisable.
 */
import type { DualStack } from '../network/types.js';
import type { CentreRole, ReplicaMode } from './schema.js';

export type { CentreRole, ReplicaMode } from './schema.js';
type CloudKind = 'provincial' | 'city' | 'industry' | 'dr';

/** vCPU, RAM (GiB) and storage (TiB): the three dimensions every capacity and quota counts. */
export interface Resources {
  vcpu: number;
  ramGiB: number;
  storageTiB: number;
}

interface AvailabilityZone extends Resources {
  name: string;
}

/** Where a cloud stands: a data centre of the two-sites-three-centres layout or a city site. */
export interface CloudSite {
  /** Topology site id: `dc.xinchuang`, `xian`. */
  site: string;
  /** datacenters.yaml id when the cloud stands in a data centre. */
  centre?: string;
  /** The centre's DR role, when it has one. */
  role?: CentreRole;
  /** The city the site is in (for "same city" vs "remote"). */
  city: string;
}

export interface Tenant {
  /** Department id (province department or city bureau mirroring it). */
  department: string;
  /** Keystone project name, unique per cloud. */
  project: string;
  quota: Resources;
  /** Floating IPs the tenant may take from the provider network (Neutron quota). */
  floatingIps: number;
  /** The tenant network's subnets, one per family (from the cloud's tenant aggregate in the IPAM). */
  subnets: DualStack;
  /**
   * The tenant router's fixed address on the provider network, per family (no SNAT: the hosting
   * router routes the tenant subnets to it). Its slot is the subnet's place in the aggregate.
   */
  routerGateway: DualStack;
  dnsZone: string;
  securityRules: SecurityRule[];
}

export interface SecurityRule {
  name: string;
  direction: 'ingress' | 'egress';
  protocol: 'tcp' | 'udp' | 'icmp' | 'any';
  portMin?: number;
  portMax?: number;
  /** Remote prefixes, both families mixed (a rule is emitted per prefix and ethertype). */
  remotePrefixes: string[];
  /** A declared public service: the only case where 0.0.0.0/0 or ::/0 may appear. */
  public: boolean;
}

export interface Cloud {
  id: string;
  name: string;
  kind: CloudKind;
  industry?: string;
  region: string;
  keystone: string;
  managed: boolean;
  location: CloudSite;
  availabilityZones: AvailabilityZone[];
  capacity: Resources;
  /**
   * The extranet provider network: dual-stack, routed (its pool comes from the province IPAM and
   * the hosting router carries it into OSPF). The router holds the first address (the gateway);
   * the tenant routers' gateways follow it (one fixed slot per tenant subnet the aggregate holds),
   * Neutron hands out floating IPs from the rest of the lower half (`allocation`); the
   * load balancers' VIPs are fixed addresses in the upper half.
   */
  extranet: {
    physicalNetwork: string;
    networkType: 'flat' | 'vlan' | 'vxlan';
    segmentationId?: number;
    subnets: DualStack;
    gateway: DualStack;
    allocation: DualStack<{ start: string; end: string }>;
  };
  /** The aggregate the tenant subnets come from, routed into the backbone (no SNAT). */
  tenantPool: DualStack;
  /** Published services, each behind a load balancer per family. */
  services: CloudService[];
  /** Every cloud here is on the extranet (政务外网); classified systems belong on none of them. */
  onExtranet: true;
  tenants: Tenant[];
}

export interface CloudService {
  name: string;
  /** The publishing tenant's department. */
  tenant: string;
  protocol: 'HTTP' | 'HTTPS' | 'TCP';
  port: number;
  memberPort: number;
  /** Member servers on the tenant network, per family (the first hosts from the tenth address up). */
  members: DualStack<string[]>;
  healthPath: string;
  /** What townships use: one address per family on the provider network. */
  vip: DualStack;
}

export interface ProtectionClass {
  id: string;
  name: string;
  level: number;
  rpoS: number;
  rtoS: number;
  changeRatePctPerDay: number;
  peakFactor: number;
  replicas: Array<{ role: CentreRole; mode: ReplicaMode }>;
}

export interface Centre {
  id: string;
  name: string;
  role: CentreRole;
  site: string;
  city: string;
}

export interface CloudRegistry {
  clouds: Cloud[];
  classes: ProtectionClass[];
  /** The centres of datacenters.yaml, with their roles. */
  centres: Centre[];
  dr: { maxLinkShare: number; backupWindowH: number; replicationPool: DualStack };
  /** DNS suffix of the tenant zones (`<department>.<cloud>.<suffix>.`). */
  dnsSuffix: string;
  /** The extranet supernets (both families), for security-group rules and endpoint groups. */
  extranetSupernets: DualStack;
  /** Where the registry came from, for errors that name a file. */
  file: string;
}

/** A system to place: the input of `placeSystems` (migrations reuses this type). */
export interface System {
  id: string;
  department: string;
  /** Province-level (省直) or city-level (市级) system. */
  level: 'province' | 'city';
  /** The city, for city-level systems. */
  city?: string;
  /** Industry systems go to their industry cloud (e.g. `health`). */
  industry?: string;
  /** 涉密: never on an extranet cloud. */
  classified: boolean;
  vcpu: number;
  ramGiB: number;
  storageTiB: number;
  /** Id of a protection class (clouds.yaml `dr.classes`). */
  protectionClass: string;
  /** Data changed per day; defaults to the class's change rate × storage. */
  changeGiBPerDay?: number;
  /** Ids of systems this one calls (indicator 8). */
  dependsOn?: string[];
  /** Migration strategy (one of the 7 Rs); `replatform` of a web app means containers (Kubernetes). */
  strategy?: string;
  /** What it runs on today (`x86-vm`, `web-app`, …), from the migrations register. */
  platform?: string;
}

export interface ReplicaPlacement {
  cloud: string;
  centre: string;
  role: CentreRole;
  mode: ReplicaMode;
  /** What the replica reserves at the target. */
  reserved: Resources;
  /** Bandwidth the replica needs between the primary's site and the replica's, in Mbps. */
  mbps: number;
}

export interface PlacedSystem {
  system: string;
  cloud: string;
  tenant: string;
  az: string;
  replicas: ReplicaPlacement[];
}

export interface Unplaced {
  system: string;
  /** `classified`: retained on the intranet by rule; anything else is a placement failure. */
  kind: 'classified' | 'no-cloud' | 'not-a-tenant' | 'quota' | 'capacity' | 'unknown-class' | 'no-replica-target';
  reason: string;
}

export interface CloudUsage {
  cloud: string;
  used: Resources;
  byAz: Record<string, Resources>;
  byTenant: Record<string, Resources>;
}

export interface Placement {
  placed: PlacedSystem[];
  /** Systems not placed, with the reason (classified ones are retained by rule). */
  unplaced: Unplaced[];
  usage: CloudUsage[];
}
