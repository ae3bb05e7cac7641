/**
 * The Kubernetes side (Pulumi, @pulumi/kubernetes): per cloud a provider (its kubeconfig context),
 * per department a Namespace with a ResourceQuota and default-deny NetworkPolicies (plus the few
 * flows a service needs: DNS out, its port in from the same namespace and the extranet), and per
 * containerised system a Deployment (anti-affinity across nodes) and a Service.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { NamespacePlan } from './workloads.js';

export interface K8sProgramOptions {
  /** The extranet supernets, allowed in to service ports. */
  extranet: { ipv4: string; ipv6: string };
  /** The province's DNS suffix (inventory `province.dns_suffix`): the label keys' prefix. */
  domain: string;
  /** kubeconfig context per cloud (default: the cloud id). */
  contextOf?: (cloud: string) => string;
}

export interface K8sProgramOutputs {
  namespaces: pulumi.Output<string>[];
  services: pulumi.Output<string>[];
}

export function k8sProgram(plans: readonly NamespacePlan[], opts: K8sProgramOptions): K8sProgramOutputs {
  const providers = new Map<string, k8s.Provider>();
  const providerFor = (cloud: string) => {
    let p = providers.get(cloud);
    if (!p) providers.set(cloud, (p = new k8s.Provider(`k8s-${cloud}`, { context: opts.contextOf?.(cloud) ?? cloud })));
    return p;
  };
  const namespaces: pulumi.Output<string>[] = [];
  const services: pulumi.Output<string>[] = [];
  for (const plan of plans) {
    const provider = providerFor(plan.cloud);
    const o = { provider };
    const id = `${plan.cloud}-${plan.namespace}`;
    const labels = { [`${opts.domain}/department`]: plan.department, [`${opts.domain}/cloud`]: plan.cloud };
    const ns = new k8s.core.v1.Namespace(id, { metadata: { name: plan.namespace, labels } }, o);
    const inNs = { ...o, dependsOn: [ns] };
    const metadata = (name: string) => ({ name, namespace: plan.namespace, labels });
    new k8s.core.v1.ResourceQuota(
      `${id}-quota`,
      {
        metadata: metadata('department-quota'),
        spec: {
          hard: {
            'requests.cpu': `${plan.quota.cpuMillis}m`,
            'limits.cpu': `${plan.quota.cpuMillis}m`,
            'requests.memory': `${plan.quota.memoryMiB}Mi`,
            'limits.memory': `${plan.quota.memoryMiB}Mi`,
            pods: String(plan.quota.pods),
          },
        },
      },
      inNs,
    );
    new k8s.networking.v1.NetworkPolicy(
      `${id}-default-deny`,
      { metadata: metadata('default-deny'), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
      inNs,
    );
    new k8s.networking.v1.NetworkPolicy(
      `${id}-allow-dns`,
      {
        metadata: metadata('allow-dns-egress'),
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
              ports: [
                { protocol: 'UDP', port: 53 },
                { protocol: 'TCP', port: 53 },
              ],
            },
          ],
        },
      },
      inNs,
    );
    for (const w of plan.workloads) {
      const app = { app: w.name };
      new k8s.networking.v1.NetworkPolicy(
        `${id}-${w.name}-ingress`,
        {
          metadata: metadata(`${w.name}-ingress`),
          spec: {
            podSelector: { matchLabels: app },
            policyTypes: ['Ingress'],
            ingress: [
              {
                from: [{ podSelector: {} }, { ipBlock: { cidr: opts.extranet.ipv4 } }, { ipBlock: { cidr: opts.extranet.ipv6 } }],
                ports: [{ protocol: 'TCP', port: w.port }],
              },
            ],
          },
        },
        inNs,
      );
      new k8s.apps.v1.Deployment(
        `${id}-${w.name}`,
        {
          metadata: { ...metadata(w.name), labels: { ...labels, ...app, [`${opts.domain}/system`]: w.system } },
          spec: {
            replicas: w.replicas,
            selector: { matchLabels: app },
            template: {
              metadata: { labels: { ...app, [`${opts.domain}/system`]: w.system } },
              spec: {
                affinity: {
                  podAntiAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: app }, topologyKey: 'kubernetes.io/hostname' }],
                  },
                },
                containers: [
                  {
                    name: 'app',
                    image: w.image,
                    ports: [{ containerPort: w.port, name: 'http' }],
                    ...(w.env
                      ? {
                          env: Object.entries(w.env)
                            .sort(([a], [b]) => a.localeCompare(b))
                            .map(([name, value]) => ({ name, value })),
                        }
                      : {}),
                    resources: {
                      requests: { cpu: `${w.cpuMillis}m`, memory: `${w.memoryMiB}Mi` },
                      limits: { cpu: `${w.cpuMillis}m`, memory: `${w.memoryMiB}Mi` },
                    },
                    readinessProbe: { tcpSocket: { port: w.port }, periodSeconds: 10 },
                    securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
                  },
                ],
              },
            },
          },
        },
        inNs,
      );
      const svc = new k8s.core.v1.Service(
        `${id}-${w.name}-svc`,
        {
          metadata: metadata(w.name),
          spec: {
            selector: app,
            ipFamilyPolicy: 'PreferDualStack',
            ipFamilies: ['IPv4', 'IPv6'],
            ports: [{ name: 'http', port: 80, targetPort: w.port, protocol: 'TCP' }],
          },
        },
        inNs,
      );
      services.push(svc.metadata.apply((m) => `${m.namespace}/${m.name}`));
    }
    namespaces.push(ns.metadata.apply((m) => m.name));
  }
  return { namespaces, services };
}
