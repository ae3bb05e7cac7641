/**
 * The lab's deployed state: one JSON file per lab, replaced atomically (temp file + rename) after
 * every step of a deploy, so it doubles as the deploy's journal.
 *
 * Why a JSON file and not SQLite: one writer at a time (the deploy lock guarantees it), a few dozen
 * small records, written a few times per device; a reader (plan, status, the monitoring daemon's
 * target list) wants the whole thing at once; and a person debugging a broken lab can read it with
 * `cat`. Atomic rename gives the crash safety that matters here; SQLite would add a native module
 * on the hot path of every lab command for no query we need.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { PRIVATE, writeFileAtomically } from '../lib/files.js';
import { runtimeError } from '../lib/errors.js';

type DevicePhase = 'realized' | 'committing' | 'confirmed' | 'rolled-back';

interface DeviceState {
  ns: string;
  site: string;
  hostname: string;
  mgmt: { slot: number; host: string; device: string };
  /** The device's SSH host key (`ssh-ed25519 AAAA…`), pinned when it was generated. */
  hostKey: string;
  phase: DevicePhase;
  /** The config last confirmed on the device, with its `{{secret:…}}` references (never their values). */
  config?: string;
  /** Hash of what the device runs (values in): a changed secret is a change. */
  configHash?: string;
  /** A commit in flight (journal): the candidate's hash and when it started. */
  pending?: { hash: string; startedAt: string };
  lastError?: string;
}

export interface LabState {
  version: 1;
  lab: string;
  inventory: string;
  scope: string;
  rateScale: number;
  /** The rate scale the links are shaped with now (differs from `rateScale` until re-shaped). */
  shapedScale?: number;
  /** Fingerprint of the QoS policies the tiered circuits are shaped with (lab/host/qos.ts); re-shaped when it differs. */
  shapedQos?: string;
  /**
   * Per exit, the hashes of its guard's rendered nftables ruleset and of its tables as they ran right
   * after the last apply (lab/host/exit-guard.ts): equal to both, a deploy leaves the guard and its counters alone.
   */
  exitGuards?: Record<string, { rendered: string; running: string }>;
  v2c: boolean;
  /** UDP port of a trap receiver on the host side of each device's management link (`--trap-sink`); absent: no traps. */
  trapSinkPort?: number;
  slots: Record<string, number>;
  devices: Record<string, DeviceState>;
  /** Held down by `stacks lab fault`: link ids and device ids. */
  faults: { links: string[]; devices: string[] };
  updatedAt: string;
}

export function emptyState(lab: string, inventory: string, scope: string, rateScale: number, v2c: boolean): LabState {
  return { version: 1, lab, inventory, scope, rateScale, v2c, slots: {}, devices: {}, faults: { links: [], devices: [] }, updatedAt: new Date().toISOString() };
}

export async function readState(file: string): Promise<LabState | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(await readFile(file, 'utf8')) as LabState;
    if (s.version !== 1) throw new Error(`unknown state version ${String(s.version)}`);
    return s;
  } catch (cause) {
    throw runtimeError('E_LAB_STATE', `cannot read lab state ${file}: ${(cause as Error).message}`, 'run `stacks destroy --target lab` to start over', cause);
  }
}

/** Serialises writes: parallel device workers update one state object and persist in order. */
export class StateStore {
  private chain: Promise<void> = Promise.resolve();
  constructor(
    readonly file: string,
    readonly state: LabState,
  ) {}

  update(fn: (s: LabState) => void): Promise<void> {
    fn(this.state);
    this.state.updatedAt = new Date().toISOString();
    const snapshot = JSON.stringify(this.state, null, 2) + '\n';
    this.chain = this.chain.then(() => writeFileAtomically(this.file, snapshot, PRIVATE));
    return this.chain;
  }

  flush(): Promise<void> {
    return this.chain;
  }
}
