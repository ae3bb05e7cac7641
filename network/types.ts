/**
 * The network model: plain data produced by `buildTopology` from the inventory, consumed by every
 * renderer (FRR, VRP, Terraform, lab, SNMP targets, alert rules, KPI). Pure, serialisable, no I/O.
 */
import type { ManagementPlan } from './management.js';

export type Family = 'ipv4' | 'ipv6';
export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

export type Level = 'province' | 'city' | 'county' | 'township' | 'department' | 'datacenter';

/** The two legacy extranets being merged: 国网 (national extranet, Shaanxi node) and 省网 (provincial). */
export type LegacyNetwork = 'guowang' | 'shengwang';

export interface DualStack<T = string> {
  ipv4: T;
  ipv6: T;
}

export interface Site {
  id: string;
  name: string;
  level: Level;
  /** Parent site id; absent only for the province. */
  parent?: string;
  /** The city (or the province) whose OSPF area this site sits in. */
  areaSite: string;
  children: string[];
  /** Which legacy networks serve the site today (empty: not covered yet). */
  legacy: LegacyNetwork[];
  /** Legacy addressing, when the site is on a legacy network (replaced during the merge). */
  legacyAddressing?: { network: LegacyNetwork; lanIpv4?: string; loopbackIpv4?: string };
  /** The site's address block per family (from the IPAM ledger). */
  block: DualStack;
  /** The site's own infrastructure block (LAN, loopbacks, p2p links) per family. */
  infra: DualStack;
  /** The site LAN per family (users, servers). */
  lan: DualStack;
  /** The hosts' default gateway per family (bare): the VRRP virtual address where two routers serve the LAN, else r1's own. */
  gateway?: DualStack;
}

type DeviceRole = 'core' | 'access' | 'exit';

export interface Interface {
  /** Linux-safe (≤ 15 chars) name, used by the FRR config and the lab alike. */
  name: string;
  /** `cloud`: a cloud's provider network or tenant aggregate, passive in OSPF like a LAN. */
  kind: 'uplink' | 'downlink' | 'peer' | 'exit' | 'lan' | 'internet' | 'cloud';
  /** The link this interface terminates (absent for LAN and internet-facing interfaces). */
  link?: string;
  /** Address with prefix length, e.g. `10.0.1.0/31`, `2001:db8::/127`. */
  ipv4?: string;
  ipv6?: string;
  bandwidthMbps: number;
  description: string;
  /** Passive interfaces carry a prefix into OSPF but form no adjacency (LANs). */
  passive: boolean;
  /** First-hop redundancy on a LAN both routers of a site serve (absent elsewhere). */
  vrrp?: VrrpGroup;
  /** The tier's QoS policy, applied outbound (uplink circuits, both ends). */
  qos?: string;
  /**
   * The physical VRP port (`XGigabitEthernet2/0/3`), from the IPAM ledger (network/ports.ts).
   * Absent in hand-made topologies: render/vrp-names.ts then numbers the ports itself.
   */
  port?: string;
}

/**
 * A VRRPv3 group on a LAN interface, one per family with the same id: the virtual addresses are the
 * gateway the LAN's hosts use; the higher priority (r1) is master while it holds a tracked uplink.
 */
interface VrrpGroup {
  vrid: number;
  priority: number;
  /** Bare virtual addresses per family (IPv4, IPv6 global); VRP adds the IPv6 link-local one. */
  virtual: DualStack;
  /** The IPv6 link-local virtual address (RFC 5798 §5.2.9: first in the IPv6 list). */
  linkLocal: string;
  /** Interfaces whose loss lowers the priority (the router's way out of the site), by model name. */
  track: string[];
  /** Priority lost per tracked interface down: all of them down puts r1 below its peer. */
  trackReduce: number;
  advertisementMs: number;
  /** Advertisement interval with the lab's fast timers. */
  fastAdvertisementMs: number;
}

/** One DSCP class of the QoS table (inventory/qos.yaml), with its share on a policy's circuit. */
export interface QosClass {
  id: string;
  name: string;
  /** DSCP code points (0–63) the class matches; the default class also takes everything unmatched. */
  dscp: number[];
  sharePercent: number;
  /** `priority`: a strict-priority queue capped at its share (EF); `assured`: a guaranteed share that may borrow (AF); `default`: the rest. */
  queue: 'priority' | 'assured' | 'default';
}

/** A tier's QoS policy: its classes and shares at the tier's circuit rate. */
export interface QosPolicy {
  /** Policy name as routers see it (`QOS-COUNTY-TOWNSHIP`). */
  name: string;
  tier: string;
  rateMbps: number;
  classes: QosClass[];
}

export interface Device {
  id: string;
  site: string;
  role: DeviceRole;
  /** 1 or 2: which of a site's two routers (dual-homing lands on different parents). */
  index: number;
  hostname: string;
  routerId: string;
  loopback: DualStack;
  /** OSPF area id in dotted form; 0.0.0.0 is the backbone. */
  area: string;
  interfaces: Interface[];
  /** Originates the default route (only the unified internet exit may). */
  originatesDefault: boolean;
  /** Metric of the originated default (the standby exit is worse). */
  defaultMetric?: number;
  /** The router model (hardware.yaml) and its ports no link uses, in config order; absent without hardware.yaml. */
  hardware?: { model: string; unusedPorts: string[] };
}

interface LinkEnd {
  device: string;
  interface: string;
  ipv4: string;
  ipv6: string;
}

export interface Link {
  id: string;
  tier: string;
  kind: 'uplink' | 'peer' | 'exit';
  bandwidthMbps: number;
  /** a is the upper end (parent / lower index), b the lower one. */
  a: LinkEnd;
  b: LinkEnd;
  subnet: DualStack;
  /** OSPF area of the link. */
  area: string;
}

export interface Tier {
  id: string;
  parent: Level;
  child: Level;
  links: number;
  bandwidthMbps: number;
  /** BFD timers of the tier's links, from the tier table. */
  bfd?: BfdTimers;
}

export interface BfdTimers {
  minTxMs: number;
  minRxMs: number;
  multiplier: number;
}

/** OSPF authentication and BFD of the backbone adjacencies (inventory/ospf-security.yaml and the tier table). */
export interface OspfSecurity {
  /** OSPFv2: keyed MD5; OSPFv3: the RFC 7166 trailer with HMAC-SHA-256 (see the inventory file for why). */
  ospfv2: 'md5';
  ospfv3: 'hmac-sha-256';
  /** BFD timers by link tier id (`Link.tier`: the tier table's ids, `internal` for r1–r2, `internet-exit`). */
  bfdByTier: Record<string, BfdTimers>;
}

export interface InternetExit {
  site: string;
  primary: string;
  standby: string;
  bandwidthMbps: number;
  /** Addresses reachable "on the internet side" of each exit, used by verification and the lab. */
  upstream: DualStack;
  /** Each exit's point-to-point hand-off to the upstream (the lab plays the upstream's side). */
  handoffs: ExitHandoff[];
  /** What guards each exit's upstream interface (network/exit-guard.ts); absent in hand-made topologies. */
  guards?: ExitGuard[];
}

/**
 * The guard on one exit's upstream interface: source NAT of the government IPv4 ranges, an inbound
 * filter that admits replies to sessions opened from inside and the declared public services only
 * (default-deny, both families), and uRPF. Rendered for VRP and, in the lab, as nftables.
 */
export interface ExitGuard {
  device: string;
  /** The upstream interface (`inet0`). */
  interface: string;
  urpf: 'strict' | 'loose';
  /** Absent: nothing is translated (no exit-policy data); NET-162 reports it. */
  nat?: ExitNat;
  /** What the internet may open, in order; everything else is dropped. */
  admit: GuardAdmit[];
}

interface ExitNat {
  /** Government IPv4 ranges translated on the way out. */
  inside: string[];
  /** The exit's public range (the upstream routes it to this exit). */
  publicRange: string;
  /** The source NAT pool: first and last address (a sub-range of publicRange). */
  poolFirst: string;
  poolLast: string;
}

/** One service the internet may open, in one family, at one exit. */
export interface GuardAdmit {
  /** The published service (`<cloud>/<name>`). */
  service: string;
  family: Family;
  protocol: 'tcp' | 'udp';
  port: number;
  /** Where the internet sends it: the public IPv4 address (static NAT) or the IPv6 VIP itself. */
  address: string;
  /** IPv4: the inside address the public one is translated to (the service's VIP). */
  inside?: string;
}

export interface ExitHandoff {
  device: string;
  interface: string;
  /** The exit's own address with length, e.g. `198.51.100.2/31`. */
  ipv4: string;
  ipv6: string;
  /** The upstream side's address (next hop of the exit's static default). */
  peerIpv4: string;
  peerIpv6: string;
}

/**
 * A pool routed at a site for something attached there (a cloud's provider network or tenant
 * aggregate): the site's first router holds its first address on a passive interface, so OSPF and
 * OSPFv3 carry it into the backbone exactly as a site LAN.
 */
export interface AttachedNetwork {
  /** IPAM ledger key (`cloud/provincial/provider`). */
  pool: string;
  /** `cloud:<id>` */
  owner: string;
  role: 'provider' | 'tenants';
  site: string;
  device: string;
  interface: string;
  prefixes: DualStack;
}

/** A service published to the extranet at a VIP (an Octavia load balancer's, per family). */
export interface PublishedService {
  /** `<cloud>/<name>` */
  id: string;
  owner: string;
  /** The cloud's kind (`provincial`, `city`, `industry`), for who must reach it. */
  cloudKind: string;
  name: string;
  protocol: 'HTTP' | 'HTTPS' | 'TCP';
  port: number;
  site: string;
  /** The router whose provider network holds the VIP. */
  device: string;
  /** Bare addresses (no length). */
  vip: DualStack;
  audience: { kind: 'province' } | { kind: 'city'; city: string };
}

export interface Topology {
  province: { id: string; name: string };
  sites: Site[];
  devices: Device[];
  links: Link[];
  tiers: Tier[];
  exit: InternetExit;
  /** Absent: configs carry no OSPF authentication and no BFD (hand-made topologies, older inventories). */
  ospfSecurity?: OspfSecurity;
  supernets: DualStack;
  /** Pools routed at sites for the clouds (absent or empty without clouds; hand-made topologies omit them). */
  attached?: AttachedNetwork[];
  services?: PublishedService[];
  /** QoS policies per tier (absent without inventory/qos.yaml). */
  qos?: QosPolicy[];
  /** Every attachment pool the IPAM gave out (provider networks, tenant aggregates and subnets, VIPs), by ledger key. */
  pools?: Record<string, DualStack>;
  /** The management plane per site level (management.yaml, network/management.ts); absent when the inventory declares none. */
  management?: ManagementPlan;
}
