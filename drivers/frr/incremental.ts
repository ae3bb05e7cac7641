/**
 * The vtysh commands that turn one FRR config into another, changing only what differs: pure, so
 * the deployer computes both directions (the commit and its rollback) before touching the device.
 *
 * Why not frr-reload.py --reload: measured on a county router of the lab (xian.xincheng-r1, FRR
 * 8.4.4, 2-core host under load), one cost change took frr-reload.py 2.5–3.6 s (Python start, two
 * `show running-config` reads, one vtysh call per deleted line, then `write`, which rewrites
 * frr.conf: the committed config would change before the confirm); the same change as one vtysh
 * pass of these commands took 0.18–0.25 s. Both left every other adjacency up. frr-reload.py's
 * parser stays in use where its breadth matters and speed does not: `stacks drift` compares the
 * running config with `frr-reload.py --test`, and a commit this module's script cannot apply falls
 * back to frr-reload.py.
 *
 * The model: top-level lines, and contexts (`interface X`, `router ospf`, …) holding lines; line
 * order inside a context does not matter (FRR's own output sorts them). A line removed from a
 * context becomes `no LINE`, except where the new config sets the same single-valued command (a
 * cost 500 → 700 is just `ip ospf cost 700`: no moment at the default cost).
 */

export interface FrrConfigModel {
  top: string[];
  /** Context header → its lines (without indentation), in file order. */
  contexts: Map<string, string[]>;
}

const CONTEXT = /^(interface|router|route-map|key chain|line|bfd|vrf|segment-routing|ip prefix-list \S+ seq|mpls|ldp|pseudowire|nexthop-group)\b/;
/** Contexts with contexts inside (`key chain` → `key N`, `bfd` → `profile P`): a sub-context is keyed `PARENT\n SUB`. */
const NESTING = /^(key chain|bfd)\b/;
const SUB_CONTEXT = /^(key \d+|profile \S+|peer .+)$/;
/**
 * Lines whose order matters: ospfd sends with (and accepts only) the message-digest key configured
 * last. Re-entering a kept key moves it to the end (FRR 8.4's `ip ospf message-digest-key` removes
 * an existing key of that id, then appends: ospfd/ospf_vty.c), so no `no` is needed first; and new
 * keys go in before old ones leave, so a swap is one switch with a key configured throughout.
 */
const ORDERED = [/^ip ospf message-digest-key /];
/** A message-digest key is single-valued per key id: a new key of the same id replaces the old one. */
const MD5_KEY_ID = /^ip ospf message-digest-key \d+(?= )/;
/** Lines that describe the file, not the device: never removed or re-sent. */
const NOT_COMMANDS = /^(!|end$|exit$|frr version |frr defaults |service integrated-vtysh-config|$)/;
/** Commands set once per context: a new value replaces the old, so the old is not removed first. */
const SINGLE_VALUED = [
  'description',
  'hostname',
  'ip ospf cost',
  'ip ospf area',
  'ip ospf network',
  'ip ospf hello-interval',
  'ip ospf dead-interval',
  'ip ospf priority',
  'ipv6 ospf6 cost',
  'ipv6 ospf6 area',
  'ipv6 ospf6 network',
  'ipv6 ospf6 hello-interval',
  'ipv6 ospf6 dead-interval',
  'ipv6 ospf6 priority',
  'bandwidth',
  'ospf router-id',
  'ospf6 router-id',
  'auto-cost reference-bandwidth',
  'timers throttle spf',
  'timers throttle lsa all',
  'timers lsa min-arrival',
  'default-information originate',
  'log syslog',
  'ip ospf bfd profile',
  'ipv6 ospf6 bfd profile',
  'ipv6 ospf6 authentication',
  'key-string',
  'cryptographic-algorithm',
  'send-lifetime',
  'accept-lifetime',
  'detect-multiplier',
  'receive-interval',
  'transmit-interval',
];

export function parseFrrConfig(text: string): FrrConfigModel {
  const model: FrrConfigModel = { top: [], contexts: new Map() };
  let open: string[] | undefined;
  /** The open top-level context's header, while its sub-contexts (key chain keys, bfd profiles) may open. */
  let parent: string | undefined;
  let inSub = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    const indented = /^\s/.test(line);
    const body = line.trim();
    if (body === 'exit' && indented && inSub && parent !== undefined) {
      // ` exit` leaves a key or a profile, back into its stanza
      open = model.contexts.get(parent);
      inSub = false;
      continue;
    }
    if (body === 'exit' || body === 'end') {
      open = undefined;
      parent = undefined;
      inSub = false;
      continue;
    }
    if (NOT_COMMANDS.test(body)) continue;
    if (indented && parent !== undefined && NESTING.test(parent) && SUB_CONTEXT.test(body) && line.search(/\S/) === 1) {
      const header = `${parent}\n ${body}`;
      open = model.contexts.get(header) ?? [];
      model.contexts.set(header, open);
      inSub = true;
    } else if (indented && open) open.push(body);
    else if (CONTEXT.test(body) && !body.startsWith('ip prefix-list')) {
      open = model.contexts.get(body) ?? [];
      model.contexts.set(body, open);
      parent = body;
      inSub = false;
    } else {
      open = undefined;
      parent = undefined;
      model.top.push(body);
    }
  }
  return model;
}

const negate = (line: string) => {
  if (line.startsWith('no ')) return line.slice(3);
  // vtysh takes the lifetimes' `no` forms without arguments
  const lifetime = /^(send|accept)-lifetime /.exec(line);
  return lifetime ? `no ${lifetime[1]}-lifetime` : `no ${line}`;
};
const isOrdered = (line: string) => ORDERED.some((re) => re.test(line));
const singleKey = (line: string) => MD5_KEY_ID.exec(line)?.[0] ?? SINGLE_VALUED.find((k) => line === k || line.startsWith(k + ' '));

/**
 * Commands in `from` not in `to` negated (unless `to` re-sets them), then `to`'s new lines; the
 * order-sensitive ones (message-digest keys) apart, for the script to put first.
 */
function lineChanges(from: readonly string[], to: readonly string[]): { plain: string[]; ordered: string[] } {
  const has = new Set(from);
  const wants = new Set(to);
  const replaced = new Set(
    to
      .filter((l) => !has.has(l))
      .map(singleKey)
      .filter((k): k is string => k !== undefined),
  );
  const orderedFrom = from.filter(isOrdered);
  const orderedTo = to.filter(isOrdered);
  // Plain removal and appending leaves kept lines in their old order, new ones at the end: enough unless `to` wants another order.
  const plainResult = [...orderedFrom.filter((l) => wants.has(l)), ...orderedTo.filter((l) => !has.has(l))];
  const reorder = plainResult.join('\n') !== orderedTo.join('\n');
  const goes = (l: string) => !wants.has(l) && !replaced.has(singleKey(l) ?? '\0');
  const removed = from.filter((l) => !isOrdered(l) && goes(l)).map(negate);
  const added = to.filter((l) => !isOrdered(l) && !has.has(l));
  // In `to`'s order: new lines added (and, when the order changes, kept ones re-entered); only then do the dropped ones go.
  const ordered = reorder ? orderedTo : orderedTo.filter((l) => !has.has(l));
  const dropped = orderedFrom.filter(goes).map(negate);
  return { plain: [...removed, ...added], ordered: [...ordered, ...dropped] };
}

/** A vtysh -f script from `from` to `to` (empty when they configure the same). */
export function incrementalScript(fromText: string, toText: string): string {
  const from = parseFrrConfig(fromText);
  const to = parseFrrConfig(toText);
  const out: string[] = [];
  const changes = new Map([...to.contexts].map(([header, lines]) => [header, lineChanges(from.contexts.get(header) ?? [], lines)]));
  // Message-digest key changes first, every interface's in one run: a timed commit's OSPFv2 key
  // switch (lab/ospf-rotate.ts) is then done a few commands after its instant, on every router
  // alike, however long the rest of the script takes.
  for (const [header, c] of changes) if (c.ordered.length) out.push(header, ...c.ordered.map((l) => ` ${l}`), 'exit');
  for (const [header, lines] of from.contexts) {
    if (to.contexts.has(header)) continue;
    const [parent, sub] = header.split('\n') as [string, string | undefined];
    if (sub !== undefined) {
      // a key or profile goes inside its stanza (unless the whole stanza goes)
      if (to.contexts.has(parent)) out.push(parent, ` ${negate(sub.trim())}`, 'exit');
    } else if (header.startsWith('interface ')) {
      // An interface is the kernel's: its config is removed line by line. Other contexts go whole.
      if (lines.length) out.push(header, ...lines.map((l) => ` ${negate(l)}`), 'exit');
    } else out.push(negate(header));
  }
  const top = lineChanges(from.top, to.top);
  out.push(...top.plain, ...top.ordered);
  for (const header of to.contexts.keys()) {
    const { plain, ordered } = changes.get(header)!;
    if (!plain.length && (ordered.length || from.contexts.has(header))) continue;
    const [parent, sub] = header.split('\n') as [string, string | undefined];
    if (sub !== undefined) out.push(parent, sub, ...plain.map((l) => `  ${l}`), ' exit', 'exit');
    else out.push(header, ...plain.map((l) => ` ${l}`), 'exit');
  }
  return out.length ? out.join('\n') + '\n' : '';
}
