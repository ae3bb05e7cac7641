/**
 * Four deploys started at once: exactly one holds the lab's deploy lock, the other three are
 * refused with E_LAB_LOCKED naming the holder. Each deploy is a separate process (as four people
 * or four CI jobs would be) that takes the lock through the call the deploy makes (lab/lock.ts),
 * all released at the same instant, ten rounds. Needs `npm run build` (dist/).
 */
import { describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../support/cli.js';

const LOCK_MODULE = join(REPO, 'dist', 'lab', 'lock.js');

function contender(lockFile: string, startAt: number): Promise<string> {
  const script = `
    const { acquireLock } = await import(${JSON.stringify('file://' + LOCK_MODULE)});
    while (Date.now() < ${startAt}) {}
    try {
      const lock = acquireLock(${JSON.stringify(lockFile)}, 'deploy');
      process.stdout.write('ran');
      await new Promise((r) => setTimeout(r, 1500));
      lock.release();
    } catch (err) {
      process.stdout.write(err.code === 'E_LAB_LOCKED' ? 'refused' : 'error ' + err.message);
    }`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

describe('deploy lock', () => {
  test('four deploys at once: exactly one runs, ten rounds out of ten', { timeout: 120_000 }, async () => {
    expect(existsSync(LOCK_MODULE)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'stx-lock-test-'));
    try {
      const ran: number[] = [];
      for (let round = 0; round < 10; round++) {
        const startAt = Date.now() + 1200; // every process loaded and spinning before the start
        const results = await Promise.all([0, 1, 2, 3].map(() => contender(join(dir, `round${round}.lock`), startAt)));
        expect(results.filter((r) => r !== 'ran' && r !== 'refused')).toEqual([]);
        ran.push(results.filter((r) => r === 'ran').length);
      }
      expect(ran).toEqual(Array(10).fill(1));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
