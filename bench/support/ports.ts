/** A UDP port on loopback nobody holds right now (bound and released: the bench binds it next). */
import { createSocket } from 'node:dgram';

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createSocket('udp4');
    s.once('error', rej);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}
