/**
 * Assessment: one of the 7 Rs per system, with the reasons a reviewer reads, and the target cloud
 * from the placement engine (cloud/placement.ts) for every system that moves. Pure.
 *
 * Rules, first match wins:
 * 1. classified (涉密) → retain: never on an extranet cloud (a hint saying otherwise is overruled).
 * 2. lifecycle sunset → retire: switched off, its users served by the successor system.
 * 3. a strategy hint in the inventory → that strategy (`replatform-containers` is a replatform).
 * 4. by platform: unix/mainframe → refactor (no x86 port); COTS → repurchase (the vendor's cloud
 *    edition or the provincial shared service); special hardware → retain (bound to its devices);
 *    web app → replatform (containers on the cloud's Kubernetes); a VM already in a legacy centre →
 *    relocate (hypervisor-level move); other x86 in a department room → rehost (lift and shift).
 * Then every system that moves (not retain, not retire) is placed; a placement failure (quota,
 * capacity, no cloud) blocks it, with the placement engine's reason.
 */
import { placeSystems } from '../cloud/placement.js';
import { toPlacementSystem } from '../cloud/systems.js';
import type { CloudRegistry } from '../cloud/types.js';
import type { MigrationSystem, Strategy } from './schema.js';

export interface Assessed {
  id: string;
  strategy: Strategy;
  reasons: string[];
  /** Set for systems that move and were placed. */
  targetCloud?: string;
  az?: string;
  tenant?: string;
  /** Set when a system should move but placement could not take it. */
  blocked?: string;
}

export const MOVES = (s: Strategy): boolean => s !== 'retain' && s !== 'retire';

export function chooseStrategy(s: MigrationSystem): { strategy: Strategy; reasons: string[] } {
  if (s.classification === 'classified') {
    const overruled = s.strategyHint && s.strategyHint !== 'retain' ? ` (hint "${s.strategyHint}" overruled)` : '';
    return { strategy: 'retain', reasons: [`classified (涉密): stays on the e-government intranet, never on an extranet cloud${overruled}`] };
  }
  if (s.lifecycle === 'sunset')
    return { strategy: 'retire', reasons: ['marked sunset: switched off instead of moved; its users move to the successor system'] };
  if (s.strategyHint) {
    const strategy: Strategy = s.strategyHint === 'replatform-containers' ? 'replatform' : s.strategyHint;
    const extra = s.strategyHint === 'replatform-containers' ? " (onto the cloud's Kubernetes)" : '';
    return { strategy, reasons: [`strategy hint "${s.strategyHint}" from the inventory${extra}`] };
  }
  switch (s.platform) {
    case 'unix':
    case 'mainframe':
      return {
        strategy: 'refactor',
        reasons: [`runs on ${s.platform === 'unix' ? 'a UNIX minicomputer' : 'a mainframe'} with no x86 build: rewrite onto cloud services`],
      };
    case 'cots':
      return { strategy: 'repurchase', reasons: ['commercial package: buy its cloud edition or use the provincial shared service'] };
    case 'special-hardware':
      return { strategy: 'retain', reasons: ['bound to special hardware (cards, radios, sensors) in its room: stays until the hardware is replaced'] };
    case 'web-app':
      return { strategy: 'replatform', reasons: ["web application: repackage as containers on the cloud's Kubernetes"] };
    default:
      if (s.location.kind === 'legacy-centre' && s.platform === 'x86-vm') {
        return { strategy: 'relocate', reasons: [`already a VM in the legacy centre ${s.location.site}: move it at the hypervisor level, unchanged`] };
      }
      return { strategy: 'rehost', reasons: [`${s.platform} server in ${s.location.site}: lift and shift onto a cloud VM`] };
  }
}

export function assess(systems: readonly MigrationSystem[], registry: CloudRegistry): Assessed[] {
  const out = systems.map((s): Assessed => ({ id: s.id, ...chooseStrategy(s) }));
  const movers = systems.filter((_, i) => MOVES(out[i]!.strategy));
  const placement = placeSystems(registry, movers.map(toPlacementSystem));
  const byId = new Map(out.map((a) => [a.id, a]));
  for (const p of placement.placed) {
    const a = byId.get(p.system)!;
    a.targetCloud = p.cloud;
    a.az = p.az;
    a.tenant = p.tenant;
    a.reasons.push(
      `placed on cloud ${p.cloud} (${p.az}, project ${p.tenant}) by the placement engine${p.replicas.length ? `; replicas in ${p.replicas.map((r) => r.cloud).join(', ')}` : ''}`,
    );
  }
  for (const u of placement.unplaced) {
    const a = byId.get(u.system)!;
    a.blocked = `${u.kind}: ${u.reason}`;
    a.reasons.push(`cannot be placed: ${u.reason}`);
  }
  return out;
}
