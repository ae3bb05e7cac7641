/**
 * EF share under saturation (issue 11 part 5), on the QoS lab test's 9-device lab: the county–township
 * circuit (200M at --rate-scale 10 = 20 Mbit/s) shaped by the tier policy's htb classes. From Xi'an's
 * r1, through the county router, to the township's end of the circuit: an EF flow (real-time video,
 * guaranteed 35 %) beside a bulk flood at twice the circuit, per family; then the same flow unmarked
 * (what a plain shaper without classes gives it, the peer here). Prints received rates, the EF
 * flow's share of what it sent and the ratio marked/unmarked; also an EF flow above its share, to
 * show the cap (EF cannot starve the rest).
 * Needs root and the heavy lock (`flock /tmp/stacks-heavy.lock npm run bench -- qos`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { deployLab } from '../lab/deploy.js';
import { destroyLab } from '../lab/destroy.js';
import { deviceNs } from '../lab/names.js';
import { loadLabModel } from '../lab/model.js';
import { udpFlows, type FlowResult } from './support/iperf.js';

const SCOPE = 'cities=xian;counties=1;townships=1;departments=0;datacenters=none';
const LAB = 'qsb';
const RATE_SCALE = 10;
const SENDER = 'xian-r1';
const TOWNSHIP = 'xian.xincheng.t01-r1';
const CIRCUIT = 'xian.xincheng.t01~up0';
const SECONDS = 5;

const fmt = (f: FlowResult) => `${f.receivedMbps.toFixed(2)} of ${f.sentMbps.toFixed(2)} Mbit/s (lost ${f.lostPercent.toFixed(1)} %)`;

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('qos: skipped (needs root for network namespaces)');
    return;
  }
  console.log(`load_average_at_start: ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} (shared host)`);
  const stateDir = mkdtempSync(join(tmpdir(), 'stx-qos-bench-'));
  try {
    await deployLab({ stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, lab: LAB, scope: SCOPE, parallel: 4, rateScale: RATE_SCALE, checkTimeoutMs: 90_000 });
    const scoped = await loadLabModel(DEFAULT_INVENTORY_DIR, SCOPE);
    const link = scoped.links.find((l) => l.id === CIRCUIT)!;
    const policy = scoped.topology.qos!.find((p) => p.tier === link.tier)!;
    const ef = policy.classes.find((c) => c.queue === 'priority')!;
    const circuitMbps = link.bandwidthMbps / RATE_SCALE;
    const efShareMbps = (circuitMbps * ef.sharePercent) / 100;
    const end = scoped.devices.find((d) => d.id === TOWNSHIP)!.interfaces.find((i) => i.link === CIRCUIT)!;
    const from = deviceNs(LAB, SENDER);
    const to = deviceNs(LAB, TOWNSHIP);
    const efMbps = Math.round(efShareMbps * 0.7);
    console.log(
      `circuit ${CIRCUIT}: ${link.bandwidthMbps} Mbit/s / ${RATE_SCALE} = ${circuitMbps} Mbit/s; ${ef.id} guaranteed ${ef.sharePercent} % = ${efShareMbps} Mbit/s`,
    );
    const pair = (address: string, efDscp: number, mbps: number) =>
      udpFlows(from, to, address, [
        // EF first and a second longer: the flood inside its run (see udpFlows)
        { name: 'ef', port: 5401, mbps, dscp: efDscp, seconds: SECONDS + 1 },
        { name: 'bulk', port: 5402, mbps: circuitMbps * 2, dscp: 0, seconds: SECONDS },
      ]);
    for (const family of ['ipv4', 'ipv6'] as const) {
      const address = end[family]!.split('/')[0]!;
      const [marked, bulk] = await pair(address, 46, efMbps);
      const [unmarked, bulk0] = await pair(address, 0, efMbps);
      console.log(`${family}: EF ${fmt(marked!)} beside bulk ${fmt(bulk!)}`);
      console.log(`${family}: unmarked ${fmt(unmarked!)} beside bulk ${fmt(bulk0!)}`);
      console.log(
        `${family}: EF share under saturation ${((100 * marked!.receivedMbps) / marked!.sentMbps).toFixed(1)} % of its offered load, unmarked ${((100 * unmarked!.receivedMbps) / unmarked!.sentMbps).toFixed(1)} %; ratio ${(marked!.receivedMbps / unmarked!.receivedMbps).toFixed(1)}×`,
      );
    }
    const [over, bulk] = await pair(end.ipv4!.split('/')[0]!, 46, circuitMbps);
    console.log(`ipv4: EF offered at the full circuit gets ${fmt(over!)} (cap ${efShareMbps} Mbit/s), bulk keeps ${fmt(bulk!)}`);
  } finally {
    await destroyLab({ stateDir, lab: LAB });
    rmSync(stateDir, { recursive: true, force: true });
  }
}

await main();
