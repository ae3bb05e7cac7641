/** The daemon's HTTP side: /metrics for Prometheus, /healthz, /faults (JSON). Loopback unless told. */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HttpOptions {
  host: string;
  port: number;
  registry: Registry;
  faults: () => Promise<unknown>;
}

export async function startHttp(opts: HttpOptions): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const handle = async () => {
      if (path === '/metrics') return reply(200, opts.registry.contentType, await opts.registry.metrics());
      if (path === '/healthz') return reply(200, 'text/plain', 'ok\n');
      if (path === '/faults') return reply(200, 'application/json', JSON.stringify(await opts.faults()));
      reply(404, 'text/plain', 'not found\n');
    };
    handle().catch((err: unknown) => reply(500, 'text/plain', `${(err as Error).message}\n`));
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port, opts.host, () => res());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return { server, port, close: () => new Promise((res) => server.close(() => res())) };
}
