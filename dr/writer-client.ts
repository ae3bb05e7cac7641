/** Start the writer in the client namespace and collect what it acknowledged. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimeError } from '../lib/errors.js';

export interface Ack {
  id: number;
  startMs: number;
  ackMs: number;
}

export interface WriterLog {
  acks: Ack[];
  errors: Array<{ ms: number; message: string }>;
}

/** The compiled writer (it runs as its own node process inside a namespace). */
function writerScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = here.endsWith(join('dist', 'dr')) ? join(here, 'writer.js') : resolve(here, '..', 'dist', 'dr', 'writer.js');
  if (!existsSync(compiled)) throw runtimeError('E_DR_WRITER', `the compiled writer ${compiled} is missing`, 'run `npm run build` first');
  return compiled;
}

/** Parse the writer's stdout protocol (see writer.ts). Pure. */
export function parseWriterLines(text: string, log: WriterLog): void {
  for (const line of text.split('\n')) {
    if (line.startsWith('A ')) {
      const [, id, s, a] = line.split(' ');
      log.acks.push({ id: Number(id), startMs: Number(s), ackMs: Number(a) });
    } else if (line.startsWith('E ')) {
      const sp = line.indexOf(' ', 2);
      log.errors.push({ ms: Number(line.slice(2, sp)), message: line.slice(sp + 1) });
    }
  }
}

export class Writer {
  readonly log: WriterLog = { acks: [], errors: [] };
  private child: ChildProcess;
  private buffer = '';
  private exited: Promise<void>;

  constructor(ns: string, host: string, run: string, intervalMs = 20) {
    this.child = spawn('ip', ['netns', 'exec', ns, process.execPath, writerScript(), '--host', host, '--run', run, '--interval', String(intervalMs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      this.buffer += d;
      const cut = this.buffer.lastIndexOf('\n');
      if (cut >= 0) {
        parseWriterLines(this.buffer.slice(0, cut), this.log);
        this.buffer = this.buffer.slice(cut + 1);
      }
    });
    this.child.stderr!.resume();
    this.exited = new Promise((r) => this.child.on('close', () => r()));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  lastAck(): Ack | undefined {
    return this.log.acks[this.log.acks.length - 1];
  }

  /** First write started after `ms` that was acknowledged. */
  firstAckStartedAfter(ms: number): Ack | undefined {
    return this.log.acks.find((a) => a.startMs >= ms);
  }

  async stop(): Promise<WriterLog> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 4000);
      await this.exited;
      clearTimeout(timer);
    }
    parseWriterLines(this.buffer, this.log);
    this.buffer = '';
    return this.log;
  }
}
