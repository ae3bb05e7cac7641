/**
 * `stacks secrets rotate ospf [--area A]`: a new OSPF key for each area (both families) rolled onto
 * the running lab without dropping an adjacency. The roll is the keyring's three steps
 * (network/ospf-keyring.ts: accept the new key, send it, remove the old one); after each step the
 * keyring is saved and every device of the lab gets its difference through the ordinary deploy
 * (incremental vtysh commit with a confirm timer and neighbour post-checks), so a step starts only
 * once every router of the area holds the one before. A failed step stops the roll where it is:
 * running the command again finishes it (it resumes from the keyring's step instead of starting
 * another key).
 *
 * The send step goes to every router as one transaction (deploy --atomic) whose commits apply at
 * one wall-clock instant: FRR 8.4's ospfd accepts only the MD5 key it sends with
 * (render/features/ospf-auth.ts), so two neighbours keep their OSPFv2 adjacency across the switch
 * only if both switch within the dead interval (less one hello); pushed one router after another
 * with post-checks in between, they lost it. ospf6d and VRP accept both keys, so for them the
 * instant does not matter. Should the step fail anywhere, every router goes back at once.
 *
 * With no lab deployed the steps collapse: the keyring moves to the new key at once (synth renders
 * it; the next deploy pushes it). The new keys are generated into the sealed store by the first
 * deploy that refers to them; the old ones are deleted from the store once no router holds them.
 */
import { existsSync } from 'node:fs';
import { deployLab, type DeployOptions, type DeployResult, openLab } from './deploy.js';
import { readKeyring, writeKeyring } from '../lib/ospf-keyring-file.js';
import { advance, areaKeys, ospfKeyPath, rollPhase, type AreaKeys, type OspfKeyring } from '../network/ospf-keyring.js';
import { SecretStore } from '../lib/secret-refs.js';
import { inputError } from '../lib/errors.js';
import { adjacencyInterfaces } from '../network/render/features/adjacencies.js';

export interface RotateOspfOptions extends Omit<DeployOptions, 'render'> {
  /** Only this area (dotted); absent: every area with an adjacency in the lab's scope. */
  area?: string;
  /** Called after each step is on every device. */
  onStep?: (step: RotateStep) => void;
}

interface RotateStep {
  phase: 'accept' | 'send' | 'steady';
  areas: Record<string, AreaKeys>;
  deploy?: Pick<DeployResult, 'changed' | 'unchanged' | 'rolledBack' | 'failed' | 'seconds'> & {
    /** The send step: how far apart (ms) the routers began applying it, and the longest apply. */
    applySpreadMs?: number;
    applyMs?: number;
  };
  /** Devices the step did not reach, with why; and how each changed device took it. */
  problems?: string[];
  commits?: string[];
}

export interface RotateOspfResult {
  areas: Record<string, { from: number; to: number }>;
  steps: RotateStep[];
  /** False when a step failed on some device: the keyring stays at that step. */
  complete: boolean;
  deployed: boolean;
}

export async function rotateOspf(opts: RotateOspfOptions): Promise<RotateOspfResult> {
  const { state, scoped } = await openLab(opts);
  const inScope = new Set<string>();
  for (const d of scoped.devices) for (const a of adjacencyInterfaces(scoped.topology, d)) inScope.add(a.area);
  const areas = opts.area !== undefined ? [opts.area] : [...inScope].sort();
  if (opts.area !== undefined && !inScope.has(opts.area) && !scoped.topology.links.some((l) => l.area === opts.area))
    throw inputError('E_USAGE', '(command line)', '--area', `no OSPF adjacency in area ${opts.area}`, `areas: ${[...inScope].sort().join(', ')}`);
  let ring: OspfKeyring = readKeyring(opts.stateDir);
  const deployed = state !== undefined && Object.values(state.devices).some((d) => d.phase === 'confirmed');
  const start = Object.fromEntries(areas.map((a) => [a, areaKeys(ring, a)]));
  const from: Record<string, number> = Object.fromEntries(areas.map((a) => [a, start[a]!.send]));
  const steps: RotateStep[] = [];
  // A roll left half-way by a failed run continues from its step; a steady area starts a new key.
  for (let i = 0; i < 3; i++) {
    const next: OspfKeyring = { ...ring };
    let moved = false;
    for (const a of areas) {
      const k = areaKeys(ring, a);
      if (i > 0 && rollPhase(k) === 'steady') continue;
      next[a] = advance(k);
      moved = true;
    }
    if (!moved) break;
    ring = next;
    writeKeyring(opts.stateDir, ring);
    const phase = rollPhase(areaKeys(ring, areas[0]!));
    const step: RotateStep = { phase, areas: Object.fromEntries(areas.map((a) => [a, areaKeys(ring, a)])) };
    if (deployed) {
      const together = phase === 'send';
      const r = await deployLab({
        ...opts,
        waitConvergence: false,
        ...(together ? { atomic: true, together: true, canary: undefined, stageBy: undefined } : {}),
      });
      const timed = r.stages?.find((st) => st.applySpreadMs !== undefined);
      step.deploy = {
        changed: r.changed,
        unchanged: r.unchanged,
        rolledBack: r.rolledBack,
        failed: r.failed,
        seconds: r.seconds,
        ...(timed ? { applySpreadMs: timed.applySpreadMs, applyMs: timed.applyMs } : {}),
      };
      step.problems = r.outcomes.filter((o) => o.action === 'failed' || o.action === 'rolled-back').map((o) => `${o.device}: ${o.action} ${o.reason ?? ''}`);
      step.commits = r.outcomes.filter((o) => o.commit).map((o) => `${o.device}:${o.commit}`);
      steps.push(step);
      opts.onStep?.(step);
      if (r.failed || r.rolledBack || r.interrupted) return { areas: summary(areas, from, ring), steps, complete: false, deployed };
    } else {
      steps.push(step);
      opts.onStep?.(step);
    }
    if (phase === 'steady') break;
  }
  forgetRetiredKeys(opts.stateDir, areas, start, ring);
  return { areas: summary(areas, from, ring), steps, complete: true, deployed };
}

function summary(areas: string[], from: Record<string, number>, ring: OspfKeyring): Record<string, { from: number; to: number }> {
  return Object.fromEntries(areas.map((a) => [a, { from: from[a]!, to: areaKeys(ring, a).send }]));
}

/** The keys no router holds any more leave the sealed store. */
function forgetRetiredKeys(stateDir: string, areas: string[], start: Record<string, AreaKeys>, ring: OspfKeyring): void {
  const store = SecretStore.forState(stateDir);
  if (!existsSync(store.file)) return;
  for (const a of areas) {
    const kept = new Set(areaKeys(ring, a).keys);
    for (const id of start[a]!.keys) {
      if (kept.has(id)) continue;
      store.delete(ospfKeyPath('v2', a, id));
      store.delete(ospfKeyPath('v3', a, id));
    }
  }
  store.save();
}
