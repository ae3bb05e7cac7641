/**
 * Lab ids hash to one of 16 management /22s (names.ts), so two labs on one host can land on the same
 * block; their host routes then clash and SSH reaches the other lab's device (seen as "a host key
 * that differs from the pinned one"). Refuse before anything changes, naming the other interface.
 */
import { runtimeError } from '../lib/errors.js';
import { hostMgmtPrefix, mgmtAddresses } from './names.js';
import { run } from './shell.js';

/** Host interfaces outside this lab holding an address of its management block (pure over `ip -j -4 addr`). */
export function clashingInterfaces(ipJson: string, lab: string): string[] {
  const [base] = mgmtAddresses(lab, 0).block.split('/');
  const toNum = (a: string) => a.split('.').reduce((n, x) => n * 256 + Number(x), 0);
  const start = toNum(base!);
  const links = JSON.parse(ipJson || '[]') as Array<{ ifname: string; addr_info?: Array<{ family?: string; local: string }> }>;
  return links
    .filter((l) => !l.ifname.startsWith(hostMgmtPrefix(lab)))
    .filter((l) => (l.addr_info ?? []).some((a) => a.family === 'inet' && toNum(a.local) >= start && toNum(a.local) < start + 1024))
    .map((l) => l.ifname)
    .sort();
}

export async function assertMgmtBlockFree(lab: string): Promise<void> {
  const r = await run('ip', ['-j', '-4', 'addr', 'show'], { allowFail: true });
  const clash = r.code === 0 ? clashingInterfaces(r.stdout, lab) : [];
  if (clash.length)
    throw runtimeError(
      'E_LAB_MGMT_CLASH',
      `lab "${lab}" would use management block ${mgmtAddresses(lab, 0).block}, which ${clash.slice(0, 3).join(', ')}${clash.length > 3 ? ` and ${clash.length - 3} more` : ''} on this host already use (another lab whose id hashes to the same block)`,
      'destroy that lab first, or deploy with another --lab id',
    );
}
