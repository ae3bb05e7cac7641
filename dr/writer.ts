/**
 * The drill's writer: runs inside a client namespace (`ip netns exec … node writer.js`), commits one
 * row at a time to the service address and prints every acknowledged commit, so that the drill can
 * count afterwards which acknowledged writes the new primary lost (RPO) and when the service
 * answered again (RTO). A write is acknowledged when its COMMIT returned: with synchronous
 * replication, that is after the synchronous standby flushed it.
 *
 * Protocol on stdout, one line each: `A <id> <startMs> <ackMs>` (acknowledged), `E <ms> <message>`
 * (a failed attempt; the writer reconnects and goes on with the next id).
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';

export interface WriterArgs {
  host: string;
  port: number;
  run: string;
  intervalMs: number;
  timeoutMs: number;
}

export function parseWriterArgs(argv: readonly string[]): WriterArgs {
  const get = (k: string, d?: string) => {
    const i = argv.indexOf(`--${k}`);
    const v = i >= 0 ? argv[i + 1] : d;
    if (v === undefined) throw new Error(`writer: --${k} is required`);
    return v;
  };
  return {
    host: get('host'),
    port: Number(get('port', '5432')),
    run: get('run'),
    intervalMs: Number(get('interval', '20')),
    timeoutMs: Number(get('timeout', '1500')),
  };
}

async function main(args: WriterArgs): Promise<void> {
  let stopping = false;
  process.on('SIGTERM', () => (stopping = true));
  process.on('SIGINT', () => (stopping = true));
  let client: pg.Client | undefined;
  let id = 0;
  let lastError = '';
  const out = (line: string) => process.stdout.write(line + '\n');
  while (!stopping) {
    try {
      if (!client) {
        const c = new pg.Client({
          host: args.host,
          port: args.port,
          user: 'postgres',
          database: 'postgres',
          connectionTimeoutMillis: args.timeoutMs,
          query_timeout: args.timeoutMs,
          keepAlive: true,
        });
        c.on('error', () => undefined);
        client = c;
        await c.connect();
      }
      const next = ++id;
      const start = Date.now();
      await client.query('INSERT INTO drill_writes (id, run, at) VALUES ($1, $2, now())', [next, args.run]);
      out(`A ${next} ${start} ${Date.now()}`);
      lastError = '';
    } catch (err) {
      const msg = (err as Error).message.replace(/\s+/g, ' ').slice(0, 160);
      if (msg !== lastError) out(`E ${Date.now()} ${msg}`);
      lastError = msg;
      const dead = client;
      client = undefined;
      // A connection to a centre that vanished never closes by itself: drop it, don't wait on it.
      dead?.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    await new Promise((r) => setTimeout(r, args.intervalMs));
  }
  await client?.end().catch(() => undefined);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(parseWriterArgs(process.argv.slice(2))).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`writer: ${String(err)}\n`);
      process.exit(3);
    },
  );
}
