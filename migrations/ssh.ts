/**
 * SSH to the source and target hosts of a migration (ssh2): key authentication, host keys pinned
 * from a known_hosts file (a host presenting any other key is refused), connections retried with
 * exponential backoff, one connection per host shared by the steps of a run, and a byte stream
 * between two hosts (`tar -c` on one exec channel piped into `tar -x` on another).
 */
import { Client, type ClientChannel } from 'ssh2';
import { readFileSync } from 'node:fs';
import { runtimeError, StacksError } from '../lib/errors.js';
import { sleep } from '../lab/shell.js';

export interface SshConfig {
  user: string;
  privateKey: Buffer;
  /** host → base64 key blob, from a known_hosts file (`host keytype base64`). */
  pinned: Map<string, string>;
  port?: number;
  connectTimeoutMs?: number;
  /** A channel with no output and no exit for this long is closed as a transient failure (default 90 s). */
  idleTimeoutMs?: number;
  retries?: number;
  backoffMs?: number;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function readKnownHosts(file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [hosts, , blob] = line.trim().split(/\s+/);
    if (!hosts || !blob || hosts.startsWith('#')) continue;
    for (const h of hosts.split(',')) out.set(h.replace(/^\[(.*)\]:\d+$/, '$1'), blob);
  }
  return out;
}

/** Transient transport failures are retried; a refused host key or auth failure is not. */
export function isTransient(err: unknown): boolean {
  return err instanceof StacksError && err.code === 'E_SSH';
}

export async function withRetry<T>(
  what: string,
  fn: () => Promise<T>,
  retries = 4,
  backoffMs = 200,
  onRetry?: (attempt: number, err: unknown) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= retries || !isTransient(err)) throw err;
      onRetry?.(attempt + 1, err);
      await sleep(backoffMs * 2 ** attempt);
    }
  }
}

export class SshHost {
  private client?: Client;
  private connecting?: Promise<Client>;
  constructor(
    readonly host: string,
    private readonly cfg: SshConfig,
    private readonly onRetry?: (host: string, attempt: number) => void,
  ) {}

  private connectOnce(): Promise<Client> {
    const pinned = this.cfg.pinned.get(this.host);
    if (!pinned) return Promise.reject(runtimeError('E_SSH_HOSTKEY', `no pinned host key for ${this.host}`, "add it to the runbook's known_hosts file"));
    const expected = Buffer.from(pinned, 'base64');
    return new Promise((resolve, reject) => {
      const client = new Client();
      let keyRejected = false;
      client.once('ready', () => resolve(client));
      client.once('error', (err) => {
        if (keyRejected)
          reject(
            runtimeError(
              'E_SSH_HOSTKEY',
              `${this.host} presented a host key that differs from the pinned one`,
              'if the host was rebuilt on purpose, update known_hosts',
            ),
          );
        else if (/authentication/i.test(err.message)) reject(runtimeError('E_SSH_AUTH', `${this.host}: ${err.message}`));
        else reject(runtimeError('E_SSH', `cannot reach ${this.host} over SSH: ${err.message}`, undefined, err));
      });
      client.on('close', () => {
        if (this.client === client) this.client = undefined;
      });
      client.connect({
        host: this.host,
        port: this.cfg.port ?? 22,
        username: this.cfg.user,
        privateKey: this.cfg.privateKey,
        readyTimeout: this.cfg.connectTimeoutMs ?? 8000,
        keepaliveInterval: 5000,
        hostVerifier: (key: Buffer) => {
          const ok = key.equals(expected);
          if (!ok) keyRejected = true;
          return ok;
        },
      });
    });
  }

  /** The host's connection, opened (with retries and backoff) on first use or after a drop. */
  async connection(): Promise<Client> {
    if (this.client) return this.client;
    this.connecting ??= withRetry(
      `connect ${this.host}`,
      () => this.connectOnce(),
      this.cfg.retries ?? 4,
      this.cfg.backoffMs ?? 200,
      (n) => this.onRetry?.(this.host, n),
    ).finally(() => (this.connecting = undefined));
    this.client = await this.connecting;
    return this.client;
  }

  /**
   * Open an exec channel and start collecting its result at once, inside the exec callback: an
   * `exit` that arrives before anyone listens would otherwise be lost (a short command, a busy host).
   */
  private async open(command: string, mode: 'collect' | 'source' | 'sink', stdin?: string, idleMs?: number): Promise<Channel> {
    const client = await this.connection();
    return new Promise((resolve, reject) => {
      const onChannel = (err: Error | undefined, stream: ClientChannel) => {
        if (err) {
          // A refused channel (sshd's MaxSessions, a busy host) leaves the connection good, and other
          // systems' commands run on it: only a connection that is gone is dropped.
          if (!/Channel open failure/i.test(err.message)) this.drop();
          reject(runtimeError('E_SSH', `${this.host}: exec failed: ${err.message}`));
          return;
        }
        if (mode === 'sink') stream.on('data', () => undefined);
        if (mode === 'source') stream.pause();
        const { done, touch } = collect(stream, this.host, mode === 'collect', idleMs ?? this.cfg.idleTimeoutMs ?? 90_000, () => this.drop());
        if (mode === 'collect') {
          if (stdin !== undefined) stream.end(stdin);
          else stream.end();
        }
        resolve({ stream, done, touch });
      };
      try {
        client.exec(command, onChannel);
      } catch (err) {
        // "Not connected": the socket closed before its 'close' event reached us
        this.drop();
        reject(runtimeError('E_SSH', `${this.host}: exec failed: ${(err as Error).message}`));
      }
    });
  }

  /**
   * `idleMs` overrides the idle timeout for one command; 0: none, for a command that is silent for
   * long by design and bounds itself (rsync prints only at the end and has its own --timeout; a dead
   * connection still ends it through ssh2's keepalive).
   */
  async exec(command: string, stdin?: string, opts: { idleMs?: number } = {}): Promise<ExecResult> {
    return (await this.open(command, 'collect', stdin, opts.idleMs)).done;
  }

  /** Run `command` and fail (as a non-transient error) when it exits non-zero. */
  async must(command: string, what: string): Promise<string> {
    const r = await this.exec(command);
    if (r.code !== 0) throw runtimeError('E_STEP', `${this.host}: ${what} failed (exit ${r.code}): ${r.stderr.trim().slice(0, 300)}`);
    return r.stdout;
  }

  /** Stream `fromCommand`'s stdout on this host into `toCommand`'s stdin on `to`. */
  async pipeTo(fromCommand: string, to: SshHost, toCommand: string): Promise<{ bytes: number }> {
    // The sink first: it waits for its stdin, so nothing is lost while the source channel opens.
    const dst = await to.open(toCommand, 'sink');
    let src: Channel;
    try {
      src = await this.open(fromCommand, 'source');
    } catch (err) {
      dst.stream.end();
      throw err;
    }
    let bytes = 0;
    src.stream.on('data', (d: Buffer) => {
      bytes += d.length;
      // Bytes flowing keep both ends alive: the sink itself prints nothing while it extracts.
      src.touch();
      dst.touch();
    });
    src.stream.pipe(dst.stream);
    const [a, b] = await Promise.all([src.done, dst.done]);
    if (a.code !== 0) throw runtimeError('E_STEP', `${this.host}: ${fromCommand.split(' ')[0]} exited ${a.code}: ${a.stderr.trim().slice(0, 300)}`);
    if (b.code !== 0) throw runtimeError('E_STEP', `${to.host}: ${toCommand.split(' ')[0]} exited ${b.code}: ${b.stderr.trim().slice(0, 300)}`);
    return { bytes };
  }

  drop(): void {
    this.client?.end();
    this.client = undefined;
  }
}

interface Channel {
  stream: ClientChannel;
  done: Promise<ExecResult>;
  /** Record activity, postponing the idle timeout. */
  touch(): void;
}

/**
 * Collect a channel's result. A channel that shows no activity and no exit for `idleMs` is closed
 * and rejected as a transient E_SSH, so a hung session under load becomes a retry, never a hang.
 */
function collect(
  stream: ClientChannel,
  host: string,
  keepStdout: boolean,
  idleMs: number,
  onIdle: () => void,
): { done: Promise<ExecResult>; touch: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let touch = () => undefined as void;
  const done = new Promise<ExecResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let code: number | undefined;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    touch = () => {
      clearTimeout(timer);
      if (idleMs <= 0) return;
      timer = setTimeout(() => {
        settle(() => reject(runtimeError('E_SSH', `${host}: no output and no exit for ${Math.round(idleMs / 1000)} s; channel closed`)));
        stream.close();
        onIdle();
      }, idleMs);
    };
    touch();
    stream.on('data', (d: Buffer) => {
      touch();
      if (keepStdout) stdout += d.toString('utf8');
    });
    stream.stderr.on('data', (d: Buffer) => {
      touch();
      stderr += d.toString('utf8');
    });
    stream.on('exit', (c: number | null) => (code = c ?? 1));
    stream.on('close', () => {
      if (code === undefined) settle(() => reject(runtimeError('E_SSH', `${host}: channel closed before the command exited`)));
      else settle(() => resolve({ code: code!, stdout, stderr }));
    });
  });
  return { done, touch: () => touch() };
}

/** Every host of a run, connected lazily, closed together at the end. */
export class SshPool {
  private readonly hosts = new Map<string, SshHost>();
  constructor(
    private readonly cfg: SshConfig,
    private readonly onRetry?: (host: string, attempt: number) => void,
  ) {}
  get(host: string): SshHost {
    let h = this.hosts.get(host);
    if (!h) this.hosts.set(host, (h = new SshHost(host, this.cfg, this.onRetry)));
    return h;
  }
  close(): void {
    for (const h of this.hosts.values()) h.drop();
  }
}
