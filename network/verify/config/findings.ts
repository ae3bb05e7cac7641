/**
 * Findings of the config-level verifier: an id (what is wrong, stable for tests and SARIF rules),
 * the family when it concerns one, a message naming the device and interface, and the config lines
 * it stems from (`file:line`, both ends of an adjacency where there are two). They become checks of
 * the verification report, so text, JSON and SARIF render them like the model's checks.
 */
import type { Family } from '../../types.js';
import { byObject, type VerificationCheck, type VerificationFailure } from '../report.js';

export interface SourceRef {
  file: string;
  line: number;
}

export interface ConfigFinding {
  id: string;
  family?: Family;
  /** `device:…`, `link:…`, `file:…`, `flow:…`. */
  object: string;
  message: string;
  at: SourceRef[];
}

/** What each finding id checks, as its check's title (and SARIF rule description). */
const FINDING_TITLES: Record<string, string> = {
  'parse.unknown-line': 'every config line is understood',
  'parse.bad-value': 'every config value is well-formed',
  'parse.duplicate-interface': 'no interface is configured twice',
  'parse.secondary-address': 'no interface carries addresses the verifier does not model',
  'parse.unsupported': 'no config uses a feature the verifier does not model',
  'config.unknown-device': 'every config belongs to a device of the topology',
  'config.missing-device': 'every device of the topology has a config',
  'config.duplicate-device': 'each device has one config per dialect',
  'config.hostname-mismatch': 'each config names its own device',
  'config.missing-interface': 'every wired interface is configured',
  'l3.subnet-mismatch': 'both ends of each link are in the same subnet',
  'l3.duplicate-address': 'no two ends of a link share an address',
  'l3.missing-address': 'every link end has an address in each family',
  'l3.interface-shutdown': 'no wired interface is shut down',
  'l3.ipv6-disabled': 'IPv6 is enabled wherever it is configured',
  'ospf.network-unmatched': 'every network statement covers an interface',
  'vrp.network-mask': 'VRP network statements use wildcards, not masks',
  'ospf.half-adjacency': 'both ends of each link run OSPF (half-configured adjacencies)',
  'ospf.link-unused': 'every link carries OSPF',
  'ospf.area-mismatch': 'both ends of each adjacency are in the same area',
  'ospf.passive-link': 'no link between routers is passive',
  'ospf.network-type-mismatch': 'both ends of each adjacency use the same network type',
  'ospf.timer-mismatch': 'both ends of each adjacency use the same hello and dead intervals',
  'ospf.mtu-mismatch': 'both ends of each adjacency use the same MTU',
  'ospf.auth-mismatch': 'both ends of each adjacency authenticate alike (type, key id and key reference)',
  'ospf.auth-keys-unused': 'no authentication keys are configured without authentication',
  'ref.undefined-key-chain': 'every key chain an interface names is defined',
  'ref.undefined-bfd-profile': 'every BFD profile an interface names is defined',
  'bfd.one-sided': 'both ends of each adjacency run BFD, or neither',
  'ospf.router-id-missing': 'every OSPF process has a router-id',
  'ospf.duplicate-router-id': 'router-ids are unique per OSPF version',
  'ospf.area0-contiguity': 'the backbone area is contiguous',
  'ospf.abr-without-backbone': 'every router in a non-backbone area reaches the backbone through an ABR',
  'reach.core': 'every device forwards to every province core loopback',
  'reach.exit': 'every device forwards to the internet upstream',
  'reach.services': 'every township forwards to every published service VIP of its city cloud and of the provincial cloud',
  'forwarding.loop': 'no forwarding loops, with every element up or any one failed',
  'forwarding.blackhole': 'no blackholes towards the core and the upstream, with every element up',
  'failure.link': 'every single link failure leaves every device forwarding to the core and the upstream',
  'failure.device': 'every single device failure leaves every other device forwarding to the core and the upstream',
  'failure.upstream': "losing either exit's upstream leaves every device forwarding to the upstream",
  'failure.services': 'every single link, device or upstream failure leaves every township forwarding to its published service VIPs',
  'exit.inbound-open': 'from the internet only the declared public services are reachable (VRP exits)',
  'exit.service-blocked': 'every declared public service is reachable from the internet at every exit (VRP exits)',
  'exit.urpf': 'strict uRPF on every upstream interface, both families (VRP exits)',
  'exit.nat-missing': 'the exits translate the government IPv4 ranges (VRP exits)',
  'exit.nat-off-exit': 'only the exits translate addresses (VRP)',
  'vrrp.missing': 'every LAN two routers serve runs VRRP',
  'vrrp.no-backup': 'both routers of a dual-router LAN run its VRRP group',
  'vrrp.mismatch': 'both routers of a LAN agree on the VRRP group (id, version, virtual address, timers)',
  'vrrp.virtual-outside-lan': "VRRP virtual addresses lie inside the LAN's prefix",
  'vrrp.virtual-owned': 'no router owns its LAN’s virtual address (tracking could not move it)',
  'vrrp.preferred': 'r1 serves the gateway with everything up',
  'ref.undefined-qos': 'every QoS policy, classifier and behavior referred to is defined',
};

/** Ids whose checks always appear in the report (passed when nothing is found), per family where marked. */
const ALWAYS_CHECKED: Array<{ id: string; perFamily: boolean }> = [
  { id: 'parse.unknown-line', perFamily: false },
  { id: 'config.unknown-device', perFamily: false },
  { id: 'config.missing-device', perFamily: false },
  { id: 'ospf.half-adjacency', perFamily: true },
  { id: 'ospf.area-mismatch', perFamily: true },
  { id: 'ospf.auth-mismatch', perFamily: true },
  { id: 'bfd.one-sided', perFamily: true },
  { id: 'ospf.duplicate-router-id', perFamily: true },
  { id: 'ospf.area0-contiguity', perFamily: true },
  { id: 'reach.core', perFamily: true },
  { id: 'reach.exit', perFamily: true },
  { id: 'reach.services', perFamily: true },
  { id: 'forwarding.loop', perFamily: true },
  { id: 'forwarding.blackhole', perFamily: true },
  { id: 'failure.link', perFamily: true },
  { id: 'failure.device', perFamily: true },
  { id: 'failure.upstream', perFamily: true },
  { id: 'failure.services', perFamily: true },
  { id: 'vrrp.missing', perFamily: true },
  { id: 'vrrp.mismatch', perFamily: true },
];

const CHECK_PREFIX = 'config.';

/**
 * Findings as report checks `config.<id>` (one per id and family), with the always-run checks passed
 * when empty. Without `failuresAsked` the single-failure checks are left out, not shown as passed:
 * those questions were not asked.
 */
export function findingsToChecks(findings: ConfigFinding[], families: readonly Family[], prefix = CHECK_PREFIX, failuresAsked = true): VerificationCheck[] {
  const groups = new Map<string, { id: string; family?: Family; failures: VerificationFailure[] }>();
  const key = (id: string, family?: Family) => `${id}\u0000${family ?? ''}`;
  for (const { id, perFamily } of ALWAYS_CHECKED) {
    if (!failuresAsked && id.startsWith('failure.')) continue;
    for (const family of perFamily ? families : [undefined]) groups.set(key(id, family), { id, ...(family ? { family } : {}), failures: [] });
  }
  for (const f of findings) {
    const k = key(f.id, f.family);
    const g = groups.get(k) ?? groups.set(k, { id: f.id, ...(f.family ? { family: f.family } : {}), failures: [] }).get(k)!;
    g.failures.push({ object: f.object, message: f.message, ...(f.at.length ? { locations: f.at } : {}) });
  }
  return [...groups.values()].map((g) => ({
    id: `${prefix}${g.id}`,
    title: FINDING_TITLES[g.id] ?? g.id,
    ...(g.family ? { family: g.family } : {}),
    passed: g.failures.length === 0,
    failures: g.failures.sort(byObject),
  }));
}
