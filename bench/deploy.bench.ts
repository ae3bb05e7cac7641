/**
 * Deploy figures on the default lab scope (27 devices), from the issue "Deploy that a network
 * engineer can trust": from nothing to converged (≤ 30 s), a no-op deploy (≤ 2 s), a one-line change
 * on one county router — plan + commit + checks + confirm — (≤ 5 s, 0 untouched OSPF/OSPFv3
 * adjacencies or BFD sessions reset, read through the driver), and an atomic deploy of a change to 10 devices (≤ 20 s). Needs root.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { deployLab } from '../lab/deploy.js';
import { destroyLab } from '../lab/destroy.js';
import { planLab } from '../lab/plan.js';
import { renderLabConfig } from '../lab/model.js';
import { labPaths } from '../lab/names.js';
import { DeviceSession } from '../lab/ssh.js';
import { labDriver } from '../lab/driver.js';
import type { Topology } from '../network/types.js';

const COUNTY = 'xian.xincheng-r1';

/** Where a deploy spent its time, so a figure over its target says which phase to look at. */
const phasesOf = (r: { phases: Array<{ phase: string; seconds: number }> }) =>
  r.phases.map((p) => `${p.phase} ${p.seconds.toFixed(1)} s`).join(', ') || 'none over 0.05 s';

function withCost(config: string, cost: number): string {
  // the first `ip ospf cost` of the config: one line, on one interface
  return config.replace(/^ ip ospf cost \d+$/m, ` ip ospf cost ${cost}`);
}

async function uptimes(stateDir: string, lab: string, device: string): Promise<Map<string, number>> {
  const paths = labPaths(stateDir, lab);
  const state = JSON.parse(readFileSync(paths.state, 'utf8')) as { devices: Record<string, { mgmt: { device: string }; hostKey: string }> };
  const s = await DeviceSession.connect({
    device,
    host: state.devices[device]!.mgmt.device,
    privateKey: readFileSync(paths.deployKey),
    pinnedHostKey: state.devices[device]!.hostKey,
  });
  try {
    // OSPF/OSPFv3 adjacencies and the BFD session under each: a reset of any is a flap
    const drv = labDriver(s);
    const ospf = (await drv.getOspfNeighbours()).filter((n) => n.state.startsWith('Full')).map((n) => [`${n.family} ${n.routerId}`, n.uptimeSeconds] as const);
    const bfd = (await drv.getBfdPeers()).filter((p) => p.status === 'up').map((p) => [`bfd ${p.peer} ${p.interface ?? ''}`, p.uptimeSeconds] as const);
    return new Map([...ospf, ...bfd]);
  } finally {
    s.close();
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('deploy: skipped (needs root for network namespaces)');
    return;
  }
  console.log(`load_average_at_start: ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} (shared host; figures scale with it)`);
  const stateDir = mkdtempSync('/tmp/stx-bench-deploy-');
  const lab = 'pbench';
  const base = { stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, lab, parallel: 4, confirmSeconds: 600, checkTimeoutMs: 120_000 };
  try {
    const first = await deployLab(base);
    console.log(
      `deploy_default_to_converged: ${first.seconds.toFixed(1)} s for ${first.devices} devices (converged=${first.convergence?.converged}; target ≤ 30 s)`,
    );
    const noop = await deployLab(base);
    console.log(`deploy_noop: ${noop.seconds.toFixed(2)} s (changed=${noop.changed}; phases ${phasesOf(noop)}; target ≤ 2 s)`);

    const before = await uptimes(stateDir, lab, COUNTY);
    const one = (t: Topology, id: string) => (id === COUNTY ? withCost(renderLabConfig(t, id), 777) : renderLabConfig(t, id));
    const t0 = Date.now();
    await planLab({ ...base, render: one });
    const planSeconds = (Date.now() - t0) / 1000;
    const change = await deployLab({ ...base, render: one });
    const seconds = (Date.now() - t0) / 1000;
    const after = await uptimes(stateDir, lab, COUNTY);
    const reset = [...before].filter(([k, up]) => (after.get(k) ?? 0) < up).length;
    const how = change.outcomes.find((o) => o.device === COUNTY);
    console.log(
      `deploy_one_line_change: ${seconds.toFixed(2)} s plan+commit+checks+confirm (${how?.action}, ${how?.commit}); OSPF/OSPFv3 adjacencies and BFD sessions reset on ${COUNTY}: ${reset} of ${before.size}; plan ${planSeconds.toFixed(1)} s, deploy ${change.seconds.toFixed(1)} s: phases ${phasesOf(change)} (target ≤ 5 s, 0)`,
    );

    const ten = first.outcomes
      .map((o) => o.device)
      .filter((d) => d !== COUNTY)
      .slice(0, 10);
    const tenChanged = (t: Topology, id: string) => (ten.includes(id) ? withCost(renderLabConfig(t, id), 888) : one(t, id));
    const atomic = await deployLab({ ...base, render: tenChanged, atomic: true });
    console.log(
      `deploy_atomic_10_devices: ${atomic.seconds.toFixed(1)} s (changed=${atomic.changed}, rolled back=${atomic.rolledBack}; phases ${phasesOf(atomic)}; target ≤ 20 s)`,
    );
  } finally {
    await destroyLab({ stateDir, lab });
    rmSync(stateDir, { recursive: true, force: true });
  }
}

await main();
