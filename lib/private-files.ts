/**
 * Files and folders that hold state or secrets, created private from the first byte: a file is
 * opened with mode 0600 (O_CREAT|O_EXCL on a temporary name, then renamed into place), a folder is
 * made 0700. There is never a moment when another local user could open the file, as there is with
 * write-then-chmod. The umask can only remove bits, so 0600 stays 0600 and 0700 stays 0700 whatever
 * it is; a chmod after creation is used only to tighten what an older version left looser.
 */
import { linkSync, mkdirSync, readFileSync, openSync, writeSync, fsyncSync, closeSync, renameSync, rmSync, existsSync, chmodSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Make `dir` (and missing parents) with mode 0700; an existing `dir` that others can read is tightened. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const mode = statSync(dir).mode & 0o777;
  if (mode & 0o077) chmodSync(dir, mode & 0o700); // an old, looser folder: nothing secret was in it yet through us
}

/**
 * Write `file` atomically with mode 0600 from creation; a missing folder is made 0700. (The lab's
 * daemons never walk the state dir: FRR's and sshd's folders are bind-mounted into each device's
 * mount namespace, and PostgreSQL's data lives outside it — see lab/daemons.ts, dr/service.ts.)
 */
export function writePrivateFileAtomically(file: string, contents: string | Buffer, opts: { fsync?: boolean } = {}): void {
  const dir = dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const tmp = join(dir, `.${basename(file)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const fd = openSync(tmp, 'wx', PRIVATE_FILE_MODE);
  try {
    try {
      writeSync(fd, typeof contents === 'string' ? Buffer.from(contents) : contents);
      if (opts.fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  renameSync(tmp, file);
}

/** Create `file` empty with mode 0600 if it does not exist (before a library such as SQLite opens it); a missing folder is made 0700. */
export function touchPrivateFile(file: string): void {
  const dir = dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** Create `file` with `contents` only if it does not exist yet (mode 0600); false when it already did. */
export function createPrivateFileExclusive(file: string, contents: string | Buffer): boolean {
  const dir = dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // Written under a temporary name, then linked into place: a reader never sees a half-written key.
  const tmp = join(dir, `.${basename(file)}.new-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  writePrivateFileAtomically(tmp, contents, { fsync: true });
  try {
    // link(2) fails with EEXIST if another process created the file first: exactly one wins.
    linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * writePrivateFileInPlace, skipped when the file already holds exactly `contents` and is private: a
 * redeploy rewrites nothing that did not change (a dozen files per lab device).
 */
export async function writePrivateFileIfChanged(file: string, contents: string | Buffer): Promise<boolean> {
  if (privateFileHolds(file, contents)) return false;
  await writePrivateFileInPlace(file, contents);
  return true;
}

/** `file` exists, has no group/other bit and holds exactly `contents`. */
function privateFileHolds(file: string, contents: string | Buffer): boolean {
  try {
    if (statSync(file).mode & 0o077) return false;
    return readFileSync(file).equals(typeof contents === 'string' ? Buffer.from(contents) : contents);
  } catch {
    return false;
  }
}

/**
 * Write `file` in place (same inode) with mode 0600 from creation: for a file a running process has
 * bind-mounted or holds open, which a rename would leave behind. A file an older version left
 * looser is tightened through its descriptor before the new contents go in. The folder must exist.
 */
export async function writePrivateFileInPlace(file: string, contents: string | Buffer): Promise<void> {
  const handle = await open(file, 'w', PRIVATE_FILE_MODE);
  try {
    const mode = (await handle.stat()).mode & 0o777;
    if (mode & 0o077) await handle.chmod(mode & 0o700);
    await handle.writeFile(contents);
  } finally {
    await handle.close();
  }
}
