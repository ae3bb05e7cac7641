/**
 * Where the network is deployed: one interface for every target (the lab on this host, routers over
 * SSH, …), as containerlab's runtimes or netlab's providers offer one lifecycle. A target owns its
 * transport and state; the device-level work goes through a config driver (drivers/).
 *
 * A new target is one folder and one line in targets/registry.ts.
 */
import type { Inventory } from '../inventory/load.js';
import type { Topology } from '../network/types.js';
import type { VerifyOptions } from '../network/verify/index.js';
import type { VerificationReport } from '../network/verify/report.js';
import type { SnmpCredentials } from '../monitors/types.js';

/** Which deployment of a target: for the lab, the lab id (`--lab`, `STACKS_LAB`). */
export interface TargetContext {
  stateDir: string;
  inventoryDir: string;
  /** The target's instance (lab id); resolved once by `targetInstance`. */
  instance: string;
  /** `--scope` text: which part of the topology (absent: what the last deploy used, else the default). */
  scope?: string;
  /** Texts rendered for a person say more (`-v`). */
  verbose?: boolean;
}

interface DevicePlanLine {
  device: string;
  action: 'create' | 'update' | 'delete' | 'no-op';
  diff: string[];
  added: number;
  removed: number;
}

export interface TargetPlan {
  target: string;
  instance: string;
  deployed: boolean;
  devices: DevicePlanLine[];
  summary: { create: number; update: number; delete: number; noop: number };
  text: string;
}

export type ApplyEvent = { kind: 'phase'; phase: string } | { kind: 'device'; device: string; step: string; done?: boolean; total: number };

export interface ApplyOptions {
  parallel?: number;
  confirmSeconds?: number;
  checkTimeoutMs?: number;
  refresh?: boolean;
  /** Network-wide transaction: commit every changed device, check the whole network, confirm all or roll back all. */
  atomic?: boolean;
  /** With atomic: the first N changed devices form a first stage. */
  canary?: number;
  /** With atomic: one stage per level of the site tree (province first). */
  stageBy?: 'level';
  signal?: AbortSignal;
  onEvent?: (e: ApplyEvent) => void;
  /** Options only one target understands (the lab's rate scale, traps, v2c), as given on the command line. */
  targetOptions?: Record<string, string | number | boolean | undefined>;
}

export interface ApplyOutcome {
  device: string;
  action: 'unchanged' | 'changed' | 'rolled-back' | 'failed';
  reason?: string;
  /** The config difference committed (hashed into the audit trail). */
  diff?: { remove: string[]; add: string[] };
  seconds: number;
}

export interface ApplyResult {
  target: string;
  instance: string;
  devices: number;
  changed: number;
  unchanged: number;
  rolledBack: number;
  failed: number;
  interrupted: boolean;
  outcomes: ApplyOutcome[];
  seconds: number;
  /** The target's own report (the lab's phases and convergence), rendered by `render`. */
  text: string;
  ok: boolean;
}

interface DestroyReport {
  target: string;
  instance: string;
  text: string;
  seconds: number;
  detail?: unknown;
}

interface TargetVerifyContext {
  inventory: Inventory;
  topology: Topology;
  options: VerifyOptions;
  stateDir: string;
  instance: string;
  /** `--compare`: check the running routers' RIBs against those computed from their configs. */
  compare?: boolean;
}

interface SnmpEndpoint {
  device: string;
  hostname: string;
  site: string;
  address: string;
  port: number;
}

interface TargetStatus {
  target: string;
  instance: string;
  deployed: boolean;
  healthy: boolean;
  text: string;
  detail: unknown;
}

/** One deployed device's running config against the rendered intent, as its driver compares them. */
export interface DeviceDrift {
  device: string;
  platform: string;
  /** Commands that would bring the running config back to the intent (empty: no drift). */
  commands: string[];
  /** The device could not be read (unreachable, refused): named, not counted as drift. */
  error?: string;
}

/** One address:port a target's devices send traps to. */
export interface TrapSink {
  address: string;
  port: number;
}

export interface Target {
  readonly name: string;
  plan(ctx: TargetContext): Promise<TargetPlan>;
  apply(ctx: TargetContext, opts: ApplyOptions): Promise<ApplyResult>;
  destroy(ctx: TargetContext): Promise<DestroyReport>;
  verify(ctx: TargetVerifyContext): Promise<VerificationReport>;
  status(ctx: TargetContext): Promise<TargetStatus>;
  /**
   * What the monitoring daemon polls (absent: not deployed): the endpoints, the SNMPv3 credentials
   * of each device as its rendered agent config states them (keys resolved from the secret store),
   * and the file holding the target's own secrets (its v2c community, when it has one).
   */
  snmpTargets(ctx: TargetContext): Promise<
    | {
        targets: SnmpEndpoint[];
        credentials?: ReadonlyMap<string, SnmpCredentials>;
        secretsFile?: string;
        inventoryDir?: string;
        /** Where the deployed devices send their traps: the daemon listens on each, unless told otherwise. */
        trapSinks?: readonly TrapSink[];
      }
    | undefined
  >;
  /** Every deployed device's running config against the rendered intent, read through its driver. */
  drift(ctx: TargetContext): Promise<DeviceDrift[]>;
}
