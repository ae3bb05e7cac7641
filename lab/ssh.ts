/**
 * SSH to a lab device with ssh2: key authentication with the lab's deploy key and a pinned host key —
 * a device presenting any other key is refused (a changed key means a different or tampered device).
 */
import { Client } from 'ssh2';
import { runtimeError } from '../lib/errors.js';

export interface SshTarget {
  device: string;
  host: string;
  privateKey: Buffer;
  /** `ssh-ed25519 AAAA… comment`, as generated and recorded in the lab state. */
  pinnedHostKey: string;
  timeoutMs?: number;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class DeviceSession {
  private constructor(
    private readonly client: Client,
    readonly device: string,
  ) {}

  static connect(t: SshTarget): Promise<DeviceSession> {
    const pinned = Buffer.from(t.pinnedHostKey.split(/\s+/)[1] ?? '', 'base64');
    return new Promise((resolve, reject) => {
      const client = new Client();
      let hostKeyRejected = false;
      client.once('ready', () => resolve(new DeviceSession(client, t.device)));
      client.once('error', (err) => {
        if (hostKeyRejected) {
          reject(
            runtimeError(
              'E_LAB_HOSTKEY',
              `${t.device} (${t.host}) presented a host key that differs from the pinned one`,
              'if the device was rebuilt on purpose, run `stacks destroy --target lab` and deploy again',
            ),
          );
        } else
          reject(
            runtimeError('E_LAB_SSH', `cannot reach ${t.device} over SSH at ${t.host}: ${err.message}`, 'is the lab deployed? see `stacks lab status`', err),
          );
      });
      client.connect({
        host: t.host,
        port: 22,
        username: 'root',
        privateKey: t.privateKey,
        readyTimeout: t.timeoutMs ?? 10_000,
        hostVerifier: (key: Buffer) => {
          const ok = pinned.length > 0 && key.equals(pinned);
          if (!ok) hostKeyRejected = true;
          return ok;
        },
      });
    });
  }

  exec(command: string, stdin?: string): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, stream) => {
        if (err) return reject(runtimeError('E_LAB_SSH', `${this.device}: exec failed: ${err.message}`));
        let stdout = '';
        let stderr = '';
        let code = 0;
        stream.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
        stream.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
        stream.on('exit', (c: number | null) => (code = c ?? 1));
        stream.on('close', () => resolve({ code, stdout, stderr }));
        if (stdin !== undefined) stream.end(stdin);
        else stream.end();
      });
    });
  }

  close(): void {
    this.client.end();
  }
}
