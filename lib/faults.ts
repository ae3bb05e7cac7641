/**
 * Fault points (in the manner of etcd's gofail / FreeBSD's fail points): named places in a commit
 * sequence where a test makes the process die (`STACKS_FAULT=NAME`, SIGKILL: a crash, nothing runs
 * after) or a call fail with a disk error (`STACKS_FAULT=NAME:enospc` or `:eacces`). Without the
 * variable a fault point is one string comparison. The tests that use them prove that a crash at
 * any step leaves the old state or the new one, never a mix.
 */
const armed = process.env.STACKS_FAULT;

export function faultPoint(name: string, path = name): void {
  if (!armed || !armed.startsWith(name)) return;
  const mode = armed.slice(name.length);
  if (mode === '') {
    process.kill(process.pid, 'SIGKILL');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000); // nothing runs after a crash
  }
  if (mode === ':enospc' || mode === ':eacces') {
    const code = mode.slice(1).toUpperCase();
    throw Object.assign(new Error(`${code}: injected fault, ${name} '${path}'`), { code, path, syscall: 'write' });
  }
}
