/**
 * Private files and folders are private from creation whatever the umask: every case runs under
 * umask 0, where a file or folder made without an explicit mode would come out 0666 / 0777.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateFileExclusive, ensurePrivateDir, touchPrivateFile, writePrivateFileAtomically, writePrivateFileInPlace } from './private-files.js';
import { PRIVATE, writeFileAtomically } from './files.js';
import { acquireLock } from './lock.js';

const root = mkdtempSync(join(tmpdir(), 'stacks-private-'));
const mode = (p: string) => statSync(p).mode & 0o777;
let saved = 0;

beforeAll(() => {
  saved = process.umask(0);
});
afterAll(() => {
  process.umask(saved);
  rmSync(root, { recursive: true, force: true });
});

describe('private files under umask 0', () => {
  test('the umask is 0 here, so a mode left to the default would show', () => {
    writeFileSync(join(root, 'plain'), 'x');
    expect(mode(join(root, 'plain'))).toBe(0o666);
  });

  test('ensurePrivateDir makes every missing folder 0700 and tightens a looser one', () => {
    ensurePrivateDir(join(root, 'a', 'b', 'c'));
    for (const d of ['a', 'a/b', 'a/b/c']) expect(mode(join(root, d)), d).toBe(0o700);
    chmodSync(join(root, 'a', 'b', 'c'), 0o755);
    ensurePrivateDir(join(root, 'a', 'b', 'c'));
    expect(mode(join(root, 'a', 'b', 'c'))).toBe(0o700);
  });

  test('writePrivateFileAtomically: the file 0600, its missing folders 0700, no temp file left', () => {
    const f = join(root, 'w', 'x', 'secret.json');
    writePrivateFileAtomically(f, 'one');
    writePrivateFileAtomically(f, 'two');
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(mode(f)).toBe(0o600);
    expect(mode(join(root, 'w'))).toBe(0o700);
    expect(mode(join(root, 'w', 'x'))).toBe(0o700);
  });

  test('writePrivateFileInPlace keeps the inode, writes 0600 and tightens a file an older version left 0644', async () => {
    const f = join(root, 'in-place.conf');
    await writePrivateFileInPlace(f, 'first\n');
    expect(mode(f)).toBe(0o600);
    chmodSync(f, 0o644);
    const ino = statSync(f).ino;
    await writePrivateFileInPlace(f, 'second\n');
    expect(statSync(f).ino).toBe(ino); // a bind mount of this path still sees the new contents
    expect(mode(f)).toBe(0o600);
    expect(readFileSync(f, 'utf8')).toBe('second\n');
  });

  test('touchPrivateFile and createPrivateFileExclusive: 0600, missing folders 0700', () => {
    touchPrivateFile(join(root, 't', 'store.sqlite'));
    expect(mode(join(root, 't', 'store.sqlite'))).toBe(0o600);
    expect(mode(join(root, 't'))).toBe(0o700);
    expect(createPrivateFileExclusive(join(root, 'k', 'key.pem'), 'k')).toBe(true);
    expect(createPrivateFileExclusive(join(root, 'k', 'key.pem'), 'other')).toBe(false);
    expect(mode(join(root, 'k', 'key.pem'))).toBe(0o600);
    expect(mode(join(root, 'k'))).toBe(0o700);
  });

  test('writeFileAtomically with PRIVATE makes its missing folders 0700; without, the umask decides', async () => {
    await writeFileAtomically(join(root, 'state', 'lab', 'state.json'), '{}', PRIVATE);
    expect(mode(join(root, 'state', 'lab', 'state.json'))).toBe(0o600);
    expect(mode(join(root, 'state'))).toBe(0o700);
    expect(mode(join(root, 'state', 'lab'))).toBe(0o700);
    await writeFileAtomically(join(root, 'out', 'report.json'), '{}');
    expect(mode(join(root, 'out'))).toBe(0o777);
    expect(mode(join(root, 'out', 'report.json'))).toBe(0o644);
  });

  test('a lock makes its missing folders 0700 and its file 0600, unless asked for the umask', () => {
    const lock = acquireLock(join(root, 'l', 'lab', 'deploy.lock'), 'test');
    try {
      expect(mode(join(root, 'l'))).toBe(0o700);
      expect(mode(join(root, 'l', 'lab'))).toBe(0o700);
      expect(mode(join(root, 'l', 'lab', 'deploy.lock'))).toBe(0o600);
    } finally {
      lock.release();
    }
    acquireLock(join(root, 'o', '.out.lock'), 'test', { dirMode: 0o777 }).release();
    expect(mode(join(root, 'o'))).toBe(0o777);
  });
});
