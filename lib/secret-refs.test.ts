import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StacksError } from './errors.js';
import {
  ensureGeneratedSecrets,
  findMalformedRefs,
  findSecretRefs,
  redactSecretValues,
  refPath,
  resolveForDeploy,
  resolveSecretRefs,
  secretRef,
  SecretStore,
  secretStoreFile,
} from './secret-refs.js';

const env = { STACKS_SEAL_KEY: 'ab'.repeat(32) };
const withKey = <T>(fn: () => T): T => {
  const before = process.env.STACKS_SEAL_KEY;
  process.env.STACKS_SEAL_KEY = env.STACKS_SEAL_KEY;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.STACKS_SEAL_KEY;
    else process.env.STACKS_SEAL_KEY = before;
  }
};
const caught = (fn: () => unknown): StacksError => {
  try {
    fn();
  } catch (e) {
    return e as StacksError;
  }
  throw new Error('expected a throw');
};

describe('secret reference syntax', () => {
  it('writes and finds references by path', () => {
    const text = `snmp-agent usm-user v3 noc authentication-mode sha ${secretRef('snmp/v3/noc/auth')}\nospf ${secretRef('ospf/area-0.0.0.0/key-1')} ${secretRef('snmp/v3/noc/auth')}\n`;
    expect(findSecretRefs(text)).toEqual(['ospf/area-0.0.0.0/key-1', 'snmp/v3/noc/auth']);
    expect(refPath('{{secret:users/admin/password}}')).toBe('users/admin/password');
    expect(refPath('x {{secret:a}}')).toBeUndefined();
    expect(() => secretRef('bad path')).toThrow();
  });
  it('flags a malformed reference', () => {
    expect(findMalformedRefs('a {{secret:ok/path}} b')).toEqual([]);
    expect(findMalformedRefs('a {{secret:bad path}} b')).toHaveLength(1);
    expect(findMalformedRefs('a {{secret:unterminated\n')).toHaveLength(1);
  });
});

describe('resolving', () => {
  const lookup = { get: (p: string) => ({ 'snmp/v3/noc/auth': 'S3cretValue1', 'users/admin/password': 'Pw0rd!x' })[p] };
  it('replaces every reference with its value', () => {
    expect(resolveSecretRefs('a {{secret:snmp/v3/noc/auth}} b {{secret:users/admin/password}}', lookup, { where: 'r1' })).toBe('a S3cretValue1 b Pw0rd!x');
  });
  it('refuses an unresolved reference naming the place and path, never a value', () => {
    const e = caught(() => resolveSecretRefs('a {{secret:snmp/v3/noc/auth}} {{secret:aaa/hwtacacs/noc/key}}', lookup, { where: 'xian-r1' }));
    expect(e.code).toBe('E_SECRET_UNRESOLVED');
    expect(e.exitCode).toBe(2);
    expect(e.describe()).toContain('xian-r1');
    expect(e.describe()).toContain('aaa/hwtacacs/noc/key');
    expect(e.describe()).not.toContain('S3cretValue1');
  });
  it('refuses a value that would break its config line', () => {
    expect(caught(() => resolveSecretRefs('{{secret:x/y}}', { get: () => 'a"b' }, { where: 'r1' })).code).toBe('E_SECRET_VALUE');
  });
  it('redacts values from text quoted back to a person', () => {
    expect(redactSecretValues('got S3cretValue1 back', ['S3cretValue1'])).toBe('got {{secret}} back');
  });
});

describe('the sealed store', () => {
  it('generates what stacks may generate, refuses the rest, and seals the store 0600', () =>
    withKey(() => {
      const dir = mkdtempSync(join(tmpdir(), 'secret-refs-'));
      const file = secretStoreFile(dir);
      const store = SecretStore.open(file);
      const texts = [{ where: 'r1', text: 'k {{secret:snmp/v3/noc/auth}} p {{secret:users/admin/password}}' }];
      const [out] = resolveForDeploy(store, texts);
      const auth = store.get('snmp/v3/noc/auth')!;
      expect(auth).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(store.get('users/admin/password')).toMatch(/[A-Z].*[0-9]@$/);
      expect(out).toContain(auth);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
      const raw = readFileSync(file, 'utf8');
      expect(raw).not.toContain(auth);
      expect(raw).toContain('stacks-sealed-v1');
      // Reopened: the same values (generated once).
      const again = SecretStore.open(file);
      expect(again.get('snmp/v3/noc/auth')).toBe(auth);
      expect(ensureGeneratedSecrets(again, ['snmp/v3/noc/auth'])).toEqual([]);
      // A kind stacks does not generate is refused, and nothing is saved.
      const before = readFileSync(file, 'utf8');
      const e = caught(() => resolveForDeploy(again, [{ where: 'xian-r1', text: '{{secret:aaa/hwtacacs/noc/key}} {{secret:snmp/v3/new/auth}}' }]));
      expect(e.code).toBe('E_SECRET_UNRESOLVED');
      expect(readFileSync(file, 'utf8')).toBe(before);
      // Once an operator sets it, it resolves.
      again.set('aaa/hwtacacs/noc/key', 'Shared-Key-1');
      expect(resolveForDeploy(again, [{ where: 'xian-r1', text: '{{secret:aaa/hwtacacs/noc/key}}' }])).toEqual(['Shared-Key-1']);
    }));
  it('names the file and path of a bad entry, never its value', () =>
    withKey(() => {
      const dir = mkdtempSync(join(tmpdir(), 'secret-refs-'));
      const file = join(dir, 'network.json');
      writeFileSync(file, JSON.stringify({ version: 1, secrets: { 'ok/path': 'fine-value', 'bad path': 'LeakMe123' } }), { mode: 0o600 });
      const e = caught(() => SecretStore.open(file));
      expect(e.describe()).toContain(file);
      expect(e.describe()).not.toContain('LeakMe123');
      expect(caught(() => SecretStore.open(file).set('x', 'y')).code).toBe('E_SECRETS');
    }));
});
