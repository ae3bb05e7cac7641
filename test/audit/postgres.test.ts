/**
 * The audit chain in a real PostgreSQL (the throwaway cluster of scripts/pg-test-cluster.sh):
 * appends from two processes at once stay one chain, and every tamper case is caught.
 * Heavy (starts PostgreSQL): run under the shared lock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { generateSm2KeyPair, publicKeyToPem } from '../../lib/gm/sm2.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.js';
import { audit, closeAuditStores } from '../../audit/index.js';
import { TAMPER_CASES } from '../../audit/tamper-cases.js';
import { runCli } from '../support/cli.js';

let cluster: PgCluster;
let admin: pg.Client;

beforeAll(async () => {
  cluster = await startPgCluster();
  admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
}, 120_000);

afterAll(async () => {
  await closeAuditStores();
  await admin?.end();
  cluster?.stop();
});

async function freshChain(stateDir: string): Promise<void> {
  await closeAuditStores();
  await admin.query('DROP TABLE IF EXISTS audit_log');
  for (let i = 1; i <= 6; i++)
    await audit.record(stateDir, { action: 'fault.ack', objects: [`fault:${i}`], input: { i }, result: 'ok' }, { postgresUrl: cluster.url });
}

describe('audit trail in PostgreSQL', () => {
  it('two CLI processes appending at once still make one valid chain', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'stacks-audit-pg-'));
    try {
      await admin.query('DROP TABLE IF EXISTS audit_log');
      // The first command creates the host key; then two at once race only on the chain.
      const env = { STACKS_PG_URL: cluster.url };
      expect((await runCli(['--state-dir', stateDir, 'audit', 'verify'], { env })).code).toBe(0);
      // `audit trust` is a cheap audited command: two of them at once race for the next seq.
      const pubs = [1, 2].map((i) => {
        const f = join(stateDir, `op${i}.pub.pem`);
        writeFileSync(f, publicKeyToPem(generateSm2KeyPair().pub));
        return f;
      });
      const sm = await Promise.all(pubs.map((f) => runCli(['--state-dir', stateDir, '--operator', 'noc-bob', 'audit', 'trust', f], { env })));
      for (const r of sm) expect(r.code, r.stderr).toBe(0);
      const v = await runCli(['--state-dir', stateDir, '--json', 'audit', 'verify', '--all-signatures'], { env });
      expect(v.code, v.stdout + v.stderr).toBe(0);
      expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, records: 2 });
      const log = JSON.parse((await runCli(['--state-dir', stateDir, '--json', 'audit', 'log', '--operator', 'noc-bob'], { env })).stdout) as Array<{
        action: string;
      }>;
      expect(log.map((r) => r.action)).toEqual(['audit.trust', 'audit.trust']);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 120_000);

  for (const c of TAMPER_CASES) {
    it(`detects ${c.name} and names record ${c.firstBad}`, async () => {
      const stateDir = mkdtempSync(join(tmpdir(), 'stacks-audit-pg-'));
      try {
        await freshChain(stateDir);
        await c.tamper({ exec: (sql: string, ...args: unknown[]) => admin.query(sql, args) }, (i) => `$${i}`);
        const report = await audit.verify(stateDir, { postgresUrl: cluster.url });
        expect(report.ok).toBe(false);
        expect(report.problem?.seq).toBe(c.firstBad);
        expect(report.problem?.reason).toMatch(c.reason);
      } finally {
        rmSync(stateDir, { recursive: true, force: true });
      }
    }, 60_000);
  }

  it('a connection error never shows the password', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'stacks-audit-pg-'));
    try {
      const url = cluster.url.replace(/\/\/([^@/]*)@/, '//$1:Pw-0f-test-9@').replace(/:(\d+)\//, ':1/');
      const r = await runCli(['--state-dir', stateDir, 'audit', 'verify'], { env: { STACKS_PG_URL: url } });
      expect(r.code).toBe(3);
      expect(r.stderr + r.stdout).not.toContain('Pw-0f-test-9');
      const typo = await runCli(['--state-dir', stateDir, 'audit', 'verify'], { env: { STACKS_PG_URL: url.replace('postgres', 'postgress') } });
      expect(typo.code).toBe(2);
      expect(typo.stderr + typo.stdout).not.toContain('Pw-0f-test-9');
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 60_000);
});
