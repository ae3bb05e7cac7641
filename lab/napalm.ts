/**
 * The NAPALM-style driver for an FRR device over SSH: load a candidate, compare it with the running
 * config, commit with a confirm timer (the device rolls itself back when no confirm arrives — also
 * when the deployer is killed), confirm, or roll back now.
 *
 * All paths are the device's own: inside its mount namespace /etc/frr and /run/frr are its
 * directories, so vtysh and frr-reload.py run unmodified.
 */
import type { DeviceSession } from './ssh.js';
import { runtimeError } from '../lib/errors.js';

// --stdout keeps frr-reload.py's log out of the host's /var/log/frr; only errors are logged.
const RELOAD = '/usr/lib/frr/frr-reload.py --stdout --log-level error';
const CANDIDATE = '/etc/frr/candidate.conf';
const ROLLBACK = '/etc/frr/rollback.conf';
const TIMER = '/etc/frr/confirm.pid';
/** Restarts FRR with no config (written by daemons.ts): the rollback point of a fresh device. */
const RESET = '/etc/frr/reset.sh';

export interface ConfigDiff {
  /** `no …` commands frr-reload.py would send, with their context lines. */
  remove: string[];
  add: string[];
}

export const diffIsEmpty = (d: ConfigDiff) => d.remove.length === 0 && d.add.length === 0;

/** Parse `frr-reload.py --test` output into the blocks it would delete and add. */
export function parseReloadTest(out: string): ConfigDiff {
  const diff: ConfigDiff = { remove: [], add: [] };
  let section: keyof ConfigDiff | undefined;
  for (const line of out.split('\n')) {
    if (line === 'Lines To Delete') section = 'remove';
    else if (line === 'Lines To Add') section = 'add';
    else if (/^=+$/.test(line) || line.trim() === '') continue;
    else if (section) diff[section].push(line);
  }
  return diff;
}

export class FrrDriver {
  constructor(private readonly s: DeviceSession) {}

  private async must(cmd: string, what: string, stdin?: string): Promise<string> {
    const r = await this.s.exec(cmd, stdin);
    if (r.code !== 0) throw runtimeError('E_LAB_DEVICE', `${this.s.device}: ${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 600)}`);
    return r.stdout;
  }

  loadCandidate(config: string): Promise<string> {
    return this.must(`cat > ${CANDIDATE}`, 'load candidate', config);
  }

  async compare(): Promise<ConfigDiff> {
    return parseReloadTest(await this.must(`${RELOAD} --test ${CANDIDATE}`, 'compare'));
  }

  /**
   * Save the running config as the rollback point, arm a timer that restores it after `seconds`,
   * then apply only the difference to the candidate.
   */
  async commitConfirm(seconds: number): Promise<void> {
    const script = [
      'set -e',
      `if [ -s ${TIMER} ]; then kill -- -$(cat ${TIMER}) 2>/dev/null || true; fi`,
      `vtysh -c 'show running-config no-header' > ${ROLLBACK}`,
      `setsid sh -c 'sleep ${seconds}; ${RELOAD} --reload ${ROLLBACK} > /var/tmp/rollback.log 2>&1; rm -f ${TIMER}' < /dev/null > /dev/null 2>&1 &`,
      `echo $! > ${TIMER}`,
      `${RELOAD} --reload ${CANDIDATE} > /var/tmp/reload.log 2>&1 || { cat /var/tmp/reload.log >&2; exit 1; }`,
    ].join('\n');
    await this.must('sh -s', 'commit', script);
  }

  /**
   * First config on a device that runs none yet: the whole candidate is the diff, so apply it in one
   * vtysh pass instead of frr-reload.py's compare-and-apply (which costs two Python runs). The
   * rollback point is the empty running config, armed the same way as `commitConfirm`.
   */
  async commitReplaceEmpty(seconds: number): Promise<void> {
    const script = [
      'set -e',
      `if [ -s ${TIMER} ]; then kill -- -$(cat ${TIMER}) 2>/dev/null || true; fi`,
      `vtysh -c 'show running-config no-header' > ${ROLLBACK}`,
      `setsid sh -c 'sleep ${seconds}; sh ${RESET} > /var/tmp/rollback.log 2>&1; rm -f ${TIMER}' < /dev/null > /dev/null 2>&1 &`,
      `echo $! > ${TIMER}`,
      `vtysh -f ${CANDIDATE} > /var/tmp/reload.log 2>&1 || { cat /var/tmp/reload.log >&2; exit 1; }`,
    ].join('\n');
    await this.must('sh -s', 'commit', script);
  }

  /** Disarm the timer and make the candidate the startup config. */
  async confirm(): Promise<void> {
    await this.must(`if [ -s ${TIMER} ]; then kill -- -$(cat ${TIMER}) 2>/dev/null || true; rm -f ${TIMER}; fi; cp ${CANDIDATE} /etc/frr/frr.conf`, 'confirm');
  }

  /**
   * Confirm a commit made by this deploy: refused when the timer already fired (the device has
   * rolled itself back, so confirming would record a config it no longer runs).
   */
  async confirmCommit(): Promise<void> {
    const r = await this.s.exec(`[ -s ${TIMER} ] && kill -- -$(cat ${TIMER}) && rm -f ${TIMER} && cp ${CANDIDATE} /etc/frr/frr.conf`);
    if (r.code !== 0) throw runtimeError('E_LAB_CONFIRM_EXPIRED', `${this.s.device}: the confirm timer fired before the checks passed; the device rolled itself back`, 'deploy again, with a longer --confirm-timeout on a busy host');
  }

  /** Disarm the timer and return a fresh device to its empty boot config. */
  async rollbackToEmpty(): Promise<void> {
    await this.must(`if [ -s ${TIMER} ]; then kill -- -$(cat ${TIMER}) 2>/dev/null || true; rm -f ${TIMER}; fi; sh ${RESET} > /var/tmp/rollback.log 2>&1 || { cat /var/tmp/rollback.log >&2; exit 1; }`, 'rollback');
  }

  /** Disarm the timer and restore the rollback point at once. */
  async rollback(): Promise<void> {
    await this.must(`if [ -s ${TIMER} ]; then kill -- -$(cat ${TIMER}) 2>/dev/null || true; rm -f ${TIMER}; fi; ${RELOAD} --reload ${ROLLBACK} > /var/tmp/rollback.log 2>&1 || { cat /var/tmp/rollback.log >&2; exit 1; }`, 'rollback');
  }

  async vtyshJson<T>(command: string): Promise<T> {
    return JSON.parse(await this.must(`vtysh -c '${command}'`, command)) as T;
  }

  exec(command: string) {
    return this.s.exec(command);
  }
}
