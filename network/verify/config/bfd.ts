/**
 * BFD over an adjacency that forms: both ends must register the neighbour with BFD, or no session
 * comes up and a dead link is noticed only when the OSPF dead interval runs out. Each end's
 * detection time follows RFC 5880: the peer's multiplier × the slower of this end's receive
 * interval and the peer's transmit interval.
 */
import type { Family } from '../../types.js';
import type { OspfInterface } from './model.js';
import type { LoadedConfig, NetIface } from './adjacency.js';
import type { ConfigFinding } from './findings.js';

export function bfdFindings(
  link: string,
  family: Family,
  configs: [LoadedConfig, LoadedConfig],
  ifaces: [NetIface, NetIface],
  ospf: [OspfInterface, OspfInterface],
  findings: ConfigFinding[],
): void {
  const [a, b] = ospf;
  if (!a.bfd === !b.bfd) return;
  const on = a.bfd ? 0 : 1;
  const off = 1 - on;
  const version = family === 'ipv4' ? 'OSPFv2' : 'OSPFv3';
  findings.push({
    id: 'bfd.one-sided',
    family,
    object: `link:${link}`,
    message: `${configs[on].device.id} ${ifaces[on].name} runs BFD for ${version}, ${configs[off].device.id} ${ifaces[off].name} does not: no BFD session, a dead link is found by the dead interval (${ospf[off].deadSeconds} s)`,
    at: [
      { file: configs[on].file, line: ospf[on].bfd!.line },
      { file: configs[off].file, line: ifaces[off].line },
    ],
  });
}
