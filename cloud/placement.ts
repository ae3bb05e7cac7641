/**
 * Placement: which cloud, tenant and availability zone each system lands on, and where its DR
 * replicas go. Used by `stacks clouds`, the DR report, the policies and (later) migration planning.
 *
 * Rules, in order:
 * 1. Classified (涉密) systems are never placed on an extranet cloud (every cloud here is one):
 *    they come back in `unplaced` with kind `classified` (retained on the intranet).
 * 2. The target cloud: an industry system → its industry's cloud; a province-level system → the
 *    provincial cloud; a city-level system → its city's cloud.
 * 3. The system's department must be a tenant of that cloud, and the tenant's quota must hold it.
 * 4. Availability zone: among the zones with room, the one left with the largest free share (the
 *    smallest of the vCPU/RAM/storage free shares); ties go to the zone listed first.
 * 5. Replicas: each replica the protection class asks for goes to the DR pool in the centre of that
 *    role (see `replicas.ts`), in the department's tenant there, within its quota and capacity.
 * A system is placed with all its replicas or not at all (then `unplaced` says why). Systems are
 * taken in order of id, so the result does not depend on input order.
 *
 * Cost: O(n log n) for the sort plus O(n × (zones + replicas)); 10,000 systems take milliseconds.
 */
import { add, fits, freeShare, zero } from './resources.js';
import { replicaMbps, replicaReservation, replicaTargets } from './replicas.js';
import type { Cloud, CloudRegistry, CloudUsage, Placement, PlacedSystem, ReplicaPlacement, Resources, System, Tenant, Unplaced } from './types.js';

interface CloudState {
  cloud: Cloud;
  tenants: Map<string, Tenant>;
  byAz: Resources[];
  byTenant: Map<string, Resources>;
}

export function placeSystems(registry: CloudRegistry, systems: readonly System[]): Placement {
  const states = new Map<string, CloudState>();
  for (const cloud of registry.clouds) {
    states.set(cloud.id, {
      cloud,
      tenants: new Map(cloud.tenants.map((t) => [t.department, t])),
      byAz: cloud.availabilityZones.map(() => zero()),
      byTenant: new Map(),
    });
  }
  const provincial = registry.clouds.find((c) => c.kind === 'provincial');
  const byCity = new Map<string, Cloud>();
  const byIndustry = new Map<string, Cloud>();
  for (const c of registry.clouds) {
    if (c.kind === 'city' && !byCity.has(c.location.city)) byCity.set(c.location.city, c);
    if (c.kind === 'industry' && c.industry && !byIndustry.has(c.industry)) byIndustry.set(c.industry, c);
  }
  const classes = new Map(registry.classes.map((c) => [c.id, c]));
  const targets = replicaTargets(registry);

  const placed: PlacedSystem[] = [];
  const unplaced: Unplaced[] = [];
  const fail = (system: System, kind: Unplaced['kind'], reason: string) => unplaced.push({ system: system.id, kind, reason });
  const ordered = [...systems].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  for (const system of ordered) {
    if (system.classified) {
      fail(system, 'classified', 'classified (涉密): retained on the intranet, never on an extranet cloud');
      continue;
    }
    const cls = classes.get(system.protectionClass);
    if (!cls) {
      fail(system, 'unknown-class', `unknown protection class "${system.protectionClass}"`);
      continue;
    }
    const cloud =
      system.industry !== undefined
        ? byIndustry.get(system.industry)
        : system.level === 'province'
          ? provincial
          : system.city !== undefined
            ? byCity.get(system.city)
            : undefined;
    if (!cloud) {
      const what =
        system.industry !== undefined
          ? `industry "${system.industry}"`
          : system.level === 'province'
            ? 'the province'
            : `city "${system.city ?? '(none given)'}"`;
      fail(system, 'no-cloud', `no cloud for ${what}`);
      continue;
    }
    const need: Resources = { vcpu: system.vcpu, ramGiB: system.ramGiB, storageTiB: system.storageTiB };
    const primary = states.get(cloud.id)!;
    const check = admit(primary, system.department, need);
    if (!check.ok) {
      fail(system, check.kind, `${check.reason} (cloud ${cloud.id})`);
      continue;
    }
    const replicas: Array<{ state: CloudState; az: number; placement: ReplicaPlacement }> = [];
    let failed: Unplaced | undefined;
    for (const r of cls.replicas) {
      const t = targets.target(r.role, cloud.location);
      if (!t.ok) {
        failed = { system: system.id, kind: 'no-replica-target', reason: `class ${cls.id} wants a ${r.mode} replica in the ${r.role} centre: ${t.reason}` };
        break;
      }
      const state = states.get(t.pool.id)!;
      const reserved = replicaReservation(system, r.mode);
      // two replicas of one system in the same pool count against it together
      const pending = replicas.filter((x) => x.state === state).map((x) => x.placement.reserved);
      const rc = admit(state, system.department, reserved, pending);
      if (!rc.ok) {
        failed = { system: system.id, kind: rc.kind, reason: `${r.mode} replica in ${t.pool.id}: ${rc.reason}` };
        break;
      }
      replicas.push({
        state,
        az: rc.az,
        placement: {
          cloud: t.pool.id,
          centre: t.centre.id,
          role: r.role,
          mode: r.mode,
          reserved,
          mbps: replicaMbps(system, cls, r.mode, registry.dr.backupWindowH),
        },
      });
    }
    if (failed) {
      unplaced.push(failed);
      continue;
    }
    commit(primary, system.department, check.az, need);
    for (const r of replicas) commit(r.state, system.department, r.az, r.placement.reserved);
    placed.push({
      system: system.id,
      cloud: cloud.id,
      tenant: primary.tenants.get(system.department)!.project,
      az: cloud.availabilityZones[check.az]!.name,
      replicas: replicas.map((r) => r.placement),
    });
  }
  return { placed, unplaced, usage: [...states.values()].map(usageOf) };
}

type Admission = { ok: true; az: number } | { ok: false; kind: 'not-a-tenant' | 'quota' | 'capacity'; reason: string };

function admit(state: CloudState, department: string, need: Resources, pending: Resources[] = []): Admission {
  const tenant = state.tenants.get(department);
  if (!tenant) return { ok: false, kind: 'not-a-tenant', reason: `department ${department} is not a tenant` };
  const extra = pending.reduce((acc, r) => add(acc, r), { ...need });
  const used = state.byTenant.get(department) ?? zero();
  if (!fits(used, extra, tenant.quota)) return { ok: false, kind: 'quota', reason: `tenant ${tenant.project} quota exhausted` };
  let best = -1;
  let bestShare = -Infinity;
  state.cloud.availabilityZones.forEach((az, i) => {
    const u = state.byAz[i]!;
    if (!fits(u, extra, az)) return;
    const share = freeShare(add({ ...u }, extra), az);
    if (share > bestShare) {
      bestShare = share;
      best = i;
    }
  });
  if (best < 0) return { ok: false, kind: 'capacity', reason: 'no availability zone has room' };
  return { ok: true, az: best };
}

function commit(state: CloudState, department: string, az: number, need: Resources): void {
  add(state.byAz[az]!, need);
  const t = state.byTenant.get(department) ?? zero();
  state.byTenant.set(department, add(t, need));
}

function usageOf(state: CloudState): CloudUsage {
  const byAz: Record<string, Resources> = {};
  state.cloud.availabilityZones.forEach((az, i) => (byAz[az.name] = { ...state.byAz[i]! }));
  const byTenant: Record<string, Resources> = {};
  for (const [dept, r] of [...state.byTenant].sort(([a], [b]) => a.localeCompare(b))) byTenant[dept] = { ...r };
  const used = zero();
  for (const r of state.byAz) add(used, r);
  return { cloud: state.cloud.id, used, byAz, byTenant };
}
