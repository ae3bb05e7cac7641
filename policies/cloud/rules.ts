/**
 * The cloud rule pack (CLD-xxx): rules over the cloud model (registry, systems, placement), the
 * same data the cloud and DR stacks render from.
 */
import { isDeepStrictEqual } from 'node:util';
import type { CloudModel } from '../../stacks/cloud/model.js';
import { parsePrefix, PrefixError } from '../../lib/ip.js';
import { definePolicy, type Violation } from '../types.js';
import { noPoolOverlap } from './pool-overlap.js';
import { publishedServicesReachable } from './published-services.js';

declare module '../types.js' {
  interface PolicyInputs {
    cloud?: CloudModel;
  }
}

const where = (m: CloudModel, path?: string) => ({ file: m.registry.file, ...(path ? { path } : {}) });
const cloudPath = (m: CloudModel, id: string) => {
  const i = m.registry.clouds.findIndex((c) => c.id === id);
  return i < 0 ? undefined : `clouds[${i}]`;
};

/** CLD-001: classified (涉密) systems never run on an extranet cloud. */
const classifiedOffExtranetClouds = definePolicy({
  id: 'CLD-001',
  title: 'no classified system on an extranet cloud',
  severity: 'hard',
  description:
    'Classified systems stay on the intranet (涉密内网); every government cloud here is attached to the e-government extranet, so none may host one.',
  requires: ['cloud'],
  check({ cloud: m }) {
    const classified = new Set(m.systems.filter((s) => s.classified).map((s) => s.id));
    const extranet = new Set(m.registry.clouds.filter((c) => c.onExtranet).map((c) => c.id));
    return m.placement.placed
      .filter((p) => classified.has(p.system) && (extranet.has(p.cloud) || p.replicas.some((r) => extranet.has(r.cloud))))
      .map((p) => ({ resource: `system:${p.system}`, message: `classified system ${p.system} is placed on extranet cloud ${p.cloud}` }));
  },
});

/** CLD-002: every protected system has each replica its class demands, in another centre. */
const replicasAsClassDemands = definePolicy({
  id: 'CLD-002',
  title: 'every protected system has the replicas its class demands, in other centres',
  severity: 'hard',
  description:
    'Two sites, three centres (两地三中心): each protection class (GB/T 20988 level) names the replicas it needs — synchronous in the same-city DR centre, asynchronous or backup in the remote one — and a replica in the primary’s own centre protects against nothing.',
  requires: ['cloud'],
  check({ cloud: m }) {
    const out: Violation[] = [];
    const classes = new Map(m.registry.classes.map((c) => [c.id, c]));
    const clouds = new Map(m.registry.clouds.map((c) => [c.id, c]));
    const classOf = new Map(m.systems.map((s) => [s.id, s.protectionClass]));
    for (const p of m.placement.placed) {
      const cls = classes.get(classOf.get(p.system) ?? '');
      if (!cls) continue;
      const primary = clouds.get(p.cloud)!.location;
      const want = cls.replicas.map((r) => r.mode).sort();
      const got = p.replicas.map((r) => r.mode).sort();
      if (!isDeepStrictEqual(want, got))
        out.push({ resource: `system:${p.system}`, message: `class ${cls.id} demands ${want.join('+')} replicas, ${p.system} has ${got.join('+') || 'none'}` });
      for (const r of p.replicas) {
        const target = clouds.get(r.cloud)?.location;
        if (!target || target.site === primary.site || r.centre === primary.centre)
          out.push({ resource: `system:${p.system}`, message: `${r.mode} replica of ${p.system} is in its own centre (${r.centre})` });
      }
    }
    for (const u of m.placement.unplaced) if (u.kind === 'no-replica-target') out.push({ resource: `system:${u.system}`, message: u.reason });
    return out;
  },
});

/** CLD-003: tenant quotas, and what is placed, stay within each cloud's capacity. */
const quotasWithinCapacity = definePolicy({
  id: 'CLD-003',
  title: 'quotas never exceed capacity',
  severity: 'hard',
  description:
    'A cloud promises its departments no more than it has: the tenant quotas add up to at most the capacity (vCPU, RAM, storage), and placement never fills a zone beyond it.',
  requires: ['cloud'],
  check({ cloud: m }) {
    const out: Violation[] = [];
    const dims = ['vcpu', 'ramGiB', 'storageTiB'] as const;
    for (const c of m.registry.clouds) {
      const sum = { vcpu: 0, ramGiB: 0, storageTiB: 0 };
      for (const t of c.tenants) for (const d of dims) sum[d] += t.quota[d];
      for (const d of dims) {
        if (sum[d] > c.capacity[d] + 1e-9)
          out.push({
            resource: `cloud:${c.id}`,
            message: `tenant quotas add up to ${sum[d]} ${d}, over the capacity of ${c.capacity[d]}`,
            location: where(m, `${cloudPath(m, c.id)}.tenants`),
          });
      }
      const usage = m.placement.usage.find((u) => u.cloud === c.id);
      for (const az of c.availabilityZones) {
        const used = usage?.byAz[az.name];
        for (const d of dims)
          if (used && used[d] > az[d] + 1e-9) out.push({ resource: `cloud:${c.id}/${az.name}`, message: `placed ${used[d]} ${d}, over the zone's ${az[d]}` });
      }
    }
    return out;
  },
});

const OPEN = new Set(['0.0.0.0/0', '::/0']);

/** CLD-004: no security group opens to the whole internet unless the service is declared public. */
const noOpenSecurityGroups = definePolicy({
  id: 'CLD-004',
  title: 'no security group opens 0.0.0.0/0 or ::/0 except for a declared public service',
  severity: 'hard',
  description:
    'Tenant security groups are default-deny; a rule may admit the whole internet only for a service declared public (`public: true`), everything else names the extranet, the NOC or explicit prefixes.',
  requires: ['cloud'],
  check({ cloud: m }) {
    const out: Violation[] = [];
    for (const c of m.registry.clouds) {
      const seen = new Set<string>();
      for (const t of c.tenants) {
        for (const r of t.securityRules) {
          if (r.public || seen.has(r.name) || !r.remotePrefixes.some((p) => OPEN.has(p))) continue;
          seen.add(r.name);
          out.push({
            resource: `cloud:${c.id}/rule:${r.name}`,
            message: `rule ${r.name} (${r.direction} ${r.protocol}) opens ${r.remotePrefixes.filter((p) => OPEN.has(p)).join(' and ')} without a declared public service`,
            location: where(m, `${cloudPath(m, c.id)}.tenants.security_rules`),
          });
        }
      }
    }
    return out;
  },
});

/** CLD-005: every subnet the cloud stacks create comes in both families. */
const everySubnetDualStack = definePolicy({
  id: 'CLD-005',
  title: 'every subnet dual-stack',
  severity: 'hard',
  description:
    'Each tenant network and each extranet attachment has an IPv4 and an IPv6 subnet (the plan builds a dual-stack extranet; the clouds on it follow).',
  requires: ['cloud'],
  check({ cloud: m }) {
    const out: Violation[] = [];
    const bad = (v: { ipv4?: string; ipv6?: string }) =>
      (['ipv4', 'ipv6'] as const).filter((f) => {
        const text = v[f];
        if (!text) return true;
        try {
          return parsePrefix(text).family !== f;
        } catch (e) {
          if (e instanceof PrefixError) return true;
          throw e;
        }
      });
    for (const c of m.registry.clouds) {
      const ext = bad(c.extranet.subnets);
      if (ext.length) out.push({ resource: `cloud:${c.id}/extranet`, message: `the extranet attachment of ${c.id} has no valid ${ext.join('/')} subnet` });
      for (const t of c.tenants) {
        const g = bad(t.subnets);
        if (g.length) out.push({ resource: `cloud:${c.id}/tenant:${t.department}`, message: `tenant network ${t.project} has no valid ${g.join('/')} subnet` });
      }
    }
    return out;
  },
});

/** CLD-006: every non-classified system lands on a government cloud (no department data room). */
const everySystemOnGovernmentCloud = definePolicy({
  id: 'CLD-006',
  title: 'every system lands on a government cloud',
  severity: 'hard',
  description:
    'Departments build no new data rooms; every non-classified system moves to the provincial, a city or an industry cloud (the plan: 100% of non-classified systems on the cloud).',
  requires: ['cloud'],
  check({ cloud: m }) {
    const clouds = new Set(m.registry.clouds.filter((c) => c.kind !== 'dr').map((c) => c.id));
    const out: Violation[] = [];
    for (const p of m.placement.placed)
      if (!clouds.has(p.cloud)) out.push({ resource: `system:${p.system}`, message: `${p.system} is placed on ${p.cloud}, which is not a government cloud` });
    const file = m.source.file;
    const row = new Map(m.systems.map((s, i) => [s.id, i]));
    for (const u of m.placement.unplaced) {
      if (u.kind === 'classified') continue;
      out.push({
        resource: `system:${u.system}`,
        message: `${u.system} stays in its department's data room: ${u.reason}`,
        ...(file && m.source.origin === 'file' ? { location: { file, path: `systems[${row.get(u.system)}]` } } : {}),
      });
    }
    return out;
  },
});

export const CLOUD_POLICIES = [
  classifiedOffExtranetClouds,
  replicasAsClassDemands,
  quotasWithinCapacity,
  noOpenSecurityGroups,
  everySubnetDualStack,
  everySystemOnGovernmentCloud,
  noPoolOverlap,
  publishedServicesReachable,
] as const;
