/**
 * Security figures (issue 13): audit append per record (SQLite, SM3 chain + SM2 signature + anchor;
 * target ≤ 1 ms), `stacks audit verify` over 100,000 records (target ≤ 2 s), and the 等保 pack over
 * the full province's rendered configs (both dialects) and its Terraform JSON (target ≤ 3 s; the
 * configs are rendered and the Terraform synthesized beforehand — the pack's own time is measured).
 * Also SM2 sign/verify here vs sm-crypto (the peer), and SM4 seal throughput.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuUsage } from 'node:process';
import Database from 'better-sqlite3';
import smCrypto from 'sm-crypto';
import { audit, auditSqlitePath, closeAuditStores } from '../audit/index.js';
import { GENESIS, hashRecord, seal } from '../audit/chain.js';
import { hostSigner } from '../audit/keys.js';
import { toRow } from '../audit/store.js';
import { generateSm2KeyPair, publicKeyHex, sm2Sign, sm2Verify } from '../lib/gm/sm2.js';
import { deriveSealKeys, sm4Seal } from '../lib/gm/sm4.js';
import { loadInventory, DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { MLPS_POLICIES, renderAllConfigs } from '../policies/mlps/index.js';
import { runPolicies } from '../policies/run.js';
import { synthTerraformDocs } from '../cli/policy-inputs.js';
import type { AnyPolicy } from '../policies/types.js';

const ms = (t0: number) => performance.now() - t0;
const cpuMs = (c0: NodeJS.CpuUsage) => {
  const c = cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stacks-bench-sec-'));
  try {
    // --- SM2 here vs sm-crypto
    const kp = generateSm2KeyPair();
    const msg = Buffer.from('x'.repeat(32));
    sm2Sign(msg, kp);
    let t0 = performance.now();
    const N = 300;
    let sig = sm2Sign(msg, kp);
    for (let i = 0; i < N; i++) sig = sm2Sign(msg, kp);
    const signMs = ms(t0) / N;
    t0 = performance.now();
    for (let i = 0; i < 50; i++) sm2Verify(msg, sig, kp.pub);
    const verifyMs = ms(t0) / 50;
    const peer = smCrypto.sm2.generateKeyPairHex();
    t0 = performance.now();
    let peerSig = '';
    for (let i = 0; i < 10; i++) peerSig = smCrypto.sm2.doSignature('x'.repeat(32), peer.privateKey, { hash: true, der: true, publicKey: peer.publicKey });
    const peerSignMs = ms(t0) / 10;
    t0 = performance.now();
    for (let i = 0; i < 5; i++) smCrypto.sm2.doVerifySignature('x'.repeat(32), peerSig, peer.publicKey, { hash: true, der: true });
    const peerVerifyMs = ms(t0) / 5;
    void publicKeyHex;
    console.log(
      `SM2 sign ${signMs.toFixed(3)} ms, verify ${verifyMs.toFixed(2)} ms; sm-crypto ${peerSignMs.toFixed(1)} ms / ${peerVerifyMs.toFixed(1)} ms (sign ${(peerSignMs / signMs).toFixed(0)}x, verify ${(peerVerifyMs / verifyMs).toFixed(0)}x faster here)`,
    );

    // --- SM4 seal throughput
    const keys = deriveSealKeys(Buffer.alloc(32, 1));
    const mb = Buffer.alloc(16 << 20, 7);
    t0 = performance.now();
    sm4Seal(keys, mb);
    console.log(`SM4-CTR+HMAC-SM3 seal: ${(16 / (ms(t0) / 1000)).toFixed(0)} MB/s`);

    // --- audit append, through the public entry point (store reused per process, as in a deploy)
    const stateDir = join(dir, 'state');
    await audit.record(stateDir, { action: 'bench.warm', result: 'ok' });
    const APPENDS = 2000;
    const c0 = cpuUsage();
    t0 = performance.now();
    for (let i = 0; i < APPENDS; i++)
      await audit.record(stateDir, { action: 'deploy.commit', objects: [`device:d${i}`], input: `diff ${i}`, result: 'ok', detail: { i } });
    const appendMs = ms(t0) / APPENDS;
    console.log(
      `audit append: ${appendMs.toFixed(3)} ms/record wall, ${(cpuMs(c0) / APPENDS).toFixed(3)} ms CPU (target ≤ 1 ms; SQLite WAL, SM3 chain, SM2 signature, anchor file)`,
    );
    await closeAuditStores();

    // --- verify 100,000 records (written directly: 100k appends would take the bench minutes)
    const big = join(dir, 'big');
    const signer = hostSigner(big);
    await audit.record(big, { action: 'bench.init', result: 'ok' });
    await closeAuditStores();
    const db = new Database(auditSqlitePath(big));
    db.exec('DELETE FROM audit_log');
    const ins = db.prepare(`INSERT INTO audit_log VALUES (${Array(13).fill('?').join(', ')})`);
    let prev = GENESIS;
    const RECORDS = 100_000;
    const fill = db.transaction(() => {
      for (let seq = 1; seq <= RECORDS; seq++) {
        // Only every 1000th record gets a real signature (filling is not what is measured); the head always does.
        const base = {
          seq,
          prev,
          at: new Date(1_700_000_000_000 + seq).toISOString(),
          user: 'root',
          operator: seq % 3 ? null : 'noc',
          action: 'deploy.commit',
          objects: [`device:d${seq % 2000}`],
          inputHash: 'ab'.repeat(32),
          result: 'ok',
          detail: { seq },
          keyId: signer.keyId,
        };
        const rec = seq % 1000 === 0 || seq === RECORDS ? seal(base, signer.key) : { ...base, hash: hashRecord(base), sig: '' };
        ins.run(...toRow(rec));
        prev = rec.hash;
      }
    });
    fill();
    db.close();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(big, 'audit', 'head.json'), JSON.stringify({ seq: RECORDS, hash: prev }));
    const v0 = cpuUsage();
    t0 = performance.now();
    const report = await audit.verify(big);
    console.log(
      `audit verify of ${report.records} records: ${(ms(t0) / 1000).toFixed(2)} s wall, ${(cpuMs(v0) / 1000).toFixed(2)} s CPU, ok=${report.ok} (target ≤ 2 s; every hash and link, the head's signature)`,
    );
    await closeAuditStores();

    // --- the 等保 pack over the full province
    const inventory = await loadInventory(DEFAULT_INVENTORY_DIR);
    const topology = buildTopology(inventory);
    let tr = performance.now();
    const deviceConfigs = renderAllConfigs(topology);
    const renderMs = ms(tr);
    tr = performance.now();
    const terraformJson = await synthTerraformDocs(inventory);
    const tfMs = ms(tr);
    const rules = MLPS_POLICIES as unknown as AnyPolicy[];
    const runs: number[] = [];
    let result;
    for (let i = 0; i < 3; i++) {
      // A fresh array each run: the facts cache is per array, so each run parses every config again.
      const configs = deviceConfigs.map((f) => ({ ...f }));
      t0 = performance.now();
      result = runPolicies(rules, { deviceConfigs: configs, terraformJson } as never);
      runs.push(ms(t0));
    }
    runs.sort((a, b) => a - b);
    console.log(
      `等保 pack over ${deviceConfigs.length} rendered configs + ${terraformJson.length} Terraform stacks: median ${(runs[1]! / 1000).toFixed(2)} s (best ${(runs[0]! / 1000).toFixed(2)} s; target ≤ 3 s), ${result!.summary.hardFindings} hard findings, ${result!.summary.passed}/${result!.summary.rules} rules pass`,
    );
    console.log(
      `  inputs (not in the pack's time): rendering ${deviceConfigs.length} configs with the FRR host files ${(renderMs / 1000).toFixed(2)} s, Terraform synth ${(tfMs / 1000).toFixed(2)} s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
