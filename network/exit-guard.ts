/**
 * The guarded internet exit (issue 11 part 6) as model data: from exit-policy.yaml and the topology,
 * what each exit's upstream interface does — source NAT of the government IPv4 ranges to that
 * exit's public range, an inbound filter admitting only replies to sessions opened from inside and
 * the declared public services (static NAT to their VIPs over IPv4, the VIP itself over IPv6), and
 * uRPF. Pure: the renderers (VRP feature, lab nftables) and the policies read the result.
 *
 * uRPF is strict by default: each exit is single-homed to its own upstream, so the only sources that
 * may legitimately arrive on its upstream interface are those whose route points back out of it —
 * the internet, through the exit's own static default. Strict (with the default route allowed, the
 * VRP `allow-default-route`) then drops what matters: government sources spoofed from outside,
 * whose routes point inwards. Loose would accept them (every government prefix has a route), and
 * with a default route loose accepts everything, so it checks nothing here (RFC 3704 §2.2 vs §2.4).
 */
import type { Inventory } from '../inventory/load.js';
import type { ExitPolicyFile } from '../inventory/schema.js';
import { StacksError, StacksErrors, inputError } from '../lib/errors.js';
import { contains, formatAddress, lastAddress, overlaps, parseAddress, parsePrefix, PrefixError, type Prefix } from '../lib/ip.js';
import type { ExitGuard, GuardAdmit, PublishedService, Topology } from './types.js';

const PROTOCOL: Record<PublishedService['protocol'], 'tcp'> = { HTTP: 'tcp', HTTPS: 'tcp', TCP: 'tcp' };

type Exit = Pick<Topology, 'exit' | 'supernets' | 'services'>;

/**
 * One guard per exit in the topology. Without exit-policy data: inbound default-deny and uRPF still
 * hold (they need no data), but nothing is translated and nothing is published.
 */
export function planExitGuards(inv: Pick<Inventory, 'exitPolicy' | 'paths'>, topology: Exit): ExitGuard[] {
  const policy = inv.exitPolicy;
  const file = inv.paths.exit_policy ?? inv.paths.province ?? 'exit-policy.yaml';
  const errors: StacksError[] = [];
  const prefix = (text: string, path: string): Prefix | undefined => {
    try {
      const p = parsePrefix(text);
      if (p.family !== 'ipv4') throw new PrefixError(`"${text}" is not an IPv4 prefix`);
      return p;
    } catch (e) {
      if (!(e instanceof PrefixError)) throw e;
      errors.push(inputError('E_EXIT_POLICY', file, path, e.message));
      return undefined;
    }
  };
  const exits = topology.exit.handoffs.map((h) => h.device);
  const guards = new Map<string, ExitGuard>(
    topology.exit.handoffs.map((h) => [h.device, { device: h.device, interface: h.interface, urpf: policy?.urpf ?? 'strict', admit: [] }]),
  );
  if (!policy) return [...guards.values()];

  const supernet = parsePrefix(topology.supernets.ipv4);
  const inside = (policy.nat.inside_ipv4 ?? [topology.supernets.ipv4]).map((t, i) => [t, prefix(t, `nat.inside_ipv4[${i}]`)] as const);
  const ranges = new Map<string, { public: Prefix; snat: Prefix }>();
  policy.exits.forEach((e, i) => {
    const at = `exits[${i}]`;
    if (!guards.has(e.device)) {
      errors.push(inputError('E_EXIT_POLICY', file, `${at}.device`, `"${e.device}" is not an exit of the topology (${exits.join(', ')})`));
      return;
    }
    if (ranges.has(e.device)) errors.push(inputError('E_EXIT_POLICY', file, `${at}.device`, `${e.device} is listed twice`));
    const pub = prefix(e.public_ipv4, `${at}.public_ipv4`);
    const snat = prefix(e.snat_ipv4, `${at}.snat_ipv4`);
    if (!pub || !snat) return;
    if (!contains(pub, snat))
      errors.push(inputError('E_EXIT_POLICY', file, `${at}.snat_ipv4`, `${e.snat_ipv4} is not inside the exit's public range ${e.public_ipv4}`));
    if (overlaps(pub, supernet))
      errors.push(inputError('E_EXIT_POLICY', file, `${at}.public_ipv4`, `${e.public_ipv4} overlaps the government supernet ${topology.supernets.ipv4}`));
    for (const [other, r] of ranges)
      if (overlaps(r.public, pub)) errors.push(inputError('E_EXIT_POLICY', file, `${at}.public_ipv4`, `${e.public_ipv4} overlaps ${other}'s public range`));
    ranges.set(e.device, { public: pub, snat });
  });
  for (const [t, p] of inside)
    if (p && !contains(supernet, p) && !contains(p, supernet))
      errors.push(inputError('E_EXIT_POLICY', file, 'nat.inside_ipv4', `${t} is not a government range (outside ${topology.supernets.ipv4})`));
  if (errors.length) throw new StacksErrors(errors);

  for (const [device, r] of ranges) {
    guards.get(device)!.nat = {
      inside: inside.map(([t]) => t),
      publicRange: `${formatAddress('ipv4', r.public.network)}/${r.public.length}`,
      poolFirst: formatAddress('ipv4', r.snat.network),
      poolLast: formatAddress('ipv4', lastAddress(r.snat)),
    };
  }
  admitServices(policy, topology, ranges, guards, file, errors);
  if (errors.length) throw new StacksErrors(errors);
  return [...guards.values()];
}

function admitServices(
  policy: ExitPolicyFile,
  topology: Exit,
  ranges: Map<string, { public: Prefix; snat: Prefix }>,
  guards: Map<string, ExitGuard>,
  file: string,
  errors: StacksError[],
): void {
  const services = new Map((topology.services ?? []).map((s) => [s.id, s]));
  const used = new Map<string, string>();
  policy.public_services.forEach((p, i) => {
    const at = `public_services[${i}]`;
    const s = services.get(p.service);
    if (!s) {
      errors.push(
        inputError(
          'E_EXIT_POLICY',
          file,
          `${at}.service`,
          `"${p.service}" is not a published service (clouds.yaml services)`,
          'name one as <cloud>/<service name>',
        ),
      );
      return;
    }
    for (const device of guards.keys()) {
      const guard = guards.get(device)!;
      const base = { service: s.id, protocol: PROTOCOL[s.protocol], port: s.port };
      guard.admit.push({ ...base, family: 'ipv6', address: s.vip.ipv6 } satisfies GuardAdmit);
      const address = p.public_ipv4[device];
      const range = ranges.get(device);
      if (address === undefined || !range) {
        errors.push(inputError('E_EXIT_POLICY', file, `${at}.public_ipv4`, `has no public IPv4 address at ${device}`));
        continue;
      }
      let value: bigint;
      try {
        value = parseAddress(address, 'ipv4');
      } catch {
        errors.push(inputError('E_EXIT_POLICY', file, `${at}.public_ipv4.${device}`, `"${address}" is not an IPv4 address`));
        continue;
      }
      const one: Prefix = { family: 'ipv4', network: value, length: 32 };
      if (!contains(range.public, one))
        errors.push(inputError('E_EXIT_POLICY', file, `${at}.public_ipv4.${device}`, `${address} is outside ${device}'s public range`));
      else if (contains(range.snat, one))
        errors.push(inputError('E_EXIT_POLICY', file, `${at}.public_ipv4.${device}`, `${address} lies in ${device}'s source NAT pool`));
      const key = `${address}:${base.protocol}/${base.port}`;
      if (used.has(key)) errors.push(inputError('E_EXIT_POLICY', file, `${at}.public_ipv4.${device}`, `${key} is already ${used.get(key)}`));
      used.set(key, s.id);
      guard.admit.push({ ...base, family: 'ipv4', address, inside: s.vip.ipv4 });
    }
    for (const device of Object.keys(p.public_ipv4))
      if (!guards.has(device)) errors.push(inputError('E_EXIT_POLICY', file, `${at}.public_ipv4.${device}`, `${device} is not an exit of the topology`));
  });
  for (const g of guards.values()) g.admit.sort((a, b) => (a.family === b.family ? 0 : a.family === 'ipv4' ? -1 : 1));
}
