import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSecretDocument } from '../lib/sealed-file.js';
import { gmView } from '../policies/gm/view.js';
import { readStateStores } from './state-stores.js';

const dir = mkdtempSync(join(tmpdir(), 'stacks-stores-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the state dir as the GB/T 39786 view reads it', () => {
  it('a sealed store is GM; a file holding one of its values in clear text is not; keys and databases are listed as they are', () => {
    const lab = join(dir, 'lab', 'm1');
    mkdirSync(join(lab, 'devices', 'r1'), { recursive: true });
    const secret = 'Zq8-authkey-value-1234';
    writeSecretDocument(join(lab, 'secrets.json'), { snmp: { authKey: secret, privKey: 'another-long-value-99' } });
    writeFileSync(join(lab, 'state.json'), JSON.stringify({ devices: { r1: { config: `snmp-agent usm-user v3 noc ${secret}` } } }), { mode: 0o644 });
    writeFileSync(join(lab, 'devices', 'r1', 'unrelated.conf'), 'hostname r1\n');
    writeFileSync(join(lab, 'deploy_key'), '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n', { mode: 0o600 });
    mkdirSync(join(dir, 'monitoring'));
    writeFileSync(join(dir, 'monitoring', 'faults.sqlite'), Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(84)]), { mode: 0o600 });
    const stores = readStateStores(dir, {});
    expect(stores.map((s) => [s.path, s.format, s.plaintextSecrets])).toEqual([
      ['lab/m1/deploy_key', 'key', 1],
      ['lab/m1/seal.key', 'key', 1],
      ['lab/m1/secrets.json', 'sealed', 0],
      ['lab/m1/state.json', 'json', 1],
      ['monitoring/faults.sqlite', 'sqlite', 0],
    ]);
    expect(stores.find((s) => s.path.endsWith('state.json'))!.mode).toBe(0o644);
    expect(JSON.stringify(stores)).not.toContain(secret);
    const rows = gmView({ stores });
    expect(rows.filter((r) => r.gm).map((r) => r.object)).toEqual(['store:lab/m1/secrets.json']);
    expect(rows.find((r) => r.object === 'store:lab/m1/state.json')!.note).toBe('holds 1 secret value(s) in clear text');
  });
});
