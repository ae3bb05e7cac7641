import { describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { Registry } from 'prom-client';
import { startHttp } from './http.js';

describe('/metrics under a flood of idle connections', () => {
  it('caps open connections and keeps answering scrapes', async () => {
    const http = await startHttp({ host: '127.0.0.1', port: 0, registry: new Registry(), faults: async () => [], maxConnections: 64 });
    const idle: Socket[] = [];
    try {
      for (let i = 0; i < 200; i++) {
        const s = connect(http.port, '127.0.0.1');
        s.on('error', () => undefined);
        idle.push(s);
        await new Promise((r) => s.once('connect', r));
      }
      const started = Date.now();
      const res = await fetch(`http://127.0.0.1:${http.port}/metrics`);
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2000);
      const count = await new Promise<number>((r) => http.server.getConnections((_e, n) => r(n)));
      expect(count).toBeLessThanOrEqual(65);
    } finally {
      for (const s of idle) s.destroy();
      await http.close();
    }
  }, 20_000);
});
