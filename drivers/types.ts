/**
 * One interface for every device platform, modelled on NAPALM's base driver (napalm/base/base.py):
 * facts and getters, then the configuration cycle — load a candidate (replace or merge), compare it
 * with what runs, commit with a revert timer, confirm, or roll back. A target (the lab, SSH to real
 * routers) owns the transport; a driver owns what is said over it. Drivers are found by the device's
 * `platform` (drivers/registry.ts).
 *
 * Invariants every driver keeps:
 * - A commit with a revert timer is undone by the device itself when no confirm arrives (the
 *   deployer may die); the timer and a confirm never both win (who claims the timer first owns it).
 * - `compare` and `getConfig('startup')` read the device, never the deployer's state.
 * - A commit changes only what differs from the running config: untouched adjacencies stay up.
 */

/** How a driver reaches its device: one command, optional stdin, exit code and output back. */
export interface DeviceShell {
  readonly device: string;
  exec(command: string, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }>;
}

export interface ConfigDiff {
  remove: string[];
  add: string[];
}

export interface DeviceFacts {
  hostname: string;
  vendor: string;
  model: string;
  osVersion: string;
  /** Seconds since the routing software started. */
  uptimeSeconds: number;
  interfaces: string[];
}

export interface InterfaceInfo {
  name: string;
  up: boolean;
  mtu: number;
  mac?: string;
  addresses: string[];
}

export interface OspfNeighbour {
  family: 'ipv4' | 'ipv6';
  routerId: string;
  interface: string;
  state: string;
  /** Seconds the adjacency has been in its current state (Full: its uptime). */
  uptimeSeconds: number;
}

export interface BfdPeer {
  peer: string;
  interface?: string;
  status: string;
  uptimeSeconds: number;
}

export interface VrrpGroup {
  interface: string;
  vrid: number;
  family: 'ipv4' | 'ipv6';
  state: string;
  priority: number;
}

export type ConfigKind = 'running' | 'startup' | 'candidate';

export interface CommitOptions {
  /** Seconds until the device reverts on its own unless confirmed. */
  revertInSeconds: number;
  /**
   * Apply the change at this wall-clock instant (epoch ms), not before: devices given the same
   * instant change together (an OSPFv2 key switch, which FRR 8.4 neighbours must take within one
   * dead interval of each other). Everything else of the commit is done first; a device reached
   * after the instant applies at once.
   */
  at?: number;
}

export interface CommitReport {
  /** `incremental`: only the difference was applied; `replace`: the daemons were restarted on the new config. */
  method: 'incremental' | 'replace' | 'initial';
  seconds: number;
  /** With `at`: when the device began applying (epoch ms, its own clock). */
  appliedAt?: number;
  /** With `at`, an incremental commit: how long its vtysh pass took (ms). */
  applyMs?: number;
}

export interface ConfigDriver {
  readonly platform: string;
  readonly device: string;
  getFacts(): Promise<DeviceFacts>;
  getConfig(kind: ConfigKind): Promise<string>;
  /** The candidate replaces the whole configuration on commit. */
  loadReplaceCandidate(config: string): Promise<void>;
  /** The candidate's lines are added to the running configuration on commit. */
  loadMergeCandidate(config: string): Promise<void>;
  discardConfig(): Promise<void>;
  /** The loaded candidate against the committed configuration. */
  compareConfig(): Promise<ConfigDiff>;
  /**
   * The platform commands that would bring what runs now to `intended` (empty: it runs exactly
   * that): hand edits since the last confirm, then intent the device has not committed. Leaves any
   * loaded candidate alone; `stacks drift` reads it.
   */
  compareRunning(intended: string): Promise<string[]>;
  /** Apply the candidate and arm the revert timer. */
  commitConfig(opts: CommitOptions): Promise<CommitReport>;
  /** Claim the revert timer and make the candidate the committed config; refused when the timer already fired. */
  confirmCommit(): Promise<void>;
  /** Disarm any timer and restore the configuration committed before the last commit. */
  rollback(): Promise<void>;
  hasPendingCommit(): Promise<boolean>;
  getInterfaces(): Promise<InterfaceInfo[]>;
  getOspfNeighbours(): Promise<OspfNeighbour[]>;
  getBfdPeers(): Promise<BfdPeer[]>;
  getVrrpGroups(): Promise<VrrpGroup[]>;
  /** Run a command on the device (checks use it for ping). */
  exec(command: string, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }>;
}
