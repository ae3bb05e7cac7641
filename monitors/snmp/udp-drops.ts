/**
 * Traps the kernel dropped before the receiver read them (its socket buffer was full): the `drops`
 * column of /proc/net/udp and /proc/net/udp6 for the receiver's local port. Linux only; elsewhere,
 * or when the socket is not found, undefined (the metric is then absent, never a made-up zero).
 */
import { readFileSync } from 'node:fs';

/** Sum of `drops` over the sockets bound to `port` in one /proc/net/udp* text. Pure. */
export function udpDropsOf(procText: string, port: number): number | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let found = false;
  let drops = 0;
  for (const line of procText.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 13) continue;
    if (cols[1]!.split(':')[1] !== hexPort) continue;
    found = true;
    drops += Number(cols[cols.length - 1]);
  }
  return found ? drops : undefined;
}

export function kernelUdpDrops(port: number): number | undefined {
  let total: number | undefined;
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const d = udpDropsOf(text, port);
    if (d !== undefined) total = (total ?? 0) + d;
  }
  return total;
}
