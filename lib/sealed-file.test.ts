import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSecrets, readSecrets, rotateSnmpSecrets } from '../lab/secrets.js';
import { readSnmpSecrets } from '../monitors/credentials.js';
import { StacksError } from './errors.js';
import { SEAL_KEY_ENV, SEAL_KEY_FILE_ENV } from './sealed-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stacks-seal-'));
  delete process.env[SEAL_KEY_ENV];
  delete process.env[SEAL_KEY_FILE_ENV];
});
afterEach(() => {
  delete process.env[SEAL_KEY_ENV];
  delete process.env[SEAL_KEY_FILE_ENV];
  rmSync(dir, { recursive: true, force: true });
});

/** The error a call throws, as the CLI would print it (message, hint, JSON). */
async function errorText(fn: () => Promise<unknown>): Promise<{ err: StacksError; text: string }> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StacksError);
    const e = err as StacksError;
    return { err: e, text: `${e.describe()}\n${JSON.stringify(e.toJSON())}\n${e.stack ?? ''}` };
  }
  throw new Error('expected an error');
}

describe('sealed lab secrets (SM4-CTR + HMAC-SM3)', () => {
  it('are sealed at rest, 0600 from creation, and read back by the lab and the monitoring daemon', async () => {
    const file = join(dir, 'secrets.json');
    const s = await ensureSecrets(file, true);
    const raw = readFileSync(file, 'utf8');
    for (const v of [s.snmp.authKey, s.snmp.privKey, s.snmp.community!]) expect(raw).not.toContain(v);
    expect(JSON.parse(raw)).toMatchObject({ format: 'stacks-sealed-v1', alg: 'SM4-CTR+HMAC-SM3' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'seal.key')).mode & 0o777).toBe(0o600);
    expect(await readSecrets(file)).toEqual(s);
    expect(await ensureSecrets(file, true)).toEqual(s);
    expect((await readSnmpSecrets(file)).authKey).toBe(s.snmp.authKey);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]); // no temp files left
  });

  it('a plaintext secrets file from before sealing is read and sealed on the next write', async () => {
    const file = join(dir, 'secrets.json');
    writeFileSync(
      file,
      JSON.stringify({ snmp: { user: 'stacks', authProtocol: 'sha', authKey: 'legacy-auth-key-1', privProtocol: 'aes', privKey: 'legacy-priv-key-1' } }),
    );
    const s = await ensureSecrets(file, false);
    expect(s.snmp.authKey).toBe('legacy-auth-key-1');
    expect(readFileSync(file, 'utf8')).not.toContain('legacy-auth-key-1');
  });

  it('a wrong key is a clear error naming both key ids, and echoes nothing', async () => {
    const file = join(dir, 'secrets.json');
    const s = await ensureSecrets(file, false);
    process.env[SEAL_KEY_ENV] = 'ab'.repeat(32);
    const { err, text } = await errorText(() => readSecrets(file));
    expect(err.code).toBe('E_SEAL_KEY');
    expect(err.exitCode).toBe(2);
    expect(text).toMatch(/was sealed with key [0-9a-f]{16}/);
    for (const v of [s.snmp.authKey, s.snmp.privKey, 'ab'.repeat(32), readFileSync(join(dir, 'seal.key'), 'utf8').trim()]) expect(text).not.toContain(v);
  });

  it('a truncated or bit-flipped sealed file is refused without echoing', async () => {
    const file = join(dir, 'secrets.json');
    await ensureSecrets(file, false);
    const full = readFileSync(file, 'utf8');
    writeFileSync(file, full.slice(0, full.length - 40));
    const t = await errorText(() => readSecrets(file));
    expect(t.err.code).toBe('E_SECRETS');
    expect(t.text).toMatch(/truncated|damaged/);
    const env = JSON.parse(full) as { ct: string };
    const ct = Buffer.from(env.ct, 'base64');
    ct[3]! ^= 0x40;
    writeFileSync(file, JSON.stringify({ ...env, ct: ct.toString('base64') }));
    const f = await errorText(() => readSecrets(file));
    expect(f.text).toMatch(/does not authenticate/);
  });

  it('a malformed plaintext secrets file never echoes its content (JSON and YAML)', async () => {
    const key = 'Kx9-very-secret-auth-key-material';
    const json = join(dir, 'bad.json');
    writeFileSync(json, `{"snmp": {"authKey": "${key}", oops}}`);
    const a = await errorText(() => readSnmpSecrets(json));
    expect(a.text).not.toContain(key);
    expect(a.text).not.toContain('oops');
    const yaml = join(dir, 'bad.yaml');
    writeFileSync(yaml, `snmp:\n  authKey: ${key}\n   privKey: [unclosed ${key}\n`);
    const b = await errorText(() => readSnmpSecrets(yaml));
    expect(b.text).not.toContain(key);
    const shape = join(dir, 'shape.json');
    writeFileSync(shape, JSON.stringify({ snmp: { authKey: 42, privKey: key } }));
    expect((await errorText(() => readSnmpSecrets(shape))).text).not.toContain(key);
    expect((await errorText(() => readSecrets(shape))).text).not.toContain(key);
  });

  it('rotation gives new SNMP keys, sealed', async () => {
    const file = join(dir, 'secrets.json');
    const before = await ensureSecrets(file, true);
    const after = await rotateSnmpSecrets(file);
    expect(after.snmp.authKey).not.toBe(before.snmp.authKey);
    expect(after.snmp.community).not.toBe(before.snmp.community);
    expect(await readSecrets(file)).toEqual(after);
  });

  it('a key file named by STACKS_SEAL_KEY_FILE is used instead of the default', async () => {
    const keyFile = join(dir, 'elsewhere.key');
    writeFileSync(keyFile, 'cd'.repeat(32) + '\n', { mode: 0o600 });
    process.env[SEAL_KEY_FILE_ENV] = keyFile;
    const file = join(dir, 'lab', 'secrets.json');
    const s = await ensureSecrets(file, false);
    expect(readdirSync(join(dir, 'lab'))).toEqual(['secrets.json']); // no default key made
    expect(await readSecrets(file)).toEqual(s);
    writeFileSync(keyFile, 'not a key');
    const e = await errorText(() => readSecrets(file));
    expect(e.err.code).toBe('E_SEAL_KEY');
    expect(e.text).not.toContain('not a key');
  });
});
