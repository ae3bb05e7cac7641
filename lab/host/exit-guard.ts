/**
 * The guarded exit on the lab's Linux side (issue 11 part 6): FRR has no packet filter or NAT, so
 * each exit namespace gets the model's guard (`topology.exit.guards`, the same data the VRP feature
 * renders) as nftables — nftables works inside namespaces on this kernel (DESIGN.md).
 *
 *   inbound   prerouting at mangle priority (before DNAT, like VRP's traffic-filter before NAT):
 *             on the upstream interface, IPv6 neighbour discovery, then uRPF, then replies to
 *             sessions opened from inside (conntrack: stateful, unlike VRP's ACL), then the declared
 *             public services, then drop. Counters say what was dropped and why.
 *   uRPF      `fib saddr . iif oif missing drop` — strict: the route back to the source must leave
 *             by the interface the packet came in on (the exit's own static default covers the
 *             internet); one rule for both families, where rp_filter would cover IPv4 only.
 *   NAT       source NAT of the government ranges to the exit's pool on the way out, and one DNAT
 *             per public service's IPv4 address to its VIP.
 *
 * Applied as one `nft -f` transaction per exit (the tables are flushed and rewritten atomically,
 * without a window), and only when it would change something: rewriting the tables resets their
 * counters, which are what says what the exit dropped. A deploy applies an exit's guard when the
 * rendered ruleset's hash differs from the one the lab state recorded at the last apply, or when
 * what runs (`nft -j list ruleset`, our tables only, handles and counter values left out) differs
 * from what ran right after it (a namespace made anew, a table flushed or edited by hand).
 */
import { createHash } from 'node:crypto';
import type { ExitGuard } from '../../network/types.js';
import type { ScopedTopology } from '../scope.js';
import type { StateStore } from '../state.js';
import { deviceNs } from '../names.js';
import { run } from '../shell.js';

const GUARD_TABLE = 'stacks_exit_guard';
const NAT_TABLE = 'stacks_exit_nat';
/** Named counters of the inbound chain (read by tests and `nft list counters`). */
export const GUARD_COUNTERS = ['urpf_dropped', 'denied', 'admitted'] as const;

const q = (s: string) => JSON.stringify(s);

/** The nftables ruleset for one exit: pure, so it is tested without a kernel. */
export function exitGuardRuleset(guard: ExitGuard): string {
  const up = q(guard.interface);
  const rpf = guard.urpf === 'strict' ? 'fib saddr . iif oif missing' : 'fib saddr oif missing';
  const admit = guard.admit.map(
    (a) => `    ${a.family === 'ipv4' ? 'ip' : 'ip6'} daddr ${a.address} ${a.protocol} dport ${a.port} counter name "admitted" accept comment ${q(a.service)}`,
  );
  const lines = [
    `table inet ${GUARD_TABLE} {}`,
    `delete table inet ${GUARD_TABLE}`,
    `table inet ${GUARD_TABLE} {`,
    ...GUARD_COUNTERS.map((c) => `  counter ${c} {}`),
    '  chain inbound {',
    '    type filter hook prerouting priority mangle; policy accept;',
    `    iifname != ${up} accept`,
    // the hand-off link's own neighbour discovery (link-local, before uRPF: DAD probes come from ::)
    '    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } ip6 hoplimit 255 accept',
    `    ${rpf} counter name "urpf_dropped" drop comment "uRPF ${guard.urpf}"`,
    '    ct state established,related accept',
    ...admit,
    '    counter name "denied" drop comment "default deny"',
    '  }',
    '}',
  ];
  if (guard.nat) {
    const dnat = guard.admit
      .filter((a) => a.family === 'ipv4' && a.inside)
      .map((a) => `    iifname ${up} ip daddr ${a.address} ${a.protocol} dport ${a.port} dnat to ${a.inside}:${a.port} comment ${q(a.service)}`);
    lines.push(
      `table ip ${NAT_TABLE} {}`,
      `delete table ip ${NAT_TABLE}`,
      `table ip ${NAT_TABLE} {`,
      '  chain prerouting {',
      '    type nat hook prerouting priority dstnat; policy accept;',
      ...dnat,
      '  }',
      '  chain postrouting {',
      '    type nat hook postrouting priority srcnat; policy accept;',
      `    oifname ${up} ip saddr { ${guard.nat.inside.join(', ')} } snat to ${guard.nat.poolFirst}-${guard.nat.poolLast}`,
      '  }',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/** Our tables of a `nft -j list ruleset` document, without what changes when nothing does (handles, packet and byte counts). */
function runningFingerprint(listing: string): string {
  const ours = (family: string, name: string) => (family === 'inet' && name === GUARD_TABLE) || (family === 'ip' && name === NAT_TABLE);
  const doc = JSON.parse(listing) as { nftables: Array<Record<string, { family?: string; name?: string; table?: string }>> };
  const kept = doc.nftables.filter((e) => {
    const [kind, v] = Object.entries(e)[0]!;
    return kind !== 'metainfo' && ours(v.family ?? '', kind === 'table' ? (v.name ?? '') : (v.table ?? ''));
  });
  return sha(JSON.stringify(kept, (k, v: unknown) => (k === 'handle' || k === 'packets' || k === 'bytes' ? undefined : v)));
}

const listRuleset = async (ns: string) => runningFingerprint((await run('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'ruleset'])).stdout);

/** Apply every in-scope exit's guard in its namespace where it would change what runs; returns the exits it applied. */
export async function applyExitGuards(scoped: ScopedTopology, lab: string, store: StateStore): Promise<string[]> {
  const inScope = new Set(scoped.handoffs.map((h) => h.device));
  // Each exit's namespace is its own: the transactions go at once.
  const applied = await Promise.all(
    (scoped.topology.exit.guards ?? [])
      .filter((guard) => inScope.has(guard.device))
      .map(async (guard) => {
        const ns = deviceNs(lab, guard.device);
        const ruleset = exitGuardRuleset(guard);
        const prev = store.state.exitGuards?.[guard.device];
        if (prev?.rendered === sha(ruleset) && prev.running === (await listRuleset(ns))) return undefined;
        await run('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: ruleset });
        return { device: guard.device, rendered: sha(ruleset), running: await listRuleset(ns) };
      }),
  );
  const done = applied.filter((a) => a !== undefined);
  if (done.length)
    await store.update((s) => {
      s.exitGuards ??= {};
      for (const a of done) s.exitGuards[a.device] = { rendered: a.rendered, running: a.running };
    });
  return done.map((a) => a.device);
}

/** The inbound counters of one exit, in packets. */
export async function exitGuardCounters(lab: string, device: string): Promise<Record<(typeof GUARD_COUNTERS)[number], number>> {
  const r = await run('ip', ['netns', 'exec', deviceNs(lab, device), 'nft', '-j', 'list', 'counters', 'table', 'inet', GUARD_TABLE]);
  const doc = JSON.parse(r.stdout) as { nftables: Array<{ counter?: { name: string; packets: number } }> };
  const out = { urpf_dropped: 0, denied: 0, admitted: 0 };
  for (const e of doc.nftables) if (e.counter && e.counter.name in out) out[e.counter.name as keyof typeof out] = e.counter.packets;
  return out;
}
