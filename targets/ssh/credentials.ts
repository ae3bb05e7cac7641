/**
 * SSH credentials for the ssh target, from the secret store under the state dir
 * (`secrets/ssh.json`, mode 0600, never in the inventory, logs, argv or errors):
 *   { "default": { "password": "…" }, "devices": { "xian-r1": { "privateKeyFile": "/path/key" } } }
 * A device's own entry wins over the default.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inputError, runtimeError } from '../../lib/errors.js';

export interface SshCredential {
  password?: string;
  privateKeyFile?: string;
}

const credentialsFile = (stateDir: string) => join(stateDir, 'secrets', 'ssh.json');

export async function readCredentials(stateDir: string): Promise<{ default?: SshCredential; devices: Record<string, SshCredential> }> {
  const file = credentialsFile(stateDir);
  if (!existsSync(file))
    throw runtimeError(
      'E_NO_CREDENTIALS',
      `no SSH credentials: ${file} does not exist`,
      'write it (mode 0600): { "default": { "password": "…" } } or per device { "devices": { "<id>": { "privateKeyFile": "…" } } }',
    );
  if (((await stat(file)).mode & 0o077) !== 0) throw inputError('E_SECRET_MODE', file, '', 'is readable by others', `chmod 600 ${file}`);
  try {
    const doc = JSON.parse(await readFile(file, 'utf8')) as { default?: SshCredential; devices?: Record<string, SshCredential> };
    return { default: doc.default, devices: doc.devices ?? {} };
  } catch {
    throw inputError('E_SECRET_FILE', file, '', 'is not valid JSON');
  }
}

export async function credentialFor(
  store: { default?: SshCredential; devices: Record<string, SshCredential> },
  device: string,
): Promise<{ password?: string; privateKey?: Buffer }> {
  const c = store.devices[device] ?? store.default;
  if (!c || (!c.password && !c.privateKeyFile))
    throw runtimeError('E_NO_CREDENTIALS', `${device}: no SSH credential in the secret store`, 'add a default or a per-device entry');
  return { password: c.password, privateKey: c.privateKeyFile ? await readFile(c.privateKeyFile) : undefined };
}
