import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { audit, auditSqlitePath, closeAuditStores } from './index.js';
import { TAMPER_CASES } from './tamper-cases.js';
import { ChainVerifier, GENESIS, seal, type AuditRecord } from './chain.js';
import { generateSm2KeyPair, keyId, privateKeyToPem } from '../lib/gm/sm2.js';
import { rotateHostKey, trustedKeys } from './keys.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stacks-audit-'));
  delete process.env.STACKS_PG_URL;
  delete process.env.STACKS_AUDIT_KEY;
});
afterEach(async () => {
  await closeAuditStores();
  rmSync(dir, { recursive: true, force: true });
});

async function sixRecords(): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for (let i = 1; i <= 6; i++)
    out.push(
      await audit.record(dir, {
        action: i % 2 ? 'deploy.commit' : 'deploy.confirm',
        objects: [`device:xian-r${i}`],
        input: `diff ${i}`,
        result: 'ok',
        detail: { n: i },
      }),
    );
  return out;
}

describe('audit trail (SQLite)', () => {
  it('chains, signs and verifies; the files are private from the start', async () => {
    const recs = await sixRecords();
    expect(recs.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(recs[0]!.prev).toBe(GENESIS);
    expect(recs[1]!.prev).toBe(recs[0]!.hash);
    expect(recs[0]!.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(recs[0]!.user).toBeTruthy();
    const report = await audit.verify(dir);
    expect(report).toMatchObject({ ok: true, records: 6, head: { seq: 6 } });
    expect((await audit.verify(dir, { allSignatures: true })).signaturesChecked).toBe(6);
    for (const f of ['audit.sqlite', 'host-key.pem', 'head.json']) expect(statSync(join(dir, 'audit', f)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'audit')).mode & 0o777).toBe(0o700);
  });

  it('filters the log', async () => {
    await sixRecords();
    expect((await audit.log(dir, { action: 'deploy.confirm' })).map((r) => r.seq)).toEqual([2, 4, 6]);
    expect((await audit.log(dir, { object: 'device:xian-r3' })).map((r) => r.seq)).toEqual([3]);
    expect((await audit.log(dir, { object: 'device:xian-r*', limit: 2 })).map((r) => r.seq)).toEqual([5, 6]);
    expect(await audit.log(dir, { action: 'deploy.*', result: 'failed' })).toEqual([]);
  });

  it('records the operator from STACKS_OPERATOR', async () => {
    process.env.STACKS_OPERATOR = 'alice';
    try {
      expect((await audit.record(dir, { action: 'plan.accept', result: 'ok' })).operator).toBe('alice');
    } finally {
      delete process.env.STACKS_OPERATOR;
    }
  });

  for (const c of TAMPER_CASES) {
    it(`detects ${c.name} and names record ${c.firstBad}`, async () => {
      await sixRecords();
      await closeAuditStores();
      const db = new Database(auditSqlitePath(dir));
      await c.tamper({ exec: (sql: string, ...args: unknown[]) => db.prepare(sql).run(...args) }, () => '?');
      db.close();
      const report = await audit.verify(dir);
      expect(report.ok).toBe(false);
      expect(report.problem?.seq).toBe(c.firstBad);
      expect(report.problem?.reason).toMatch(c.reason);
    });
  }

  it('detects a chain rewritten and re-signed with a key this host does not trust', async () => {
    const recs = await sixRecords();
    await closeAuditStores();
    const forger = generateSm2KeyPair();
    const db = new Database(auditSqlitePath(dir));
    let prev = GENESIS;
    for (const r of recs) {
      const forged = seal({ ...r, prev, result: r.seq === 2 ? 'forged' : r.result, keyId: keyId(forger.pub) }, forger);
      db.prepare('UPDATE audit_log SET result = ?, prev = ?, key_id = ?, hash = ?, sig = ? WHERE seq = ?').run(
        forged.result,
        forged.prev,
        forged.keyId,
        forged.hash,
        forged.sig,
        r.seq,
      );
      prev = forged.hash;
    }
    db.close();
    writeFileSync(join(dir, 'audit', 'head.json'), JSON.stringify({ seq: 6, hash: prev }));
    const report = await audit.verify(dir);
    expect(report.problem).toMatchObject({ seq: 1 });
    expect(report.problem?.reason).toMatch(/not a trusted audit key/);
  });

  it('an operator key must be trusted; once trusted it signs', async () => {
    const op = generateSm2KeyPair();
    const file = join(dir, 'op.pem');
    writeFileSync(file, privateKeyToPem(op), { mode: 0o600 });
    await expect(audit.record(dir, { action: 'x.y', result: 'ok' }, { keyFile: file })).rejects.toThrow(/not trusted/);
    const { trust } = await import('./keys.js');
    trust(dir, op.pub);
    const r = await audit.record(dir, { action: 'x.y', result: 'ok' }, { keyFile: file });
    expect(r.keyId).toBe(keyId(op.pub));
    expect((await audit.verify(dir, { allSignatures: true })).ok).toBe(true);
  });

  it('a rotated host key keeps older records verifiable', async () => {
    await audit.record(dir, { action: 'a.b', result: 'ok' });
    await closeAuditStores();
    const { previous, current } = rotateHostKey(dir);
    expect(previous).not.toBe(current);
    const { closeAuditStores: _c, ...rest } = await import('./index.js');
    void rest;
    expect(trustedKeys(dir).size).toBe(2);
    expect(readdirSync(join(dir, 'audit', 'trusted'))).toHaveLength(2);
  });

  it('never stores the input itself', async () => {
    await audit.record(dir, { action: 'secrets.rotate', input: { authKey: 'Sup3rSecretValue!' }, result: 'ok' });
    await closeAuditStores();
    expect(readFileSync(auditSqlitePath(dir)).includes('Sup3rSecretValue')).toBe(false);
  });

  it('the verifier streams: a missing first record is named', () => {
    const key = generateSm2KeyPair();
    const v = new ChainVerifier(new Map([[keyId(key.pub), key.pub]]));
    const r = seal(
      { seq: 2, at: 'x', user: 'u', operator: null, action: 'a', objects: [], inputHash: null, result: 'ok', detail: {}, prev: GENESIS, keyId: keyId(key.pub) },
      key,
    );
    expect(v.push(r)).toBe(false);
    expect(v.finish().problem).toMatchObject({ seq: 1 });
  });
});
