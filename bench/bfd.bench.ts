/**
 * BFD failover against OSPF dead-interval detection (issue 11 part 3), on a 6-device lab (province
 * core, both exits, Xi'an's two routers; real zebra/bfdd/ospfd/ospf6d). One uplink of xian-r1 is
 * cut silently (nftables drops everything on it inside the namespace; the carrier stays up, as
 * behind a media converter or a carrier's transport), and the time until xian-r1's kernel route to
 * the province core's loopback leaves that uplink is measured, per family: first with BFD (the
 * tier's 100 ms × 3), then with BFD taken off both ends of that link (the lab's fast OSPF timers,
 * 1 s hello / 3 s dead; production's default dead interval is 40 s). Prints both and the ratio.
 * Needs root and the heavy lock (`flock /tmp/stacks-heavy.lock npm run bench -- bfd`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { deployLab } from '../lab/deploy.js';
import { destroyLab } from '../lab/destroy.js';
import { deviceNs, labPaths } from '../lab/names.js';
import { loadLabModel } from '../lab/model.js';
import { DeviceSession } from '../lab/ssh.js';
import { FAST_TIMERS } from '../network/render/common.js';

const run = promisify(execFile);
const SCOPE = 'cities=xian;counties=0;datacenters=none';
const LAB = 'abfd';
const CITY = 'xian-r1';
const CORE = 'shaanxi-r1';

function nft(ns: string, script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], (err) => (err ? reject(err) : resolve()));
    child.stdin!.end(script);
  });
}

async function routeLeaves(ns: string, dst: Record<'ipv4' | 'ipv6', string>, port: string, limitMs: number): Promise<Record<string, number | undefined>> {
  const via = async (f: 'ipv4' | 'ipv6') => {
    try {
      return (await run('ip', ['netns', 'exec', ns, 'ip', f === 'ipv4' ? '-4' : '-6', 'route', 'get', dst[f]])).stdout;
    } catch {
      return '';
    }
  };
  const cut = (chain: string, hook: string, rules: string[]) =>
    ` chain ${chain} {\n  type filter hook ${hook} priority -300; policy accept;\n${rules.map((r) => `  ${r}\n`).join('')} }\n`;
  const moved: Record<string, number | undefined> = {};
  const t0 = Date.now();
  await nft(
    ns,
    `table inet stxcut {\n${cut('i', 'input', [`iifname "${port}" drop`])}${cut('o', 'output', [`oifname "${port}" drop`])}${cut('f', 'forward', [`iifname "${port}" drop`, `oifname "${port}" drop`])}}\n`,
  );
  try {
    while ((moved.ipv4 === undefined || moved.ipv6 === undefined) && Date.now() - t0 < limitMs) {
      for (const f of ['ipv4', 'ipv6'] as const) if (moved[f] === undefined && !(await via(f)).includes(`dev ${port}`)) moved[f] = Date.now() - t0;
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await nft(ns, 'delete table inet stxcut\n');
  }
  return moved;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('bfd: skipped (needs root for network namespaces)');
    return;
  }
  console.log(`load_average_at_start: ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} (shared host)`);
  const stateDir = mkdtempSync(join(tmpdir(), 'stx-bfd-bench-'));
  try {
    await deployLab({ stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, lab: LAB, scope: SCOPE, parallel: 6, checkTimeoutMs: 60_000 });
    const scoped = await loadLabModel(DEFAULT_INVENTORY_DIR, SCOPE);
    const link = scoped.links.find((l) => l.b.device === CITY && l.a.device === CORE)!;
    const core = scoped.devices.find((d) => d.id === CORE)!;
    const dst = { ipv4: core.loopback.ipv4.split('/')[0]!, ipv6: core.loopback.ipv6.split('/')[0]! };
    const ns = deviceNs(LAB, CITY);
    const settle = () => new Promise((r) => setTimeout(r, (FAST_TIMERS.deadSeconds + 5) * 1000));
    await settle();
    const withBfd = await routeLeaves(ns, dst, link.b.interface, 10_000);
    await settle();
    // BFD off on both ends of that link only
    const paths = labPaths(stateDir, LAB);
    const state = JSON.parse(readFileSync(paths.state, 'utf8')) as { devices: Record<string, { mgmt: { device: string }; hostKey: string }> };
    for (const [device, port] of [
      [CITY, link.b.interface],
      [CORE, link.a.interface],
    ] as const) {
      const s = await DeviceSession.connect({
        device,
        host: state.devices[device]!.mgmt.device,
        privateKey: readFileSync(paths.deployKey),
        pinnedHostKey: state.devices[device]!.hostKey,
      });
      await s.exec(`vtysh -c 'configure terminal' -c 'interface ${port}' -c 'no ip ospf bfd' -c 'no ipv6 ospf6 bfd'`);
      s.close();
    }
    await settle();
    const deadOnly = await routeLeaves(ns, dst, link.b.interface, 20_000);
    for (const f of ['ipv4', 'ipv6'] as const) {
      const a = withBfd[f];
      const b = deadOnly[f];
      console.log(
        `${f}: BFD failover ${a ?? '>10000'} ms; dead-interval detection (hello ${FAST_TIMERS.helloSeconds} s, dead ${FAST_TIMERS.deadSeconds} s) ${b ?? '>20000'} ms${a && b ? `; ratio ${(b / a).toFixed(1)}×` : ''}`,
      );
    }
    console.log('target: BFD failover < 1000 ms in both families (production dead interval: 40 s)');
  } finally {
    await destroyLab({ stateDir, lab: LAB });
    rmSync(stateDir, { recursive: true, force: true });
  }
}

await main();
