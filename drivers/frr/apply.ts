/**
 * The script an FRR device runs to make a file its running config, changing only what differs.
 * It is written onto the device by the driver (so any FRR router works, not only the lab's), and
 * the revert timer runs the same script on the rollback point.
 *
 * Why frr-reload.py and not hand-made vtysh commands: measured on a lab county router (bench
 * `frr-commit`), a one-line cost change took frr-reload.py ~0.5–0.8 s against ~0.1 s for the one
 * `vtysh -c` line a hand diff would send; both left every other adjacency up. But a hand diff must
 * know FRR's grammar of `no` (OSPF commands that only take a prefix of the line, contexts whose
 * removal drops their children, lines a daemon adds on its own): frr-reload.py is FRR's own answer
 * to that, kept with FRR, and half a second is well inside the 5 s budget of a change. The only
 * restart left is the lab's (reset.sh): back to the empty boot config, where frr-reload.py would
 * send one `no` per line, and as a fallback when frr-reload.py refuses a difference.
 */
export const APPLY_SCRIPT = '/etc/frr/stacks-apply.sh';

export const applyScript = [
  '#!/bin/sh',
  '# usage: stacks-apply.sh FILE — make FILE the running config; prints the method used.',
  'f=$1',
  // A boot config (hostname and comments only) on a lab device: restart empty, cheaper than one `no` per line.
  "if [ -x /etc/frr/reset.sh ] && ! grep -qvE '^(hostname .*|!.*|frr .*|)$' \"$f\"; then sh /etc/frr/reset.sh \"$f\" >&2 && echo replace && exit 0; fi",
  'if python3 /usr/lib/frr/frr-reload.py --reload --stdout "$f" > /var/tmp/frr-reload.log 2>&1; then echo incremental; exit 0; fi',
  'if [ -x /etc/frr/reset.sh ]; then sh /etc/frr/reset.sh "$f" >&2 && echo replace && exit 0; fi',
  'tail -20 /var/tmp/frr-reload.log >&2',
  'exit 1',
  '',
].join('\n');
