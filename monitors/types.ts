/**
 * Plain data shared by the monitoring modules: what is polled, what a poll returns, what a fault is.
 * No I/O here; the poller, trap receiver, probes and stores produce and consume these shapes.
 */

/** SNMPv3 authPriv is the default; v2c only when a target asks for it. */
export type SnmpCredentials =
  | {
      version: 'v3';
      user: string;
      authProtocol: 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
      authKey: string;
      privProtocol: 'des' | 'aes' | 'aes256b' | 'aes256r';
      privKey: string;
    }
  | { version: 'v2c'; community: string };

/** What the monitor knows about one interface from the model: the link it terminates and its rate. */
export interface InterfaceBinding {
  link: string;
  tier: string;
  bandwidthMbps: number;
}

/** Where a device sits, for labels (drill-down per city and per level). */
export interface Placement {
  site: string;
  city: string;
  level: string;
}

export interface PollTarget {
  device: string;
  address: string;
  port: number;
  credentials: SnmpCredentials;
  placement?: Placement;
  /** Interface name → link binding; interfaces without one are polled but raise no link faults. */
  interfaces?: Record<string, InterfaceBinding>;
}

export interface PlatformTarget {
  /** Cloud platform id, e.g. `provincial`, `xian`. */
  id: string;
  kind: 'http' | 'tcp';
  /** `http://127.0.0.1:8080/healthz` for http; `127.0.0.1:6443` for tcp. */
  url: string;
  timeoutMs?: number;
}

export interface InterfaceSample {
  ifIndex: number;
  name: string;
  adminUp: boolean;
  operUp: boolean;
  inOctets: bigint;
  outOctets: bigint;
  inErrors: bigint;
  outErrors: bigint;
}

export interface DeviceSample {
  device: string;
  /** Wall-clock ms when the answer arrived. */
  at: number;
  /**
   * Wall-clock ms when the walk was sent: the state it reports may be that old, so a trap that
   * arrived after this time is newer news than the sample. Absent for synthetic samples.
   */
  requestedAt?: number;
  /** sysUpTime in hundredths of a second (TimeTicks). */
  sysUpTime: number;
  interfaces: InterfaceSample[];
}

export type PollOutcome =
  | { ok: true; sample: DeviceSample }
  | { ok: false; device: string; at: number; reason: 'timeout' | 'invalid' | 'error'; message: string };

export type FaultKind = 'device-unreachable' | 'link-down' | 'platform-down' | 'security';

/** Kinds that count as "network and platform faults" for indicator 13 and as downtime for uptime. */
export const OUTAGE_KINDS: readonly FaultKind[] = ['device-unreachable', 'link-down', 'platform-down'];

/**
 * Where a fault is in its life (Zabbix problem + acknowledgement, an ITSM ticket):
 * open → acknowledged → assigned → resolved → closed. "cleared" is the condition going away by
 * itself before anyone resolved it; a fault of an auto-resolving kind is resolved (and closed) at
 * the moment it clears. Derived from the timestamps, never stored on its own.
 */
export type FaultState = 'open' | 'acknowledged' | 'assigned' | 'cleared' | 'resolved' | 'closed';

export interface Fault {
  id: number;
  /** `device:xian-r1`, `link:xian-r1--xian.yanta-r1`, `platform:provincial`. */
  object: string;
  kind: FaultKind;
  state: FaultState;
  openedAt: number;
  /** When the condition went away (the link came back): the end of the outage. Null while it holds. */
  clearedAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  assignedAt: number | null;
  assignedTo: string | null;
  assignedBy: string | null;
  /** When the fault was fixed: by an operator, or at clear time for auto-resolving kinds. */
  resolvedAt: number | null;
  resolvedBy: string | null;
  resolution: string | null;
  cause: string | null;
  closedAt: number | null;
  closedBy: string | null;
  /** The object bounced (N changes in M minutes): one fault, never resolved by itself. */
  flapping: boolean;
  /** Outage length: clearedAt - openedAt in ms; null while the condition holds. */
  durationMs: number | null;
  detail: string | null;
}
