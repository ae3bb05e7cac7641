/**
 * SSH to a router (ssh2): password or key from the sealed secret store (held in memory only), host key pinned on first contact
 * and refused on change, a connect timeout, retries with backoff for a router that is not answering
 * yet (never for a refused key or password: retrying those only locks accounts), and an optional
 * jump host the connection is forwarded through.
 */
import { Client, type ConnectConfig } from 'ssh2';
import type { Duplex } from 'node:stream';
import { runtimeError } from '../../lib/errors.js';
import type { DeviceShell } from '../../drivers/types.js';
import type { KnownHosts } from './known-hosts.js';
import type { SshCredential } from './credentials.js';

interface Endpoint {
  address: string;
  port: number;
  user: string;
}

export interface ConnectOptions {
  device: string;
  endpoint: Endpoint;
  jump?: Endpoint;
  /** From the sealed store (credentials.ts); `ref` is what an error names. */
  credential: SshCredential;
  knownHosts: KnownHosts;
  timeoutMs: number;
  retries: number;
}

export class RouterSession implements DeviceShell {
  private constructor(
    readonly device: string,
    private readonly clients: Client[],
  ) {}

  static async connect(o: ConnectOptions): Promise<RouterSession> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await RouterSession.connectOnce(o);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'E_SSH_HOSTKEY' || code === 'E_SSH_AUTH' || attempt >= o.retries) throw err;
        await new Promise((r) => setTimeout(r, 300 * 2 ** attempt));
      }
    }
  }

  private static async connectOnce(o: ConnectOptions): Promise<RouterSession> {
    const clients: Client[] = [];
    try {
      let sock: Duplex | undefined;
      if (o.jump) {
        const jump = await open(`${o.device} (jump host ${o.jump.address})`, `jump:${o.jump.address}`, o.jump, o, undefined);
        clients.push(jump);
        sock = await new Promise<Duplex>((resolve, reject) =>
          jump.forwardOut('127.0.0.1', 0, o.endpoint.address, o.endpoint.port, (err, stream) =>
            err
              ? reject(
                  runtimeError(
                    'E_SSH_UNREACHABLE',
                    `${o.device}: the jump host ${o.jump!.address} cannot reach ${o.endpoint.address}:${o.endpoint.port}: ${err.message}`,
                  ),
                )
              : resolve(stream),
          ),
        );
      }
      clients.push(await open(o.device, o.device, o.endpoint, o, sock));
      return new RouterSession(o.device, clients);
    } catch (err) {
      for (const c of clients) c.end();
      throw err;
    }
  }

  exec(command: string, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const client = this.clients.at(-1)!;
    return new Promise((resolve, reject) => {
      client.exec(command, (err, stream) => {
        if (err) return reject(runtimeError('E_SSH', `${this.device}: exec failed: ${err.message}`));
        let stdout = '';
        let stderr = '';
        let code = 0;
        stream.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
        stream.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
        stream.on('exit', (c: number | null) => (code = c ?? 1));
        stream.on('close', () => resolve({ code, stdout, stderr }));
        stream.end(stdin ?? '');
      });
    });
  }

  close(): void {
    for (const c of [...this.clients].reverse()) c.end();
  }
}

function open(label: string, pinKey: string, e: Endpoint, o: ConnectOptions, sock: Duplex | undefined): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let keyRefused = false;
    let firstKey: Buffer | undefined;
    client.once('ready', () => {
      if (firstKey) o.knownHosts.pin(pinKey, firstKey).then(() => resolve(client), reject);
      else resolve(client);
    });
    client.once('error', (err: Error & { level?: string }) => {
      if (keyRefused)
        reject(
          runtimeError(
            'E_SSH_HOSTKEY',
            `${label} (${e.address}) presented a host key that differs from the one pinned on first contact`,
            "if the router was replaced on purpose, remove its entry from the ssh target's known_hosts.json",
          ),
        );
      else if (err.level === 'client-authentication')
        reject(
          runtimeError(
            'E_SSH_AUTH',
            `${label} (${e.address}): authentication as ${e.user} with ${o.credential.ref} refused (wrong password or key)`,
            `set the secret anew (\`stacks secrets set ${o.credential.ref.slice('{{secret:'.length, -2)}\`, value on stdin) or name another in routers.yaml`,
          ),
        );
      else if (err.level === 'client-timeout' || /timed out/i.test(err.message))
        reject(
          runtimeError(
            'E_SSH_UNREACHABLE',
            `${label} (${e.address}:${e.port}) did not answer within ${o.timeoutMs} ms`,
            'is the router up and its management address reachable?',
          ),
        );
      else
        reject(
          runtimeError(
            'E_SSH_UNREACHABLE',
            `${label} (${e.address}:${e.port}) unreachable: ${err.message}`,
            'is the router up and its management address reachable?',
          ),
        );
    });
    const config: ConnectConfig = {
      host: sock ? undefined : e.address,
      port: sock ? undefined : e.port,
      sock,
      username: e.user,
      password: o.credential.password,
      privateKey: o.credential.privateKey,
      readyTimeout: o.timeoutMs,
      tryKeyboard: false,
      hostVerifier: (key: Buffer) => {
        const pinned = o.knownHosts.pinned(pinKey);
        if (!pinned) {
          firstKey = Buffer.from(key);
          return true;
        }
        const ok = Buffer.from(pinned, 'base64').equals(key);
        if (!ok) keyRefused = true;
        return ok;
      },
    };
    client.connect(config);
  });
}
