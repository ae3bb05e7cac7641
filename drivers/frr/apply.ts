/**
 * The fallback an FRR device runs to make a file its running config when the driver's incremental
 * vtysh script (incremental.ts) was refused: frr-reload.py (FRR's own diff, slower but it knows
 * every `no` quirk), then — on a lab device only — a restart on the file (reset.sh). Written onto
 * the device by the driver, so any FRR router has it; the revert timer uses it too.
 *
 * frr-reload.py `write`s the running config over frr.conf whenever the file it applies is not
 * frr.conf itself; that would change the committed config before any confirm. So the file is
 * applied from a scratch config dir where it *is* frr.conf.
 */
export const APPLY_SCRIPT = '/etc/frr/stacks-apply.sh';

export const applyScript = [
  '#!/bin/sh',
  '# usage: stacks-apply.sh FILE — make FILE the running config; prints the method used.',
  'f=$1; d=/var/tmp/stacks-reload',
  // A boot config (hostname and comments only) on a lab device: restart empty, cheaper than one `no` per line.
  'if [ -x /etc/frr/reset.sh ] && ! grep -qvE \'^(hostname .*|!.*|frr .*|)$\' "$f"; then sh /etc/frr/reset.sh "$f" >&2 && echo replace && exit 0; fi',
  'rm -rf $d && mkdir -p $d && cp "$f" $d/frr.conf && cp /etc/frr/vtysh.conf $d/ 2>/dev/null',
  'if python3 /usr/lib/frr/frr-reload.py --reload --stdout --confdir $d $d/frr.conf > /var/tmp/frr-reload.log 2>&1; then echo reload; exit 0; fi',
  'if [ -x /etc/frr/reset.sh ]; then sh /etc/frr/reset.sh "$f" >&2 && echo replace && exit 0; fi',
  'tail -20 /var/tmp/frr-reload.log >&2',
  'exit 1',
  '',
].join('\n');
