/**
 * The daemon's HTTP side: /metrics for Prometheus, /healthz, /faults (JSON), and Alertmanager's
 * webhook at POST /alertmanager/<receiver> (bearer token; 401 without it, 400 naming the field of a
 * malformed payload — nothing recorded in either case), and the NOC page's routes when given
 * (monitors/noc/server.ts). Loopback unless told.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { parseWebhook, type WebhookPayload } from './alert-webhook.js';

/** Prometheus's own default (--web.max-connections): more open connections than this are not served. */
const MAX_CONNECTIONS = 512;

export interface HttpOptions {
  host: string;
  port: number;
  /** Open connections kept at most (default MAX_CONNECTIONS); past it the longest-idle one is closed. */
  maxConnections?: number;
  /** What /metrics serves: a prom-client Registry, or anything with these two members. */
  registry: { contentType: string; metrics(): Promise<string | Buffer> };
  faults: () => Promise<unknown>;
  alertmanager?: { token: string; receive(payload: WebhookPayload): Promise<{ linked: number }> };
  /** More routes (the NOC page): true when it answered the request. */
  routes?: (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) => Promise<boolean>;
}

/** Webhook bodies above this are refused (Alertmanager batches stay far below it). */
const MAX_BODY = 4 * 1024 * 1024;

function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startHttp(opts: HttpOptions): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  // A connection that sends nothing is closed after 10 s (Node's default waits 60 s, checked every 30 s).
  const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 2_000, keepAliveTimeout: 5_000 }, (req, res) => {
    busy.add(req.socket);
    res.on('close', () => busy.delete(req.socket));
    const [path = '/', search = ''] = (req.url ?? '/').split(/\?(.*)/s);
    const reply = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const handle = async () => {
      if (path?.startsWith('/alertmanager/') && opts.alertmanager) {
        if (req.method !== 'POST') return reply(405, 'text/plain', 'POST only\n');
        if (!bearerMatches(req.headers.authorization, opts.alertmanager.token)) return reply(401, 'text/plain', 'missing or wrong bearer token\n');
        let size = 0;
        const chunks: Buffer[] = [];
        for await (const c of req as AsyncIterable<Buffer>) {
          size += c.length;
          if (size > MAX_BODY) return reply(413, 'text/plain', 'payload too large\n');
          chunks.push(c);
        }
        const parsed = parseWebhook(Buffer.concat(chunks).toString('utf8'));
        if (!parsed.ok) return reply(400, 'application/json', JSON.stringify({ error: `${parsed.field}: ${parsed.message}`, field: parsed.field }) + '\n');
        const r = await opts.alertmanager.receive(parsed.payload);
        return reply(200, 'application/json', JSON.stringify(r) + '\n');
      }
      if (path === '/metrics') return reply(200, opts.registry.contentType, await opts.registry.metrics());
      if (path === '/healthz') return reply(200, 'text/plain', 'ok\n');
      if (path === '/faults') return reply(200, 'application/json', JSON.stringify(await opts.faults()));
      if (opts.routes && (await opts.routes(req, res, path, new URLSearchParams(search)))) return;
      reply(404, 'text/plain', 'not found\n');
    };
    handle().catch((err: unknown) => (res.headersSent ? res.end() : reply(500, 'text/plain', `${(err as Error).message}\n`)));
  });
  // Capped, and answering at the cap: 20,000 idle connections made the daemon refuse scrapes for
  // ~50 s. server.maxConnections alone would refuse the scraper; instead a new connection past the
  // cap closes the longest-idle one, so a scrape always gets in. The hard cap stays at twice that.
  const max = opts.maxConnections ?? MAX_CONNECTIONS;
  const open = new Set<Socket>(); // insertion order: oldest first
  const busy = new Set<Socket>();
  server.maxConnections = max * 2;
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => {
      open.delete(socket);
      busy.delete(socket);
    });
    if (open.size <= max) return;
    for (const old of open) {
      if (old === socket || busy.has(old)) continue;
      old.destroy();
      open.delete(old);
      break;
    }
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port, opts.host, () => res());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return { server, port, close: () => new Promise((res) => server.close(() => res())) };
}
