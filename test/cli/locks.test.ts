/**
 * lib/lock.ts across real processes: the kernel decides, not a pid in a file. Runs the built
 * module (dist/) in child processes, as the CLI does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from '../support/cli.js';
import { acquireLock, lockHolder } from '../../lib/lock.js';

const MODULE = pathToFileURL(join(REPO, 'dist', 'lib', 'lock.js')).href;

/** A process that tries the lock once and says `held` or `busy`; a holder keeps it until stdin closes. */
function contender(file: string, timeoutMs = 0): { child: ChildProcessWithoutNullStreams; verdict: Promise<string>; closed: Promise<unknown> } {
  const code = `import { acquireLock } from ${JSON.stringify(MODULE)};
try { acquireLock(${JSON.stringify(file)}, 'test hold', { timeoutMs: ${timeoutMs} }); process.stdout.write('held\\n'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0)); }
catch (e) { process.stdout.write((e.code === 'E_LAB_LOCKED' ? 'busy ' : 'error ') + e.message + '\\n'); process.exit(0); }`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'pipe'] });
  const closed = new Promise((r) => child.on('close', r));
  const verdict = new Promise<string>((resolve) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('close', () => resolve(out.trim()));
  });
  return { child, verdict, closed };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stacks-lock-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kernel locks (lib/lock.ts)', () => {
  it('N processes at once: exactly one holder, every round', async () => {
    const file = join(dir, 'race.lock');
    for (let round = 0; round < 5; round++) {
      const all = Array.from({ length: 5 }, () => contender(file));
      const verdicts = await Promise.all(all.map((c) => c.verdict));
      expect(
        verdicts.filter((v) => v === 'held'),
        verdicts.join('\n'),
      ).toHaveLength(1);
      expect(verdicts.filter((v) => v.startsWith('busy'))).toHaveLength(4);
      for (const c of all) c.child.stdin.end();
      await Promise.all(all.map((c) => c.closed));
    }
  }, 60_000);

  it('names the holder (pid, user, command) when busy, and a dead holder frees it', async () => {
    const file = join(dir, 'dead.lock');
    const holder = contender(file);
    expect(await holder.verdict).toBe('held');
    const other = contender(file);
    const busy = await other.verdict;
    expect(busy).toMatch(new RegExp(`^busy another test hold \\(pid ${holder.child.pid}, user \\S+, since [^:]+:[^:]+:[^:]+: node`));
    holder.child.kill('SIGKILL');
    await holder.closed;
    const lock = acquireLock(file, 'after the holder died');
    expect(lockHolder(file)?.pid).toBe(process.pid);
    lock.release();
  }, 30_000);

  it('a note naming a live, reused pid (here: pid 1) does not block', () => {
    const file = join(dir, 'reused.lock');
    writeFileSync(file, JSON.stringify({ pid: 1, what: 'deploy', since: '2020-01-01T00:00:00Z' }));
    const lock = acquireLock(file, 'deploy');
    lock.release();
    writeFileSync(file, ''); // an empty note is not a free pass either: the flock decides
    const a = acquireLock(file, 'first');
    expect(() => acquireLock(file, 'second')).toThrow(/E_LAB_LOCKED|holds/);
    a.release();
  });

  it('--lock-timeout style waits: a waiter gets the lock once the holder lets go', async () => {
    const file = join(dir, 'wait.lock');
    const holder = contender(file);
    expect(await holder.verdict).toBe('held');
    const waiter = contender(file, 10_000);
    setTimeout(() => holder.child.stdin.end(), 300);
    expect(await waiter.verdict).toBe('held');
    waiter.child.stdin.end();
  }, 30_000);
});
