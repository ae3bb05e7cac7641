import { beforeAll, describe, expect, it } from 'vitest';
import * as pulumi from '@pulumi/pulumi';
import type { System, Placement } from '../../cloud/types.js';
import { containerWorkloads, isContainerised } from './workloads.js';

interface Created {
  type: string;
  name: string;
  inputs: Record<string, any>;
  provider?: string;
}
const created: Created[] = [];

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        created.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args) {
        return args.inputs;
      },
    },
    'stacks-k8s',
    'test',
    false,
  );
});

const sys = (id: string, over: Partial<System> = {}): System => ({
  id,
  department: 'finance',
  level: 'province',
  classified: false,
  vcpu: 4,
  ramGiB: 8,
  storageTiB: 0.1,
  protectionClass: 'p4',
  strategy: 'replatform-containers',
  ...over,
});
const systems = [
  sys('a-portal'),
  sys('b-api', { department: 'health', vcpu: 2, ramGiB: 4 }),
  sys('c-vm', { strategy: 'rehost' }),
  sys('d-web', { strategy: 'replatform', platform: 'web-app' }),
  sys('e-secret', { classified: true }),
];
const placement: Placement = {
  placed: ['a-portal', 'b-api', 'c-vm', 'd-web'].map((s) => ({ system: s, cloud: 'provincial', tenant: 'x', az: 'az1', replicas: [] })),
  unplaced: [{ system: 'e-secret', kind: 'classified', reason: 'classified' }],
  usage: [],
};

const outputOf = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

describe('Kubernetes program (Pulumi, mocked engine)', () => {
  it('selects the systems that replatform to containers, never classified ones', () => {
    expect(systems.filter(isContainerised).map((s) => s.id)).toEqual(['a-portal', 'b-api', 'd-web', 'e-secret']);
    const plans = containerWorkloads(systems, placement, 'registry.gov.sn.cn');
    expect(plans.map((p) => [p.namespace, p.workloads.map((w) => w.system)])).toEqual([
      ['dept-finance', ['a-portal', 'd-web']],
      ['dept-health', ['b-api']],
    ]);
    // quota: each workload's requests with one extra replica of headroom
    expect(plans[1]!.quota).toEqual({ cpuMillis: 3000, memoryMiB: 6144, pods: 3 });
  });

  it('creates per department a namespace, a quota and default-deny policies; per system a deployment and a service', async () => {
    const { k8sProgram } = await import('./program.js');
    const out = k8sProgram(containerWorkloads(systems, placement, 'registry.gov.sn.cn'), {
      extranet: { ipv4: '10.0.0.0/10', ipv6: '2001:db8::/32' },
      domain: 'gov.sn.cn',
    });
    expect(await Promise.all(out.namespaces.map(outputOf))).toEqual(['dept-finance', 'dept-health']);
    expect(await Promise.all(out.services.map(outputOf))).toEqual(['dept-finance/a-portal', 'dept-finance/d-web', 'dept-health/b-api']);
    const of = (type: string) => created.filter((c) => c.type === type);
    expect(of('pulumi:providers:kubernetes').map((c) => c.inputs.context)).toEqual(['provincial']);
    expect(of('kubernetes:core/v1:Namespace').map((c) => c.inputs.metadata.name)).toEqual(['dept-finance', 'dept-health']);
    const quotas = of('kubernetes:core/v1:ResourceQuota');
    expect(quotas.map((q) => q.inputs.spec.hard)).toEqual([
      { 'requests.cpu': '12000m', 'limits.cpu': '12000m', 'requests.memory': '24576Mi', 'limits.memory': '24576Mi', pods: '6' },
      { 'requests.cpu': '3000m', 'limits.cpu': '3000m', 'requests.memory': '6144Mi', 'limits.memory': '6144Mi', pods: '3' },
    ]);
    const deny = of('kubernetes:networking.k8s.io/v1:NetworkPolicy').filter((p) => p.inputs.metadata.name === 'default-deny');
    expect(deny).toHaveLength(2);
    for (const d of deny) expect(d.inputs.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    // no policy admits the whole internet
    for (const p of of('kubernetes:networking.k8s.io/v1:NetworkPolicy')) expect(JSON.stringify(p.inputs)).not.toMatch(/0\.0\.0\.0\/0|::\/0/);
    const deps = of('kubernetes:apps/v1:Deployment');
    expect(deps.map((d) => [d.inputs.metadata.namespace, d.inputs.metadata.name, d.inputs.spec.replicas])).toEqual([
      ['dept-finance', 'a-portal', 2],
      ['dept-finance', 'd-web', 2],
      ['dept-health', 'b-api', 2],
    ]);
    expect(deps[2]!.inputs.spec.template.spec.containers[0].resources.requests).toEqual({ cpu: '1000m', memory: '2048Mi' });
    expect(deps[0]!.inputs.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe(
      'kubernetes.io/hostname',
    );
    const svcs = of('kubernetes:core/v1:Service');
    expect(svcs.map((s) => s.inputs.spec.ipFamilyPolicy)).toEqual(['PreferDualStack', 'PreferDualStack', 'PreferDualStack']);
    expect(svcs[0]!.inputs.spec.selector).toEqual({ app: 'a-portal' });
  });
});
