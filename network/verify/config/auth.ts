/**
 * Whether two ends' OSPF authentication lets an adjacency form, from what each end sends and
 * accepts (parsed from key chains and message-digest keys: ids and secret references, never
 * values). A packet is accepted when the receiver has a key of the sender's type with the sender's
 * key id and the same key — the same secret reference, or the same literal. What each end accepts
 * is its dialect's (FRR 8.4's ospfd: only the MD5 key it sends; ospf6d and VRP: every key of the
 * chain), so a roll step taken by one router before its neighbours is predicted as the daemons
 * would take it, and a wrong key (another reference) breaks the adjacency in the family whose key
 * differs, before deploy.
 */
import type { OspfAuthKey, OspfInterface } from './model.js';

const same = (a: OspfAuthKey, b: OspfAuthKey) => a.id === b.id && a.ref === b.ref;
const show = (k: OspfAuthKey) => `key ${k.id} (${k.ref.startsWith('ref:') ? k.ref.slice(4) : 'a literal key'})`;

/** Why the two ends reject each other's packets, or undefined when they authenticate alike. */
export function authMismatch(a: OspfInterface, b: OspfInterface, names: [string, string]): string | undefined {
  const [na, nb] = names;
  const x = a.authentication;
  const y = b.authentication;
  if (!x && !y) return a.auth === b.auth ? undefined : `authenticate differently (${a.auth}, ${b.auth})`;
  if (!x || !y) return `${x ? nb : na} does not authenticate, ${x ? na : nb} does (${(x ?? y)!.type})`;
  if (x.type !== y.type) return `use different authentication (${x.type}, ${y.type})`;
  for (const [from, to, fromName, toName] of [
    [x, y, na, nb],
    [y, x, nb, na],
  ] as const) {
    if (!from.send) return `${fromName} has no key it can send with`;
    if (!to.accept.some((k) => same(k, from.send!)))
      return `${toName} does not accept ${fromName}'s ${show(from.send)}${to.accept.length ? `; it accepts ${to.accept.map(show).join(', ')}` : ''}`;
  }
  return undefined;
}
