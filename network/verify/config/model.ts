/**
 * The vendor-neutral config model: what a parser of any dialect (network/render/*-parse.ts) reads
 * out of one device's rendered or hand-edited config, and what the control-plane computation reads.
 * Every value keeps the line it came from, so a finding can name `file:line`. Addresses are kept as
 * fixed-width hex (network/verify/fast-ip.ts) with their prefix length: comparing and masking them
 * needs no BigInt on the hot path.
 *
 * Defaults a dialect applies when a line is absent (network type, timers, preferences) are filled in
 * by its parser, so the computation never asks which dialect a device speaks.
 */
import type { Family } from '../../types.js';
import type { ManagementFacts } from './management-model.js';

export type OspfVersion = 'v2' | 'v3';
export const OSPF_OF: Record<Family, OspfVersion> = { ipv4: 'v2', ipv6: 'v3' };

export interface ConfigAddress {
  /** Text as written (`10.0.0.1`, `2001:db8::1`). */
  address: string;
  /** Fixed-width hex of the address and of its network. */
  hex: string;
  networkHex: string;
  length: number;
  line: number;
}

export interface OspfInterface {
  area: string;
  /** Line that puts the interface in its area (`ip ospf area`, a VRP `network` statement, …). */
  areaLine: number;
  cost?: number;
  networkType: 'point-to-point' | 'broadcast' | 'loopback';
  passive: boolean;
  passiveLine?: number;
  helloSeconds: number;
  deadSeconds: number;
  /** Authentication as a comparable token (`none`, `md5:1`, …); keys themselves are never kept. */
  auth: string;
  /** Cryptographic authentication with its key ids (network/verify/config/auth.ts decides adjacency on it). */
  authentication?: OspfAuth;
  /** BFD registered for this version's neighbours on the interface. */
  bfd?: OspfBfd;
}

/** One authentication key as the verifier compares it: its id and a reference, never its value. */
export interface OspfAuthKey {
  id: number;
  /** `ref:<secret path>` for a `{{secret:…}}` reference, `fp:<fingerprint>` for a literal key. */
  ref: string;
}

export interface OspfAuth {
  /** `md5` (OSPFv2 keyed MD5), `hmac-sha-256` (OSPFv3 trailer, RFC 7166), … */
  type: string;
  /** Every key a received packet may carry and still be accepted. */
  accept: OspfAuthKey[];
  /** The key packets are sent with; absent when none is usable (nothing this end sends is accepted). */
  send?: OspfAuthKey;
  line: number;
}

export interface OspfBfd {
  minTxMs: number;
  minRxMs: number;
  multiplier: number;
  /** FRR: the bfdd profile the timers come from. */
  profile?: string;
  line: number;
}

export interface ConfigInterface {
  /** Name as the config writes it (VRP port names included). */
  name: string;
  line: number;
  description?: string;
  shutdown: boolean;
  /** The admin state as the config states it (`shutdown` / `undo shutdown`, FRR `no shutdown`); absent: the port's default. */
  adminStated?: { shutdown: boolean; line: number };
  mtu: number;
  ipv4?: ConfigAddress;
  ipv6: ConfigAddress[];
  /** VRP needs `ipv6 enable` before an interface forwards or runs OSPFv3; FRR has no such switch. */
  ipv6Enabled: boolean;
  ospf: Partial<Record<OspfVersion, OspfInterface>>;
  loopback: boolean;
}

export interface DefaultOrigination {
  /** `always`: originate whether or not the device holds a default of its own. */
  always: boolean;
  metric: number;
  metricType: 1 | 2;
  line: number;
  /**
   * FRR `default-information originate … route-map M`: M's `match interface` names. The default is
   * originated only while the device's own default leaves through one of them (ospf6d 8.4 would
   * otherwise count the default it learned over OSPFv3 as its own, and the standby never takes over).
   */
  routeMap?: { name: string; matchInterfaces?: string[] };
}

export interface OspfProcess {
  line: number;
  routerId?: string;
  routerIdLine?: number;
  defaultOriginate?: DefaultOrigination;
  redistribute: Array<{ protocol: string; line: number }>;
}

export interface StaticRoute {
  family: Family;
  networkHex: string;
  length: number;
  /** Prefix as written, for messages. */
  prefix: string;
  nextHop?: string;
  nextHopHex?: string;
  interface?: string;
  line: number;
}

/** Administrative distance (FRR) or preference (VRP) per route source: lower wins. */
export interface RoutePreferences {
  connected: number;
  static: number;
  ospfInternal: number;
  ospfExternal: number;
}

/**
 * How a dialect's implementation behaves where it departs from the standard, as far as routing
 * follows from it. Filled in by the dialect's parser (frr-parse.ts, vrp-parse.ts); absent: RFC behaviour.
 */
export interface DialectBehaviour {
  /**
   * OSPFv3 installs the next hops of only one ABR's path for a route it reaches at equal cost
   * through several ABRs (inter-area routes, and externals whose ASBR is inter-area). FRR 8.4's
   * ospf6d does: each ABR's inter-area LSA replaces the route's next hops instead of adding to them
   * (FRRouting/frr#15777, fixed by #15899 in 10.1), so which ABR wins depends on the order the LSAs
   * were processed — the configs do not decide it. The verifier then knows the set of paths one of
   * which is installed, not which.
   */
  ospfv3SingleAbrPath?: boolean;
  /**
   * OSPFv3 may install a non-empty subset of a route's equal-cost next hops. FRR 8.4's ospf6d does,
   * seen on the lab: a county r2 installs one of two equal-cost intra-area paths towards the
   * province core (via its own uplink, not via the peer); the configs do not decide which. The
   * differential check (compare.ts) accepts such a subset at the same cost, and lists it.
   */
  ospfv3EcmpSubset?: boolean;
}

export interface ParseFinding {
  id: string;
  line: number;
  message: string;
}

export interface ParsedConfig {
  dialect: string;
  hostname?: string;
  hostnameLine?: number;
  interfaces: ConfigInterface[];
  ospf: Partial<Record<OspfVersion, OspfProcess>>;
  statics: StaticRoute[];
  /** Route maps by name (FRR): only `match interface` is modelled. */
  routeMaps?: Map<string, { line: number; matchInterfaces: string[] }>;
  preferences: RoutePreferences;
  behaviour?: DialectBehaviour;
  /** ACLs, NAT and uRPF (the guarded exit; VRP): see ExitGuardConfig. */
  guard?: ExitGuardConfig;
  /** VRRP groups per interface and family (network/render/vrrp-parse.ts). */
  vrrp?: VrrpConfig[];
  /** MQC QoS: classifiers, behaviors, policies and where they apply (VRP; network/render/qos-parse.ts). */
  qos?: QosConfig;
  /** The management plane (NTP, syslog, AAA, SSH/VTY, SNMP, ACLs): VRP statements, or an FRR device's host files. */
  management?: ManagementFacts;
  /** Lines not understood, malformed values: every one is reported, none is skipped silently. */
  findings: ParseFinding[];
}

/** An address match of an ACL rule: the bits of `network` that `care` marks must equal the packet's. */
export interface AclMatch {
  network: bigint;
  care: bigint;
  text: string;
}

export interface AclRule {
  line: number;
  id: number;
  action: 'permit' | 'deny';
  /** `ip`/`ipv6` match every protocol. */
  protocol: 'ip' | 'tcp' | 'udp' | 'icmp';
  source?: AclMatch;
  destination?: AclMatch;
  destinationPort?: number;
  /** `tcp-flag established`: only segments with ACK or RST (replies), never a connection's SYN. */
  established?: boolean;
  icmpType?: string;
}

export interface ConfigAcl {
  family: Family;
  number: string;
  line: number;
  rules: AclRule[];
}

/** What one interface applies: inbound filters, uRPF and NAT, per family. */
export interface InterfaceGuard {
  inbound: Partial<Record<Family, { acl: string; line: number }>>;
  urpf: Partial<Record<Family, { mode: 'strict' | 'loose'; allowDefault: boolean; line: number }>>;
  natOutbound: Array<{ acl: string; group: string; line: number }>;
  natServers: Array<{ protocol: 'tcp' | 'udp'; global: string; globalPort: number; inside: string; insidePort: number; line: number }>;
}

export interface ExitGuardConfig {
  /** Keyed `ipv4:3101`, `ipv6:3102` (VRP numbers IPv4 and IPv6 ACLs apart). */
  acls: Map<string, ConfigAcl>;
  natGroups: Map<string, { first: string; last: string; line: number }>;
  interfaces: Map<string, InterfaceGuard>;
}

/** One VRRP virtual router of one family on one interface (FRR configures both families per id). */
export interface VrrpConfig {
  /** Interface as the config names it. */
  interface: string;
  vrid: number;
  family: Family;
  version: 2 | 3;
  /** 100 when not configured (RFC 5798). */
  priority: number;
  preempt: boolean;
  shutdown: boolean;
  advertisementMs: number;
  /** Virtual addresses as written (global ones; an IPv6 link-local one is `linkLocal`). */
  virtual: string[];
  linkLocal?: string;
  /** Interfaces whose loss lowers the priority (VRP `track interface … reduced …`). */
  track: Array<{ interface: string; reduce: number; line: number }>;
  line: number;
}

export interface QosConfig {
  classifiers: Map<string, { dscp: number[]; operator: 'and' | 'or'; line: number }>;
  behaviors: Map<string, { queue?: 'ef' | 'af' | 'wfq'; percent?: number; line: number }>;
  policies: Map<string, { entries: Array<{ classifier: string; behavior: string; line: number }>; line: number }>;
  /** `traffic-policy P inbound|outbound` per interface. */
  applied: Array<{ interface: string; policy: string; direction: 'inbound' | 'outbound'; line: number }>;
  /** `qos gts cir KBPS` per interface. */
  shaping: Array<{ interface: string; kbps: number; line: number }>;
}
