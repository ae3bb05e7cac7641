/**
 * Which OSPF authentication keys each area's routers hold and which one they send with: the
 * non-secret half of the area keys (the values live sealed in the state dir, lib/ospf-keys.ts;
 * configs name them by reference only, `{{secret:ospf/area-0.0.0.0/key-1}}`).
 *
 * A key roll never leaves two neighbours without a key in common. It goes in three steps, each
 * pushed to every router of the area before the next starts:
 *
 *   steady     keys [1]     send 1
 *   accept     keys [1, 2]  send 1   every router accepts the new key before anyone sends it
 *   send       keys [1, 2]  send 2   everyone sends the new key, the old one is still accepted
 *   steady     keys [2]     send 2   the old key is removed
 *
 * FRR 8.4's ospfd cannot do the accept step for OSPFv2 (it accepts only the key it sends with:
 * render/features/ospf-auth.ts); its routers switch OSPFv2 keys at the send step, all at one
 * instant, which lab/ospf-rotate.ts arranges. OSPFv3 (ospf6d key chains) and VRP take all three.
 *
 * Pure: plain data in and out.
 */

/** OSPF key ids: VRP and FRR ospfd take 1–255 (the OSPFv3 trailer's 16 bits hold that too). */
export const MAX_KEY_ID = 255;

/** Where an area's key roll stands. */
type RollPhase = 'steady' | 'accept' | 'send';

export interface AreaKeys {
  /** Key ids every router of the area accepts, ascending. */
  keys: number[];
  /** The key id the routers send with (one of `keys`). */
  send: number;
}

/** Area id (dotted) → its keys. An area missing here holds key 1 only. */
export type OspfKeyring = Record<string, AreaKeys>;

export const FIRST_KEY: AreaKeys = { keys: [1], send: 1 };

export function areaKeys(ring: OspfKeyring | undefined, area: string): AreaKeys {
  return ring?.[area] ?? FIRST_KEY;
}

/** The phase an area's keys are in. */
export function rollPhase(k: AreaKeys): RollPhase {
  if (k.keys.length === 1) return 'steady';
  return k.send === newerKey(k) ? 'send' : 'accept';
}

/** The newer of a pair of keys: the higher id, except across the wrap (255 → 1). */
function newerKey(k: AreaKeys): number {
  const [a, b] = k.keys as [number, number];
  if (a === 1 && b === MAX_KEY_ID) return 1;
  return b;
}

function nextKeyId(id: number): number {
  return id >= MAX_KEY_ID ? 1 : id + 1;
}

/** The next step of a roll; from `steady` a new key is added (accept-only). */
export function advance(k: AreaKeys): AreaKeys {
  if (k.keys.length === 1) {
    const id = nextKeyId(k.send);
    return { keys: [k.send, id].sort((x, y) => x - y), send: k.send };
  }
  const newer = newerKey(k);
  if (k.send !== newer) return { keys: k.keys, send: newer };
  return { keys: [newer], send: newer };
}

/**
 * Secret path of one key. OSPFv2 and OSPFv3 keys are separate secrets: keyed MD5 takes at most 16
 * characters (FRR cuts a longer key, VRP refuses it), the OSPFv3 trailer's HMAC-SHA-256 key is longer.
 */
export function ospfKeyPath(version: 'v2' | 'v3', area: string, id: number): string {
  return `ospf/area-${area}/${version === 'v2' ? 'key' : 'v3-key'}-${id}`;
}

/** Is this secret path an OSPFv2 (MD5) key, which must be at most 16 characters? */
export const isMd5KeyPath = (path: string): boolean => /^ospf\/area-[^/]+\/key-\d+$/.test(path);
