/**
 * Which systems run as containers, and how big: the systems whose migration strategy is
 * "replatform to containers" (the hint `replatform-containers`, or `replatform` of a web app),
 * grouped by the cloud placement chose and by department. Pure.
 */
import type { Placement, System } from '../../cloud/types.js';

interface Workload {
  system: string;
  department: string;
  cloud: string;
  /** Kubernetes-safe names. */
  namespace: string;
  name: string;
  replicas: number;
  /** Per replica: the system's size split over its replicas. */
  cpuMillis: number;
  memoryMiB: number;
  port: number;
  image: string;
  /** The system's configuration as container environment (set by its replatform migration). */
  env?: Record<string, string>;
}

/** What a replatform migration decided for a system's container (migrations/steps-strategies.ts writes it). */
export interface MigratedWorkload {
  system: string;
  image: string;
  port: number;
  env: Record<string, string>;
}

/** The migrated systems' images and config over the planned workloads. */
export function applyMigrated(plans: readonly NamespacePlan[], migrated: readonly MigratedWorkload[]): NamespacePlan[] {
  const by = new Map(migrated.map((m) => [m.system, m]));
  return plans.map((p) => ({
    ...p,
    workloads: p.workloads.map((w) => {
      const m = by.get(w.system);
      return m ? { ...w, image: m.image, port: m.port, env: { ...m.env } } : w;
    }),
  }));
}

export interface NamespacePlan {
  cloud: string;
  namespace: string;
  department: string;
  workloads: Workload[];
  /** Sum of the workloads' requests, with headroom for rolling updates (one extra replica each). */
  quota: { cpuMillis: number; memoryMiB: number; pods: number };
}

export function isContainerised(s: System): boolean {
  return s.strategy === 'replatform-containers' || (s.strategy === 'replatform' && s.platform === 'web-app');
}

const k8sName = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63) || 'x';

export function containerWorkloads(systems: readonly System[], placement: Placement, registry: string): NamespacePlan[] {
  const cloudOf = new Map(placement.placed.map((p) => [p.system, p.cloud]));
  const plans = new Map<string, NamespacePlan>();
  for (const s of systems) {
    const cloud = cloudOf.get(s.id);
    if (!cloud || s.classified || !isContainerised(s)) continue;
    const namespace = k8sName(`dept-${s.department}`);
    const replicas = 2; // two replicas spread by anti-affinity: no single node is a point of failure
    const w: Workload = {
      system: s.id,
      department: s.department,
      cloud,
      namespace,
      name: k8sName(s.id),
      replicas,
      cpuMillis: Math.max(100, Math.round((s.vcpu * 1000) / replicas)),
      memoryMiB: Math.max(128, Math.round((s.ramGiB * 1024) / replicas)),
      port: 8080,
      image: `${registry}/${k8sName(s.department)}/${k8sName(s.id)}:current`,
    };
    const key = `${cloud}/${namespace}`;
    let plan = plans.get(key);
    if (!plan) plans.set(key, (plan = { cloud, namespace, department: s.department, workloads: [], quota: { cpuMillis: 0, memoryMiB: 0, pods: 0 } }));
    plan.workloads.push(w);
    plan.quota.cpuMillis += w.cpuMillis * (w.replicas + 1);
    plan.quota.memoryMiB += w.memoryMiB * (w.replicas + 1);
    plan.quota.pods += w.replicas + 1;
  }
  return [...plans.values()].sort((a, b) => (a.cloud + a.namespace).localeCompare(b.cloud + b.namespace));
}
