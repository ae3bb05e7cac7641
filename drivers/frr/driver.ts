/**
 * The FRR driver: NAPALM's cycle over a shell on the device (SSH for the lab and for real routers).
 * The committed config is /etc/frr/frr.conf (what FRR boots from); a commit applies only the
 * difference (stacks-apply.sh → frr-reload.py, see apply.ts) and arms a revert timer on the device,
 * so the device rolls itself back when no confirm arrives — also when the deployer is killed.
 */
import { structuredPatch } from 'diff';
import { runtimeError } from '../../lib/errors.js';
import type {
  BfdPeer,
  CommitOptions,
  CommitReport,
  ConfigDiff,
  ConfigDriver,
  ConfigKind,
  DeviceFacts,
  DeviceShell,
  InterfaceInfo,
  OspfNeighbour,
  VrrpGroup,
} from '../types.js';
import { APPLY_SCRIPT, applyScript } from './apply.js';
import { incrementalScript } from './incremental.js';
import { bfdPeers, durationSeconds, frrReloadDelta, ipInterfaces, ospf4Neighbours, ospf6Neighbours, vrrpGroups } from './parse.js';

const CANDIDATE = '/etc/frr/candidate.conf';
/** `replace` or `merge`: how the loaded candidate is to be applied. */
const MODE = '/etc/frr/candidate.mode';
/** The committed config: written by confirm, read back by compare, restored by rollback. */
const STARTUP = '/etc/frr/frr.conf';
const ROLLBACK = '/etc/frr/rollback.conf';
/** `show running-config` as FRR printed it right after the last confirm: hand edits are read against it. */
const CONFIRMED_RUNNING = '/etc/frr/running.confirmed';
const RECORD_RUNNING = `vtysh -c 'show running-config' > ${CONFIRMED_RUNNING}.new && mv ${CONFIRMED_RUNNING}.new ${CONFIRMED_RUNNING}`;
/** vtysh scripts of the commit (committed → candidate) and of its rollback (candidate → committed). */
const FORWARD = '/etc/frr/commit.vtysh';
const REVERSE = '/etc/frr/rollback.vtysh';
/** A timed commit (`at`): when its commands went to vtysh, by the device's clock. */
const APPLIED_AT = '/var/tmp/commit.at';
/** Roll back: the reverse script in one vtysh pass, else the fallback applies the whole rollback point. */
const ROLL_BACK = `{ vtysh -f ${REVERSE} || sh ${APPLY_SCRIPT} ${ROLLBACK}; }`;
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
  // a timer already rolling back is left to finish, so the two never change FRR at once
  `i=0; while [ -e ${FIRED} ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done`,
].join('; ');
/**
 * The device runs its boot config (a fresh device, or one rolled back to nothing): the committed
 * file holds only a hostname and comments, and no routing or interface stanza runs.
 */
const IS_BOOT = `{ ! grep -qvE '^(hostname .*|!.*|frr .*|)$' ${STARTUP} 2>/dev/null && ! vtysh -c 'show running-config' | grep -qE '^(router|interface) '; }`;

export const diffIsEmpty = (d: ConfigDiff) => d.remove.length === 0 && d.add.length === 0;

/** Lines only in `from` (remove) and only in `to` (add), in file order. */
export function configDiff(from: string, to: string): ConfigDiff {
  const patch = structuredPatch('running', 'candidate', from, to, '', '', { context: 0 });
  const lines = patch.hunks.flatMap((h) => h.lines);
  return { remove: lines.filter((l) => l.startsWith('-')).map((l) => l.slice(1)), add: lines.filter((l) => l.startsWith('+')).map((l) => l.slice(1)) };
}

export class FrrDriver implements ConfigDriver {
  readonly platform = 'frr';
  constructor(private readonly s: DeviceShell) {}

  get device(): string {
    return this.s.device;
  }

  private async must(cmd: string, what: string, stdin?: string): Promise<string> {
    const r = await this.exec(cmd, stdin);
    if (r.code !== 0) throw runtimeError('E_DEVICE', `${this.s.device}: ${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(-600)}`);
    return r.stdout;
  }

  /**
   * Every command under umask 077: the candidate, the forward and reverse scripts, the rollback
   * point and the logs the driver leaves on the device hold the config's keys, and are created
   * private (a lab device's /etc/frr and /var/tmp are folders of the state dir).
   */
  exec(command: string, stdin?: string) {
    return this.s.exec(`umask 077; ${command}`, stdin);
  }

  async getFacts(): Promise<DeviceFacts> {
    const out = await this.must(
      `vtysh -c 'show version' ; echo '@@'; vtysh -c 'show running-config' | sed -n 's/^hostname //p'; echo '@@'; ps -o etime= -p $(cat /run/frr/zebra.pid 2>/dev/null || echo 1); echo '@@'; ls /sys/class/net`,
      'get facts',
    );
    const [version = '', hostname = '', etime = '', ifs = ''] = out.split('@@\n');
    return {
      // vtysh adds its own `hostname` (the host's) after the daemons' in an integrated config: the first is the router's
      hostname: hostname.trim().split('\n')[0] ?? '',
      vendor: 'FRRouting',
      model: 'Linux',
      osVersion: /FRRouting (\S+)/.exec(version)?.[1] ?? version.trim().split('\n')[0] ?? '',
      uptimeSeconds: etimeSeconds(etime.trim()),
      interfaces: ifs.split(/\s+/).filter(Boolean).sort(),
    };
  }

  getConfig(kind: ConfigKind): Promise<string> {
    if (kind === 'running') return this.must(`vtysh -c 'show running-config'`, 'read running config');
    return this.must(`cat ${kind === 'startup' ? STARTUP : CANDIDATE} 2>/dev/null || true`, `read ${kind} config`);
  }

  async loadReplaceCandidate(config: string): Promise<void> {
    await this.must(`cat > ${CANDIDATE} && echo replace > ${MODE}`, 'load candidate', config);
  }

  async loadMergeCandidate(config: string): Promise<void> {
    await this.must(`cat > ${CANDIDATE} && echo merge > ${MODE}`, 'load merge candidate', config);
  }

  async discardConfig(): Promise<void> {
    await this.must(`rm -f ${CANDIDATE} ${MODE}`, 'discard candidate');
  }

  /** Candidate against the device's committed config (read from the device, not from our state). */
  async compareConfig(): Promise<ConfigDiff> {
    const [startup, candidate] = (
      await this.must(`cat ${STARTUP} 2>/dev/null; echo '@@@@'; cat ${CANDIDATE} 2>/dev/null; echo '@@@@'; cat ${MODE} 2>/dev/null`, 'compare')
    ).split('@@@@\n');
    return configDiff(startup ?? '', candidate ?? '');
  }

  /**
   * Hand edits are read against the running config as FRR printed it at the last confirm (both in
   * FRR's own format, so its defaults and ordering cancel out); the intent against the committed
   * file (both in ours). Without a confirm on record, frr-reload.py --test compares the running
   * config with the intent directly.
   */
  async compareRunning(intended: string): Promise<string[]> {
    const [running = '', confirmed = '', committed = ''] = (
      await this.must(
        `vtysh -c 'show running-config'; echo '@@@@'; cat ${CONFIRMED_RUNNING} 2>/dev/null; echo '@@@@'; cat ${STARTUP} 2>/dev/null`,
        'read running config',
      )
    ).split('@@@@\n');
    const lines = (script: string) => script.split('\n').filter(Boolean);
    if (!confirmed.trim()) {
      const out = await this.must(
        `cat > /var/tmp/stacks-intended.conf && python3 /usr/lib/frr/frr-reload.py --test --stdout /var/tmp/stacks-intended.conf 2>&1`,
        'compare with running config',
        intended,
      );
      const d = frrReloadDelta(out);
      return [...d.remove, ...d.add];
    }
    return [...lines(incrementalScript(running, confirmed)), ...lines(incrementalScript(committed, intended))];
  }

  /**
   * Keep the committed config as the rollback point, arm a timer that restores it after
   * `revertInSeconds`, then apply the candidate: on a device still on its boot config in one vtysh
   * pass (`initial`); in merge mode the candidate's lines, added; otherwise only the difference, as
   * one vtysh script computed here together with its reverse, which the timer and `rollback` run.
   */
  async commitConfig(opts: CommitOptions): Promise<CommitReport> {
    const started = Date.now();
    const [committed = '', candidate = '', mode = ''] = (
      await this.must(`cat ${STARTUP} 2>/dev/null; echo '@@@@'; cat ${CANDIDATE}; echo '@@@@'; cat ${MODE} 2>/dev/null`, 'read configs')
    ).split('@@@@\n');
    const forwardScript = incrementalScript(committed, candidate);
    const reverse = incrementalScript(candidate, committed);
    const heredoc = (file: string, text: string) => `cat > ${file} <<'STACKS_EOF'\n${text}STACKS_EOF`;
    // Seconds left until `at` (0 once it has passed); the revert timer counts from then.
    const left =
      opts.at === undefined
        ? 'left() { echo 0; }'
        : `left() { awk -v t=${(opts.at / 1000).toFixed(3)} -v n="$(date +%s.%N)" 'BEGIN { d = t - n; printf "%.3f", (d > 0 ? d : 0) }'; }`;
    // At `at`, vtysh is already connected to every daemon and in configure mode, waiting on its
    // input: the instant the commands arrive is the instant they apply (vtysh's start and the
    // boot-config check, which take a second or more on a loaded host, come before it).
    const forward =
      opts.at === undefined
        ? `vtysh -f ${FORWARD} > /var/tmp/commit.log 2>&1`
        : `{ sleep "$(left)"; date +%s%3N > ${APPLIED_AT}; cat ${FORWARD}; } | vtysh -f /dev/stdin > /var/tmp/commit.log 2>&1`;
    const applied = opts.at === undefined ? '' : `echo "applied-at $(cat ${APPLIED_AT})"; echo "applied-done $(date +%s%3N)"; `;
    const script = [
      'set -e',
      DISARM,
      heredoc(APPLY_SCRIPT, applyScript),
      heredoc(FORWARD, forwardScript),
      heredoc(REVERSE, reverse),
      `cp ${STARTUP} ${ROLLBACK} 2>/dev/null || : > ${ROLLBACK}`,
      left,
      `setsid sh -c 'sleep '"$(left)"'; sleep ${opts.revertInSeconds}; mv ${TIMER} ${FIRED} 2>/dev/null || exit 0; ${ROLL_BACK} > /var/tmp/rollback.log 2>&1; rm -f ${FIRED}' < /dev/null > /dev/null 2>&1 &`,
      `echo $! > ${TIMER}`,
      // no reverse script for these: a rollback applies the whole rollback point (a restart, from a boot config)
      `if [ "${mode.trim()}" = merge ] || ${IS_BOOT}; then rm -f ${REVERSE}; sleep "$(left)"; vtysh -f ${CANDIDATE} > /var/tmp/commit.log 2>&1 || { cat /var/tmp/commit.log >&2; exit 1; }; echo initial`,
      `elif ${forward}; then ${applied}echo incremental`,
      `else sleep "$(left)"; sh ${APPLY_SCRIPT} ${CANDIDATE} 2>>/var/tmp/commit.log || { cat /var/tmp/commit.log >&2; exit 1; }; fi`,
    ].join('\n');
    const out = await this.must('sh -s', 'commit', script);
    const method = out.trim().split('\n').at(-1);
    const appliedAt = /^applied-at (\d+)$/m.exec(out)?.[1];
    const appliedDone = /^applied-done (\d+)$/m.exec(out)?.[1];
    return {
      method: method === 'incremental' ? 'incremental' : method === 'initial' ? 'initial' : 'replace',
      seconds: (Date.now() - started) / 1000,
      ...(appliedAt ? { appliedAt: Number(appliedAt) } : {}),
      ...(appliedAt && appliedDone ? { applyMs: Number(appliedDone) - Number(appliedAt) } : {}),
    };
  }

  /**
   * Claim the timer and record what now runs as the committed config (refused when the timer
   * already fired: the device has rolled itself back, so confirming would record a config it no
   * longer runs). A merge commit's committed config is the running config after the merge.
   */
  async confirmCommit(): Promise<void> {
    const record = `if [ "$(cat ${MODE} 2>/dev/null)" = merge ]; then vtysh -c 'show running-config' > ${STARTUP}.new && mv ${STARTUP}.new ${STARTUP}; else cp ${CANDIDATE} ${STARTUP}; fi; ${RECORD_RUNNING}`;
    const r = await this.exec(`mv ${TIMER} ${CLAIMED} 2>/dev/null && { kill -- -$(cat ${CLAIMED}) 2>/dev/null; rm -f ${CLAIMED}; ${record}; }`);
    if (r.code !== 0)
      throw runtimeError(
        'E_CONFIRM_EXPIRED',
        `${this.s.device}: the confirm timer fired before the checks passed; the device rolled itself back`,
        'deploy again, with a longer --confirm-timeout on a busy host',
      );
  }

  /**
   * Make the loaded candidate the committed config without a commit (it already runs: a deploy
   * interrupted after its commit), disarming any timer.
   */
  async adoptCandidate(): Promise<void> {
    await this.must(`${DISARM}; cp ${CANDIDATE} ${STARTUP}; ${RECORD_RUNNING}`, 'confirm');
  }

  /** Disarm the timer and restore the rollback point now (only the difference, as a commit). */
  async rollback(): Promise<void> {
    await this.must(
      `${DISARM}; [ -e ${ROLLBACK} ] || exit 0; ${ROLL_BACK} > /var/tmp/rollback.log 2>&1 || { cat /var/tmp/rollback.log >&2; exit 1; }`,
      'rollback',
    );
  }

  async hasPendingCommit(): Promise<boolean> {
    return (await this.exec(`test -e ${TIMER}`)).code === 0;
  }

  async getInterfaces(): Promise<InterfaceInfo[]> {
    return ipInterfaces(await this.must('ip -j addr show', 'get interfaces'));
  }

  async getOspfNeighbours(): Promise<OspfNeighbour[]> {
    const out = await this.must(
      `vtysh -c 'show ip ospf neighbor json' 2>/dev/null; echo '@@@@'; vtysh -c 'show ipv6 ospf6 neighbor json' 2>/dev/null; true`,
      'get OSPF neighbours',
    );
    const [v4 = '', v6 = ''] = out.split('@@@@\n');
    return [...ospf4Neighbours(v4), ...ospf6Neighbours(v6)];
  }

  async getBfdPeers(): Promise<BfdPeer[]> {
    return bfdPeers((await this.s.exec(`vtysh -c 'show bfd peers json' 2>/dev/null`)).stdout);
  }

  async getVrrpGroups(): Promise<VrrpGroup[]> {
    return vrrpGroups((await this.s.exec(`vtysh -c 'show vrrp json' 2>/dev/null`)).stdout);
  }
}

/** `ps -o etime`: `[[dd-]hh:]mm:ss`. */
function etimeSeconds(etime: string): number {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec(etime);
  if (!m) return durationSeconds(etime);
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}
