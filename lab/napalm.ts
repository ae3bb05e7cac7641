/**
 * The NAPALM-style driver for an FRR device over SSH: load a candidate, compare it with the
 * device's committed (startup) config, commit with a confirm timer (the device rolls itself back
 * when no confirm arrives — also when the deployer is killed), confirm, or roll back now.
 *
 * A commit replaces the running config (reset.sh: FRR restarted empty, the whole file loaded in one
 * vtysh pass); see daemons.ts for why not frr-reload.py's line-by-line merge. All paths are the
 * device's own: inside its mount namespace /etc/frr and /run/frr are its directories.
 */
import { structuredPatch } from 'diff';
import type { DeviceSession } from './ssh.js';
import { runtimeError } from '../lib/errors.js';

const CANDIDATE = '/etc/frr/candidate.conf';
/** The committed config: written by confirm, read back by compare, restored by rollback. */
const STARTUP = '/etc/frr/frr.conf';
const ROLLBACK = '/etc/frr/rollback.conf';
const RESET = '/etc/frr/reset.sh';
const TIMER = '/etc/frr/confirm.pid';
/**
 * Whoever renames the timer's pid file first owns the outcome: the timer (it rolls back) or a
 * confirm, rollback or new commit (it stops the timer). rename(2) is atomic, so a confirm can never
 * succeed on a device that has begun rolling itself back, however close the two come.
 */
const CLAIMED = '/etc/frr/confirm.claimed';
const FIRED = '/etc/frr/confirm.fired';
const DISARM = [
  `if mv ${TIMER} ${CLAIMED} 2>/dev/null; then kill -- -$(cat ${CLAIMED}) 2>/dev/null || true; rm -f ${CLAIMED}; fi`,
  // a timer already rolling back is left to finish, so the two never restart FRR at once
  `i=0; while [ -e ${FIRED} ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done`,
].join('; ');

export interface ConfigDiff {
  remove: string[];
  add: string[];
}

export const diffIsEmpty = (d: ConfigDiff) => d.remove.length === 0 && d.add.length === 0;

/** Lines only in `from` (remove) and only in `to` (add), in file order. */
export function configDiff(from: string, to: string): ConfigDiff {
  const patch = structuredPatch('running', 'candidate', from, to, '', '', { context: 0 });
  const lines = patch.hunks.flatMap((h) => h.lines);
  return { remove: lines.filter((l) => l.startsWith('-')).map((l) => l.slice(1)), add: lines.filter((l) => l.startsWith('+')).map((l) => l.slice(1)) };
}

export class FrrDriver {
  constructor(private readonly s: DeviceSession) {}

  private async must(cmd: string, what: string, stdin?: string): Promise<string> {
    const r = await this.s.exec(cmd, stdin);
    if (r.code !== 0) throw runtimeError('E_LAB_DEVICE', `${this.s.device}: ${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(-600)}`);
    return r.stdout;
  }

  loadCandidate(config: string): Promise<string> {
    return this.must(`cat > ${CANDIDATE}`, 'load candidate', config);
  }

  /** Candidate against the device's committed config (read from the device, not from our state). */
  async compare(candidate: string): Promise<ConfigDiff> {
    const startup = await this.must(`cat ${STARTUP} 2>/dev/null || true`, 'read committed config');
    return configDiff(startup, candidate);
  }

  /**
   * Keep the committed config as the rollback point, arm a timer that restores it after `seconds`,
   * then replace the running config with the candidate.
   */
  async commitConfirm(seconds: number, runsBootConfig = false): Promise<void> {
    // A device still on its empty boot config needs no restart: the candidate loads on top of it.
    const apply = runsBootConfig ? `vtysh -f ${CANDIDATE}` : `sh ${RESET} ${CANDIDATE}`;
    const script = [
      'set -e',
      DISARM,
      `cp ${STARTUP} ${ROLLBACK}`,
      `setsid sh -c 'sleep ${seconds}; mv ${TIMER} ${FIRED} 2>/dev/null || exit 0; sh ${RESET} ${ROLLBACK} > /var/tmp/rollback.log 2>&1; rm -f ${FIRED}' < /dev/null > /dev/null 2>&1 &`,
      `echo $! > ${TIMER}`,
      `${apply} > /var/tmp/commit.log 2>&1 || { cat /var/tmp/commit.log >&2; exit 1; }`,
    ].join('\n');
    await this.must('sh -s', 'commit', script);
  }

  /** Disarm any timer and make the candidate the committed config (when it already runs). */
  async confirm(): Promise<void> {
    await this.must(`${DISARM}; cp ${CANDIDATE} ${STARTUP}`, 'confirm');
  }

  /**
   * Confirm a commit made by this deploy: refused when the timer already fired (the device has
   * rolled itself back, so confirming would record a config it no longer runs).
   */
  async confirmCommit(): Promise<void> {
    const r = await this.s.exec(`mv ${TIMER} ${CLAIMED} 2>/dev/null && { kill -- -$(cat ${CLAIMED}) 2>/dev/null; rm -f ${CLAIMED}; cp ${CANDIDATE} ${STARTUP}; }`);
    if (r.code !== 0) throw runtimeError('E_LAB_CONFIRM_EXPIRED', `${this.s.device}: the confirm timer fired before the checks passed; the device rolled itself back`, 'deploy again, with a longer --confirm-timeout on a busy host');
  }

  /** Disarm the timer and restore the rollback point now. */
  async rollback(): Promise<void> {
    await this.must(`${DISARM}; sh ${RESET} ${ROLLBACK} > /var/tmp/rollback.log 2>&1 || { cat /var/tmp/rollback.log >&2; exit 1; }`, 'rollback');
  }

  exec(command: string) {
    return this.s.exec(command);
  }
}
