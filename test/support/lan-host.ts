/**
 * A host on a site's LAN in the lab: a namespace with a veth into the LAN switch's bridge, one
 * address per family (host index 10 of the LAN), its default routes via the site's VRRP virtual
 * gateway. The VRRP test and the VRRP bench both stand behind one; they create and remove it.
 */
import { execFileSync } from 'node:child_process';
import { LAN_BRIDGE, lanSwitchNs } from '../../lab/host/vrrp.js';
import { hostIn, parsePrefix } from '../../lib/ip.js';

interface LanSite {
  id: string;
  lan: { ipv4: string; ipv6: string };
  gateway?: { ipv4: string; ipv6: string };
}

const ip = (args: string[]) => execFileSync('ip', args, { encoding: 'utf8' });

/** Creates namespace `hostNs` on `site`'s LAN of lab `lab`; remove it with removeLanHost. */
export function addLanHost(lab: string, site: LanSite, hostNs: string): void {
  if (!site.gateway) throw new Error(`site ${site.id} has no virtual gateway: no host can stand on its LAN`);
  const sw = lanSwitchNs(lab, site.id);
  ip(['netns', 'add', hostNs]);
  ip(['-n', hostNs, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'h1', 'netns', sw]);
  ip(['-n', sw, 'link', 'set', 'h1', 'master', LAN_BRIDGE]);
  ip(['-n', sw, 'link', 'set', 'h1', 'up']);
  const p4 = parsePrefix(site.lan.ipv4);
  const p6 = parsePrefix(site.lan.ipv6);
  ip(['-n', hostNs, 'link', 'set', 'lo', 'up']);
  ip(['-n', hostNs, 'addr', 'add', hostIn(p4, 10, p4.length), 'dev', 'eth0']);
  ip(['-n', hostNs, 'addr', 'add', hostIn(p6, 10, p6.length), 'dev', 'eth0', 'nodad']);
  ip(['-n', hostNs, 'link', 'set', 'eth0', 'up']);
  ip(['-n', hostNs, 'route', 'add', 'default', 'via', site.gateway.ipv4]);
  ip(['-n', hostNs, '-6', 'route', 'add', 'default', 'via', site.gateway.ipv6]);
}

/** Removes a host addLanHost made (its veth goes with the namespace); absent is fine. */
export function removeLanHost(hostNs: string): void {
  try {
    ip(['netns', 'del', hostNs]);
  } catch {
    /* never created */
  }
}

/** One ping from the host (1 s wait): does it reach `address`? */
export function lanHostReaches(hostNs: string, address: string): boolean {
  try {
    execFileSync('ip', ['netns', 'exec', hostNs, 'ping', '-n', '-c', '1', '-W', '1', address], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
