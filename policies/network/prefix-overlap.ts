import { formatPrefix, overlaps, parsePrefix, PrefixError } from '../../lib/ip.js';
import { findPrefixOverlaps } from '../../network/verify/addressing.js';
import { definePolicy, type Violation } from '../types.js';

/**
 * NET-007: no prefix overlaps another except a site block inside its ancestors' blocks; and the new
 * plan's supernets stay clear of the legacy networks' address space, which stays in use while
 * sites are cut over (两网整合).
 */
export const noPrefixOverlap = definePolicy({
  id: 'NET-007',
  title: 'no prefix overlap',
  severity: 'hard',
  description:
    "No link subnet, LAN, loopback or site block overlaps another (a site's block nests only in its ancestors' blocks), and the extranet supernets do not overlap the legacy networks being merged.",
  requires: ['topology', 'inventory'],
  check({ topology, inventory }) {
    const out: Violation[] = [];
    for (const { outer, inner } of findPrefixOverlaps(topology)) {
      out.push({ resource: inner.owner.split(' ')[0]!, message: `${inner.owner} ${inner.text} overlaps ${outer.owner} ${outer.text}` });
    }
    const provinceFile = inventory.paths.province!;
    const legacyFile = inventory.paths.legacy!;
    let supernet;
    try {
      supernet = parsePrefix(topology.supernets.ipv4);
    } catch (err) {
      if (err instanceof PrefixError) return out;
      throw err;
    }
    for (const [name, net] of Object.entries(inventory.legacy.networks)) {
      if (!net) continue;
      try {
        const legacy = parsePrefix(net.supernet_ipv4);
        if (overlaps(supernet, legacy)) {
          out.push({
            resource: `supernet:${formatPrefix(supernet)}`,
            message: `the extranet supernet ${formatPrefix(supernet)} overlaps legacy network ${name} (${net.supernet_ipv4}), which stays in use during the merge`,
            location: { file: provinceFile, path: 'ipam.ipv4.supernet' },
          });
        }
      } catch (err) {
        if (!(err instanceof PrefixError)) throw err;
        out.push({ resource: `legacy-network:${name}`, message: err.message, location: { file: legacyFile, path: `networks.${name}.supernet_ipv4` } });
      }
    }
    return out;
  },
});
