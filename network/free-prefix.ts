/**
 * The lowest free aligned prefix of a length inside a block: shared by the site IPAM (ipam.ts) and the
 * cloud pools (pools.ts), in a module of its own so that neither imports the other.
 */
import { BITS, overlaps, size, type Prefix } from '../lib/ip.js';

const byNetwork = (a: Prefix, b: Prefix) => (a.network < b.network ? -1 : a.network > b.network ? 1 : 0);

/**
 * The lowest aligned prefix of `length` inside `block` that overlaps nothing in `taken`
 * (`presorted`: taken is already in address order and inside the block, as IPAM keeps it).
 */
export function nextFreePrefix(block: Prefix, length: number, taken: readonly Prefix[], presorted = false): Prefix | undefined {
  if (length < block.length) return undefined;
  const step = 1n << BigInt(BITS[block.family] - length);
  const sorted = presorted ? taken : taken.filter((t) => overlaps(t, block)).sort(byNetwork);
  let candidate = block.network;
  const end = block.network + size(block);
  for (const t of sorted) {
    const tEnd = t.network + size(t);
    if (candidate + step <= t.network) break;
    if (tEnd > candidate) candidate = ((tEnd + step - 1n) / step) * step;
  }
  if (candidate + step > end) return undefined;
  return { family: block.family, network: candidate, length };
}
