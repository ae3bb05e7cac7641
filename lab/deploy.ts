/**
 * `stacks deploy --target lab`: bring the lab up, then push every device's rendered config the
 * NAPALM way — load candidate, compare with running, commit with a confirm timer, post-checks,
 * confirm or roll back. Devices go province-first down the site tree, `parallel` at a time.
 */
import { join } from 'node:path';
import type { ScopedTopology } from './scope.js';
import { labPaths, checkLabId, DEFAULT_LAB_ID } from './names.js';
import { acquireLock } from './lock.js';
import { emptyState, readState, StateStore, type LabState } from './state.js';
import { preflight } from './preflight.js';
import { assertMgmtBlockFree } from './mgmt-clash.js';
import { bringUp } from './up.js';
import { configHash, deployLevels, labRenderer, loadLabModel, type ConfigRenderer } from './model.js';
import { redactSecretValues, type SecretStore } from '../lib/secret-refs.js';
import { readKeyring } from '../lib/ospf-keyring-file.js';
import { pushDevice, type DeviceOutcome, type PushContext } from './push.js';
import { pushFreshBatch } from './push-fresh.js';
import { mapLimit } from '../lib/map-limit.js';
import { DEFAULT_RATE_SCALE } from './wiring.js';
import { waitConverged, type Convergence } from './converge.js';
import { removeOutOfScope } from './destroy.js';
import { assertCandidatesParse, resolveConfigs } from '../targets/candidates.js';
import { pushAtomic, type StageReport } from './atomic.js';

export interface LabOptions {
  stateDir: string;
  inventoryDir: string;
  lab?: string;
  /** `--scope` text; absent: the scope recorded by the last deploy, else the default scope. */
  scope?: string;
}

type DeployEvent = { kind: 'phase'; phase: string } | { kind: 'device'; device: string; step: string; done?: boolean; total: number };

export interface DeployOptions extends LabOptions {
  parallel?: number;
  rateScale?: number;
  v2c?: boolean;
  /** Send linkDown/linkUp traps to this UDP port on the host side of each device's management link; 0 turns them off. */
  trapSinkPort?: number;
  confirmSeconds?: number;
  checkTimeoutMs?: number;
  /** Compare with each device's running config even when the state says it is current. */
  refresh?: boolean;
  render?: ConfigRenderer;
  /** Change a device's candidate before it is pushed (tests use it to break a device on purpose). */
  candidateOverride?: (device: string, config: string) => string;
  onEvent?: (e: DeployEvent) => void;
  signal?: AbortSignal;
  /** Wait until every loopback answers from every device over both families (default true). */
  waitConvergence?: boolean;
  /** Network-wide transaction over the changed devices (atomic.ts): confirm all or roll back all. */
  atomic?: boolean;
  /** With atomic: the first N changed devices form a first stage. */
  canary?: number;
  /** With atomic: one stage per level of the site tree. */
  stageBy?: 'level';
  /** With atomic: the devices of a stage apply their change at one instant (lab/atomic.ts). */
  together?: boolean;
  /** With atomic: the config verifier's gate before any commit (default on; lab/atomic-config-gate.ts). */
  configGate?: boolean;
}

export interface DeployResult {
  lab: string;
  devices: number;
  changed: number;
  unchanged: number;
  rolledBack: number;
  failed: number;
  interrupted: boolean;
  outcomes: DeviceOutcome[];
  convergence?: Convergence;
  /** With --atomic: each stage of the transaction, in order (the first failed one ends it). */
  stages?: StageReport[];
  seconds: number;
  /** Seconds spent in each phase, in order: where a slow deploy spends its time. */
  phases: Array<{ phase: string; seconds: number }>;
}

export async function openLab(
  opts: LabOptions,
): Promise<{ lab: string; paths: ReturnType<typeof labPaths>; state: LabState | undefined; scoped: ScopedTopology }> {
  const lab = checkLabId(opts.lab ?? DEFAULT_LAB_ID);
  const paths = labPaths(opts.stateDir, lab);
  const state = await readState(paths.state);
  const scoped = await loadLabModel(opts.inventoryDir, opts.scope ?? state?.scope, paths.model);
  return { lab, paths, state, scoped };
}

/**
 * The configs the devices of the scope run: rendered with the state's OSPF keyring, then with the
 * {{secret:…}} references resolved (values generated on first need, the store sealed first). The
 * deploy pushes these; `stacks dr drill --deploy` loads them at daemon start.
 */
export function renderForDevices(
  opts: Pick<DeployOptions, 'stateDir' | 'render' | 'candidateOverride'>,
  lab: string,
  scoped: ScopedTopology,
): { secrets: SecretStore; resolved: Map<string, string>; rendered: Map<string, string> } {
  const render = opts.render ?? labRenderer(readKeyring(opts.stateDir));
  const rendered = scoped.devices.map((d) => {
    const text = render(scoped.topology, d.id);
    return { device: d.id, where: `${lab}/${d.id}`, text: opts.candidateOverride ? opts.candidateOverride(d.id, text) : text };
  });
  return { ...resolveConfigs(opts.stateDir, rendered), rendered: new Map(rendered.map((r) => [r.device, r.text])) };
}

/**
 * The state records each device's config with its secret references (as the synthesized tree holds
 * it) and the hash of what the device runs, values in: a changed secret is a change, and no value
 * is ever written to the state. A state an older version wrote with the values in is converted here:
 * a device still running what is rendered now gets the references; any other recorded value is
 * redacted (that config is only ever shown as a diff).
 */
function recordReferences(state: LabState, rendered: Map<string, string>, resolved: Map<string, string>, values: string[]): void {
  for (const [id, d] of Object.entries(state.devices)) {
    if (d.config === undefined || !values.some((v) => d.config!.includes(v))) continue;
    const now = resolved.get(id);
    d.config = now !== undefined && d.configHash === configHash(now) ? rendered.get(id)! : redactSecretValues(d.config, values);
  }
}

/**
 * One deploy per lab at a time: the lock is taken before anything is read, generated or sealed, so a
 * deploy refused because another one runs touches neither the state nor the secret store.
 */
export async function deployLab(opts: DeployOptions): Promise<DeployResult> {
  const lock = acquireLock(labPaths(opts.stateDir, checkLabId(opts.lab ?? DEFAULT_LAB_ID)).lock, 'deploy');
  try {
    return await deployLocked(opts);
  } finally {
    lock.release();
  }
}

async function deployLocked(opts: DeployOptions): Promise<DeployResult> {
  const started = Date.now();
  const { lab, paths, state: previous, scoped } = await openLab(opts);
  const parallel = Math.max(1, opts.parallel ?? 4);
  const { secrets, resolved, rendered } = renderForDevices(opts, lab, scoped);
  // What the deploy reports (diffs of key lines) names no value.
  const redact = (lines: string[]) => lines.map((l) => redactSecretValues(l, secrets.allValues()));
  const candidate = (id: string) => resolved.get(id)!;
  // Every config this deploy would push must parse in FRR before anything on the lab changes.
  const toPush = scoped.devices
    .map((d) => ({ device: d.id, text: candidate(d.id) }))
    .filter((c) => {
      const prev = previous?.devices[c.device];
      return opts.refresh || prev?.phase !== 'confirmed' || prev.configHash !== configHash(c.text);
    });
  await assertCandidatesParse(
    toPush.map((c) => ({ ...c, file: join(paths.device(c.device).etc, 'candidate.conf') })),
    secrets,
  );
  const running = previous ? Object.keys(previous.devices).filter((d) => scoped.devices.some((x) => x.id === d)).length : 0;
  await preflight(scoped.devices.length, running);
  await assertMgmtBlockFree(lab);
  const state = previous ?? emptyState(lab, opts.inventoryDir, opts.scope ?? '', opts.rateScale ?? DEFAULT_RATE_SCALE, opts.v2c ?? false);
  state.inventory = opts.inventoryDir;
  if (opts.scope !== undefined) state.scope = opts.scope;
  if (opts.rateScale !== undefined) state.rateScale = opts.rateScale;
  if (opts.v2c !== undefined) state.v2c = opts.v2c;
  if (opts.trapSinkPort !== undefined) state.trapSinkPort = opts.trapSinkPort || undefined;
  recordReferences(state, rendered, resolved, secrets.allValues());
  const store = new StateStore(paths.state, state);
  const onEvent = opts.onEvent ?? (() => undefined);
  const phases: DeployResult['phases'] = [];
  let phaseStarted = started;
  const emit = (e: DeployEvent) => {
    if (e.kind === 'phase') {
      const now = Date.now();
      const open = phases.at(-1);
      if (open) open.seconds = (now - phaseStarted) / 1000;
      phases.push({ phase: e.phase, seconds: 0 });
      phaseStarted = now;
    }
    onEvent(e);
  };

  // Rendering, the candidates' parse check, preflight and the management-block check come before
  // the first phase event: counted as a phase of their own, so the phases add up to the total.
  phases.push({ phase: 'prepare', seconds: 0 });
  emit({ kind: 'phase', phase: 'realize' });
  await removeOutOfScope(store, scoped, paths);
  const { runtimes, privateKey } = await bringUp(scoped, store, {
    lab,
    stateDir: opts.stateDir,
    parallel,
    onPhase: (phase) => emit({ kind: 'phase', phase }),
  });

  const ctx: PushContext = {
    scoped,
    store,
    privateKey,
    confirmSeconds: opts.confirmSeconds ?? 180,
    checkTimeoutMs: opts.checkTimeoutMs ?? 30_000,
    refresh: opts.refresh ?? false,
    candidate,
    recorded: (id) => rendered.get(id)!,
    hash: configHash,
    emit: (device, step, done) => emit({ kind: 'device', device, step, done, total: scoped.devices.length }),
  };
  // Devices with nothing confirmed yet go as one batch; the others one at a time, tree order.
  const fresh = runtimes.filter((r) => state.devices[r.device]?.phase === 'realized' && !state.devices[r.device]?.pending && !opts.refresh);
  // Fresh devices mostly wait (on SSH, vtysh, convergence): push them twice as wide.
  const outcomes: DeviceOutcome[] = await pushFreshBatch(ctx, fresh, parallel * 2, opts.signal, (phase) => emit({ kind: 'phase', phase }));
  emit({ kind: 'phase', phase: 'push-changes' });
  const freshIds = new Set(fresh.map((r) => r.device));
  let interrupted = opts.signal?.aborted ?? false;
  let stages: StageReport[] | undefined;
  if (opts.atomic && !interrupted) {
    const rest = runtimes.filter((r) => !freshIds.has(r.device));
    const tx = await pushAtomic(
      ctx,
      rest,
      { canary: opts.canary, stageBy: opts.stageBy, parallel, together: opts.together, configGate: opts.configGate },
      (phase) => emit({ kind: 'phase', phase }),
    );
    outcomes.push(...tx.outcomes);
    stages = tx.stages;
  }
  for (const all of opts.atomic ? [] : deployLevels(scoped)) {
    const level = all.filter((id) => !freshIds.has(id));
    if (opts.signal?.aborted) {
      interrupted = true;
      break;
    }
    const results = await mapLimit(level, parallel, async (id) => {
      if (opts.signal?.aborted) return undefined;
      return pushDevice(ctx, runtimes.find((r) => r.device === id)!);
    });
    for (const r of results) if (r) outcomes.push(r);
    if (results.some((r) => !r)) interrupted = true;
  }
  await store.flush();

  let convergence: Convergence | undefined;
  // Nothing changed: the lab is as the last deploy left it (`stacks verify --target lab` probes it).
  const changedAny = outcomes.some((o) => o.action !== 'unchanged');
  if (!interrupted && changedAny && opts.waitConvergence !== false) {
    emit({ kind: 'phase', phase: 'converge' });
    convergence = await waitConverged(scoped, store.state, { timeoutMs: opts.checkTimeoutMs ?? 30_000 });
  }
  emit({ kind: 'phase', phase: 'done' });
  phases.pop();
  const count = (a: DeviceOutcome['action']) => outcomes.filter((o) => o.action === a).length;
  return {
    lab,
    devices: scoped.devices.length,
    changed: count('changed'),
    unchanged: count('unchanged'),
    rolledBack: count('rolled-back'),
    failed: count('failed'),
    interrupted,
    outcomes: outcomes.map((o) => (o.diff ? { ...o, diff: { remove: redact(o.diff.remove), add: redact(o.diff.add) } } : o)),
    convergence,
    stages,
    seconds: (Date.now() - started) / 1000,
    phases: phases.filter((p) => p.seconds >= 0.05),
  };
}
