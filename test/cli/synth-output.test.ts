/**
 * synth owns its output and nothing else, and commits the output and the IPAM ledger together:
 * a crash (SIGKILL at an injected fault point) at any step leaves both old or both new.
 * A small inventory (one county per city) keeps each run to seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smallInventory, type InventoryCopy } from '../support/inventory.js';
import { runCli } from '../support/cli.js';
import { recoverLedger } from '../../stacks/synth.js';

let inv: InventoryCopy;
let work: string;
let emptyLedger: string;
const ledgerOf = () => join(inv.dir, 'ipam-ledger.json');
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const synth = (out: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  runCli(['--inventory', inv.dir, '--json', 'synth', '--skip-checks', '--stack', 'backbone', '--output', out, ...extra], { env });

beforeAll(async () => {
  inv = await smallInventory();
  emptyLedger = readFileSync(ledgerOf(), 'utf8');
  work = await mkdtemp(join(tmpdir(), 'stacks-synth-own-'));
});
afterAll(async () => {
  await inv.cleanup();
  await rm(work, { recursive: true, force: true });
});

describe('synth output it owns', () => {
  it('refuses a non-empty folder it did not create (exit 2, nothing touched); --force-owned adopts it; never the inventory', async () => {
    const out = join(work, 'project');
    mkdirSync(join(out, '.git'), { recursive: true });
    writeFileSync(join(out, 'main.tf'), 'keep me');
    const r = await synth(out);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('E_OUTPUT_NOT_OWNED');
    expect(r.stderr).toMatch(/--force-owned/);
    expect(readdirSync(out).sort()).toEqual(['.git', 'main.tf']);
    const forced = await synth(out, ['--force-owned']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(existsSync(join(out, 'stacks-manifest.json'))).toBe(true);
    // the inventory's own folder (or a folder holding it) is refused even with --force-owned
    const home = await synth(join(inv.dir, '..'), ['--force-owned']);
    expect(home.code).toBe(2);
    expect(existsSync(join(inv.dir, 'province.yaml'))).toBe(true);
    writeFileSync(ledgerOf(), emptyLedger);
  }, 120_000);

  it('a byte-identical re-synth reports 0 changed; stale staging of dead runs is removed', async () => {
    const out = join(work, 'again');
    const first = JSON.parse((await synth(out)).stdout);
    expect(first.unchanged).toBe(0);
    mkdirSync(join(work, '.again.staging-999999-dead'), { recursive: true });
    writeFileSync(join(work, '.again.staging-999999-dead', 'x'), 'x');
    mkdirSync(join(work, '.again.terraform-999999-dead'));
    const second = JSON.parse((await synth(out)).stdout);
    expect(second.files - second.unchanged).toBe(0);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    // removed in the background: give the detached rm a moment
    for (let i = 0; i < 50 && readdirSync(work).some((e) => e.includes('999999')); i++) await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(work).filter((e) => e.startsWith('.again.') && !e.endsWith('.lock'))).toHaveLength(1); // the live generation
    writeFileSync(ledgerOf(), emptyLedger);
  }, 120_000);

  // Each step of the commit, killed there: afterwards (and after the next run's recovery) the output
  // and the ledger agree — both old (no output, empty ledger) or both new.
  for (const fault of ['synth:staged', 'synth:ledger-pending', 'files:link-made', 'files:swapped', 'synth:swapped', 'synth:ledger-committed']) {
    it(`a crash at ${fault} leaves output and ledger both old or both new`, async () => {
      const out = join(work, `crash-${fault.replace(':', '-')}`);
      writeFileSync(ledgerOf(), emptyLedger);
      const r = await synth(out, [], { STACKS_FAULT: fault });
      expect(r.code).not.toBe(0); // killed
      recoverLedger(ledgerOf(), out);
      const ledger = readFileSync(ledgerOf(), 'utf8');
      if (!existsSync(out)) {
        expect(ledger).toBe(emptyLedger);
      } else {
        const manifest = JSON.parse(readFileSync(join(out, 'stacks-manifest.json'), 'utf8'));
        expect(manifest.ledger_sha256).toBe(sha(ledger));
        expect(ledger).not.toBe(emptyLedger);
      }
      expect(readdirSync(inv.dir).filter((e) => e.includes('.tmp-') || e.endsWith('.pending'))).toEqual([]);
      // and the next run completes over what the crash left
      const next = await synth(out);
      expect(next.code, next.stderr).toBe(0);
      expect(JSON.parse(readFileSync(join(out, 'stacks-manifest.json'), 'utf8')).ledger_sha256).toBe(sha(readFileSync(ledgerOf())));
    }, 120_000);
  }

  it('disk full at the ledger write: exit 3 naming the ledger, output untouched, no temp file left', async () => {
    const out = join(work, 'full');
    writeFileSync(ledgerOf(), emptyLedger);
    const r = await synth(out, [], { STACKS_FAULT: 'files:write-temp:enospc' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/E_ENOSPC: .*ipam-ledger\.json: cannot write: no space left on the device/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(ledgerOf(), 'utf8')).toBe(emptyLedger);
    expect(readdirSync(inv.dir).filter((e) => e.startsWith('.ipam-ledger.json.') && !e.endsWith('.lock'))).toEqual([]);
  }, 120_000);
});
