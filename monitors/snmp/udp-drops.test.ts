import { describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { kernelUdpDrops, udpDropsOf } from './udp-drops.js';

const SAMPLE = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  812: 0100007F:27A2 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 123456 2 0000000000000000 17
  813: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 123457 2 0000000000000000 0`;

describe('kernel UDP drops', () => {
  it('reads the drops column of the socket bound to the port', () => {
    expect(udpDropsOf(SAMPLE, 10146)).toBe(17);
    expect(udpDropsOf(SAMPLE, 53)).toBe(0);
    expect(udpDropsOf(SAMPLE, 9999)).toBeUndefined();
  });
  it('finds a real bound socket in /proc', async () => {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    try {
      expect(kernelUdpDrops(s.address().port)).toBe(0);
    } finally {
      s.close();
    }
  });
});
