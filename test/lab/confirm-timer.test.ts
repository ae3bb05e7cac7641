/**
 * The device-side confirm timer of FrrDriver, run for real: the driver's shell scripts execute in a
 * private mount namespace where a temporary directory is bind-mounted on /etc/frr and /var/tmp (and an
 * empty one on /run/frr, so no FRR daemon is reached), as on a lab device, with a stand-in `vtysh`
 * first on PATH that records each file it applies (and takes a while, like a busy FRR). No FRR or
 * SSH here: what is under test is who wins when a confirm and the timer meet.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrrDriver } from '../../lab/napalm.js';
import { run, sleep } from '../../lab/shell.js';
import type { DeviceSession } from '../../lab/ssh.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) {
    // the timers are detached (setsid): stop one still sleeping before its directory goes
    const pidFile = join(r, 'etc', 'confirm.pid');
    if (existsSync(pidFile))
      try {
        process.kill(-Number(readFileSync(pidFile, 'utf8').trim()));
      } catch {
        /* gone */
      }
    rmSync(r, { recursive: true, force: true });
  }
});

function fakeDevice(resetSeconds: number): { driver: FrrDriver; etc: string } {
  const root = mkdtempSync(join(tmpdir(), 'stx-confirm-timer-test-'));
  roots.push(root);
  const etc = join(root, 'etc');
  const tmp = join(root, 'tmp');
  const frrRun = join(root, 'run');
  mkdirSync(etc);
  mkdirSync(tmp);
  mkdirSync(frrRun);
  writeFileSync(join(etc, 'frr.conf'), 'old\n');
  const bin = join(root, 'bin');
  mkdirSync(bin);
  // `vtysh -f FILE` applies FILE; `vtysh -c …` (show running-config) prints nothing
  writeFileSync(
    join(bin, 'vtysh'),
    `#!/bin/sh\n# ${root}\n[ "$1" = -f ] || exit 0\necho "apply $2" >> /etc/frr/applied.log\nsleep ${resetSeconds}\ncat "$2" > /etc/frr/running.conf 2>/dev/null || true\n`,
    { mode: 0o755 },
  );
  const session = {
    device: 'fake',
    exec: (command: string, stdin?: string) =>
      run(
        'unshare',
        [
          '-m',
          '--propagation',
          'private',
          'sh',
          '-c',
          `mkdir -p /run/frr /etc/frr && mount --bind "$1" /etc/frr && mount --bind "$2" /var/tmp && mount --bind "$4" /run/frr && PATH="$5:$PATH" exec sh -c "$3"`,
          'sh',
          etc,
          tmp,
          command,
          frrRun,
          bin,
        ],
        { input: stdin, allowFail: true },
      ),
    close: () => undefined,
  } as unknown as DeviceSession;
  return { driver: new FrrDriver(session), etc };
}

const applied = (etc: string) => (existsSync(join(etc, 'applied.log')) ? readFileSync(join(etc, 'applied.log'), 'utf8').trim().split('\n') : []);

describe('confirm timer', () => {
  test('a confirm in time commits the candidate and the timer never fires', { timeout: 20_000 }, async () => {
    expect(process.getuid?.()).toBe(0); // mount namespaces: CI runs as root, never skipped
    const { driver, etc } = fakeDevice(0);
    await driver.loadReplaceCandidate('new\n');
    await driver.commitConfig({ revertInSeconds: 2 });
    await driver.confirmCommit();
    await sleep(3000);
    expect(readFileSync(join(etc, 'frr.conf'), 'utf8')).toBe('new\n');
    expect(applied(etc)).toEqual(['apply /etc/frr/commit.vtysh']);
  });

  test('a confirm that arrives while the timer is rolling back is refused, and the rollback completes', { timeout: 20_000 }, async () => {
    const { driver, etc } = fakeDevice(2);
    await driver.loadReplaceCandidate('new\n');
    await driver.commitConfig({ revertInSeconds: 1 });
    // the commit's own apply took 2 s, so the 1 s timer has fired and its rollback is under way
    await sleep(300);
    await expect(driver.confirmCommit()).rejects.toMatchObject({ code: 'E_CONFIRM_EXPIRED' });
    await sleep(2500);
    expect(applied(etc)).toEqual(['apply /etc/frr/commit.vtysh', 'apply /etc/frr/rollback.vtysh']);
    expect(readFileSync(join(etc, 'frr.conf'), 'utf8')).toBe('old\n');
    // what the timer applied: the commit's reverse, back to `old`
    expect(readFileSync(join(etc, 'running.conf'), 'utf8')).toBe('no new\nold\n');
  });
});
