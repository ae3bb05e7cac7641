/** Arithmetic over {vcpu, ramGiB, storageTiB}: capacity and quota accounting share it. */
import type { Resources } from './types.js';

export function zero(): Resources {
  return { vcpu: 0, ramGiB: 0, storageTiB: 0 };
}

export function add(into: Resources, r: Resources): Resources {
  into.vcpu += r.vcpu;
  into.ramGiB += r.ramGiB;
  into.storageTiB += r.storageTiB;
  return into;
}

export function sum(items: Iterable<Resources>): Resources {
  const out = zero();
  for (const r of items) add(out, r);
  return out;
}

/** Does `used + extra` stay within `limit` in every dimension? (A tiny epsilon absorbs float sums.) */
export function fits(used: Resources, extra: Resources, limit: Resources): boolean {
  return (
    used.vcpu + extra.vcpu <= limit.vcpu + 1e-9 &&
    used.ramGiB + extra.ramGiB <= limit.ramGiB + 1e-9 &&
    used.storageTiB + extra.storageTiB <= limit.storageTiB + 1e-9
  );
}

/** The smallest free share over the three dimensions (1 = empty, 0 = full). */
export function freeShare(used: Resources, limit: Resources): number {
  const share = (u: number, l: number) => (l <= 0 ? 0 : (l - u) / l);
  return Math.min(share(used.vcpu, limit.vcpu), share(used.ramGiB, limit.ramGiB), share(used.storageTiB, limit.storageTiB));
}

export function scale(r: Resources, f: { compute: number; storage: number }): Resources {
  return { vcpu: r.vcpu * f.compute, ramGiB: r.ramGiB * f.compute, storageTiB: r.storageTiB * f.storage };
}
