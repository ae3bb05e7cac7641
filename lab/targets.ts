/**
 * What the monitoring daemon polls in a deployed lab: every device's SNMP agent, reached from the
 * host over the device's management link, with the lab's SNMPv3 credentials file.
 */
import type { LabState } from './state.js';
import { labPaths } from './names.js';
import { readState } from './state.js';

export interface LabTarget {
  device: string;
  hostname: string;
  site: string;
  namespace: string;
  /** Address reachable from the host (management /31 in 169.254.64.0/18). */
  address: string;
  port: number;
  /** The host's end of the management link (where a trap receiver on the host would bind). */
  hostAddress: string;
}

function labTargets(state: LabState): LabTarget[] {
  return Object.entries(state.devices)
    .map(([device, d]) => ({ device, hostname: d.hostname, site: d.site, namespace: d.ns, address: d.mgmt.device, port: 161, hostAddress: d.mgmt.host }))
    .sort((a, b) => (a.device < b.device ? -1 : 1));
}

/** Targets plus the path of the secrets file holding the SNMPv3 user (mode 0600). */
export async function readLabTargets(stateDir: string, lab: string): Promise<{ targets: LabTarget[]; secretsFile: string } | undefined> {
  const paths = labPaths(stateDir, lab);
  const state = await readState(paths.state);
  return state ? { targets: labTargets(state), secretsFile: paths.secrets } : undefined;
}
