/**
 * BFD sessions come up a little after OSPF's adjacencies (bfdd starts a session once ospfd asks
 * for it): a test reading them right after a fast deploy sees some still down (CI saw 2 and 3 of 4).
 * Wait for them instead, up to 30 s, and return how many are up at the end.
 */
import type { BfdPeer } from '../../drivers/types.js';

export async function waitBfdUp(drv: { getBfdPeers(): Promise<BfdPeer[]> }, want: number, timeoutMs = 30_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const up = (await drv.getBfdPeers()).filter((p) => p.status === 'up').length;
    if (up >= want || Date.now() > end) return up;
    await new Promise((res) => setTimeout(res, 250));
  }
}
