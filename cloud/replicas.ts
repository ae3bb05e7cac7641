/**
 * Where a protection class puts a system's replicas, and what each replica costs: the centre for
 * each role the class asks for, the DR pool standing there, the resources it reserves and the
 * bandwidth it needs. Pure; placement and the DR report share these rules.
 */
import type { Centre, Cloud, CloudRegistry, CloudSite, ProtectionClass, ReplicaMode, Resources, System, CentreRole } from './types.js';
import { scale } from './resources.js';

/** What a replica reserves at its target: a hot standby all of it, a warm one half the compute. */
const RESERVATION: Record<ReplicaMode, { compute: number; storage: number }> = {
  sync: { compute: 1, storage: 1 },
  async: { compute: 0.5, storage: 1 },
  backup: { compute: 0, storage: 1 },
};

/** 1 GiB = 8 × 1024³ bits = 8,589.93 megabits. */
const MEGABITS_PER_GIB = (8 * 1024 ** 3) / 1e6;

type TargetResult = { ok: true; centre: Centre; pool: Cloud } | { ok: false; reason: string };

export interface ReplicaTargets {
  target(role: CentreRole, primary: CloudSite): TargetResult;
}

/**
 * Resolve a role to a centre for a primary location:
 * - same-city-dr is the province's same-city DR centre (Xi'an), never the primary's own centre;
 * - remote-dr must be in another city; when the primary stands in the remote centre's city, the
 *   remote-dr-alternative centre takes its place (Yulin's own systems replicate to Yan'an).
 */
export function replicaTargets(reg: CloudRegistry): ReplicaTargets {
  const byRole = new Map<CentreRole, Centre>();
  for (const c of reg.centres) if (!byRole.has(c.role)) byRole.set(c.role, c);
  const poolOf = new Map<string, Cloud>();
  for (const cloud of reg.clouds)
    if (cloud.kind === 'dr' && cloud.location.centre && !poolOf.has(cloud.location.centre)) poolOf.set(cloud.location.centre, cloud);
  const withPool = (centre: Centre | undefined, role: CentreRole): TargetResult => {
    if (!centre) return { ok: false, reason: `no centre has role ${role}` };
    const pool = poolOf.get(centre.id);
    return pool ? { ok: true, centre, pool } : { ok: false, reason: `no DR pool stands in ${role} centre ${centre.id}` };
  };
  return {
    target(role, primary) {
      if (role === 'same-city-dr') {
        // The province's same-city DR centre serves every system of the class: for Xi'an's own
        // centres it is the same city; a city system elsewhere replicates synchronously over the
        // backbone (its bandwidth is checked in dr.ts; latency is not modelled).
        const c = byRole.get(role);
        if (c && c.id === primary.centre) return { ok: false, reason: `the system already stands in the same-city DR centre ${c.id}` };
        return withPool(c, role);
      }
      if (role === 'remote-dr' || role === 'remote-dr-alternative') {
        let c = byRole.get(role);
        if (c && (c.city === primary.city || c.id === primary.centre)) c = byRole.get('remote-dr-alternative');
        if (c && (c.city === primary.city || c.id === primary.centre)) return { ok: false, reason: `no remote DR centre outside ${primary.city}` };
        return withPool(c, role);
      }
      // production as a replica role: a copy back in the production centre
      const c = byRole.get(role);
      if (c && c.id === primary.centre) return { ok: false, reason: `the system already stands in ${c.id}` };
      return withPool(c, role);
    },
  };
}

function dailyChangeGiB(system: System, cls: ProtectionClass): number {
  return system.changeGiBPerDay ?? (system.storageTiB * 1024 * cls.changeRatePctPerDay) / 100;
}

/**
 * Bandwidth a replica needs, in Mbps: sync and async carry the day's change at the class's
 * peak-to-average ratio (sync must keep up with the peak or writes stall; async must or its RPO
 * grows); a backup moves the day's change within the backup window.
 */
export function replicaMbps(system: System, cls: ProtectionClass, mode: ReplicaMode, backupWindowH: number): number {
  const megabits = dailyChangeGiB(system, cls) * MEGABITS_PER_GIB;
  if (mode === 'backup') return megabits / (backupWindowH * 3600);
  return (megabits / 86400) * cls.peakFactor;
}

export function replicaReservation(system: System, mode: ReplicaMode): Resources {
  return scale({ vcpu: system.vcpu, ramGiB: system.ramGiB, storageTiB: system.storageTiB }, RESERVATION[mode]);
}
