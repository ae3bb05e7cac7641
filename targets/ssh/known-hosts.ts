/**
 * Host keys of the ssh target's routers, pinned on first contact (trust on first use, as OpenSSH's
 * `StrictHostKeyChecking accept-new`) and refused when they change: a different key means a
 * different or tampered device. One JSON file per target instance, replaced atomically.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { PRIVATE, writeFileAtomically } from '../../lib/files.js';

export class KnownHosts {
  private chain: Promise<void> = Promise.resolve();
  private constructor(
    private readonly file: string,
    private readonly keys: Record<string, string>,
  ) {}

  static async open(file: string): Promise<KnownHosts> {
    return new KnownHosts(file, existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Record<string, string>) : {});
  }

  /** The key pinned for `device`, base64 of the raw key blob. */
  pinned(device: string): string | undefined {
    return this.keys[device];
  }

  pin(device: string, key: Buffer): Promise<void> {
    this.keys[device] = key.toString('base64');
    const text = JSON.stringify(this.keys, null, 2) + '\n';
    this.chain = this.chain.then(() => writeFileAtomically(this.file, text, PRIVATE));
    return this.chain;
  }
}
