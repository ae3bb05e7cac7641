/**
 * The clouds reachable from a township, for real (root, FRR in namespaces): a small scope with the
 * production data centre (the provincial cloud) and Xi'an (its city cloud at the city core). The
 * hosting routers advertise the clouds' provider and tenant prefixes as passive OSPF interfaces;
 * the published services' VIPs sit on their `lo`, standing in for the load balancers; a tiny HTTP
 * server in each hosting namespace answers, and curl from the township's LAN address reaches it
 * over IPv4 and IPv6. Run under the heavy lock:
 *   flock /tmp/stacks-heavy.lock npx vitest run test/lab/cloud-services.test.ts
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { DEFAULT_INVENTORY_DIR, loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import { publishedServiceVips } from '../../network/services.js';
import type { Topology } from '../../network/types.js';
import { deployLab } from '../../lab/deploy.js';
import { destroyLab, findLeftovers } from '../../lab/destroy.js';
import { deviceNs, labPaths } from '../../lab/names.js';

const run = promisify(execFile);
const SCOPE = 'cities=xian;counties=1;townships=1;datacenters=dc.xinchuang';
const LAB = `c${process.pid % 10000}`;
const TOWNSHIP = 'xian.xincheng.t01-r1';
const stateDir = mkdtempSync('/tmp/stx-cloudlab-');
chmodSync(stateDir, 0o755);
const base = { stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, lab: LAB, scope: SCOPE };
const servers: ChildProcess[] = [];
let topology: Topology;
let destroyed = false;

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0); // lab tests run as root (CI does): never skipped
  topology = buildTopology(await loadInventory());
});

afterAll(async () => {
  for (const s of servers) s.kill('SIGKILL');
  if (!destroyed) await destroyLab({ stateDir, lab: LAB });
  expect(await findLeftovers(LAB, labPaths(stateDir, LAB).root)).toEqual({ namespaces: [], interfaces: [], processes: [] });
  rmSync(stateDir, { recursive: true, force: true });
}, 180_000);

/** An HTTP server on every address of the namespace (`::` takes IPv4 too), answering with its name. */
function serve(ns: string, port: number, name: string): Promise<void> {
  const script = `require('http').createServer((q, r) => r.end(${JSON.stringify(name)} + ' ' + q.socket.localAddress)).listen(${port}, '::', () => console.log('listening'))`;
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  servers.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
    child.on('exit', (code) => reject(new Error(`HTTP server in ${ns} exited with ${code}`)));
  });
}

async function curlFrom(ns: string, source: string, address: string, port: number): Promise<string> {
  const host = address.includes(':') ? `[${address}]` : address;
  const { stdout } = await run('ip', [
    'netns',
    'exec',
    ns,
    'curl',
    '-sS',
    '--max-time',
    '10',
    '--retry',
    '5',
    '--retry-all-errors',
    '--retry-delay',
    '1',
    '--interface',
    source,
    `http://${host}:${port}/`,
  ]);
  return stdout;
}

describe.sequential('clouds reachable from a township over the backbone', () => {
  test('the lab deploys with the hosting routers carrying the VIPs on lo and converges', { timeout: 600_000 }, async () => {
    const r = await deployLab({ ...base, parallel: 4, confirmSeconds: 300, checkTimeoutMs: 120_000 });
    expect(r.rolledBack + r.failed).toBe(0);
    expect(r.convergence?.converged).toBe(true);
    for (const cloud of ['provincial', 'xian']) {
      for (const t of publishedServiceVips(topology).get(cloud)!) {
        const { stdout } = await run('ip', ['netns', 'exec', deviceNs(LAB, t.device), 'ip', '-br', 'addr', 'show', 'dev', 'lo']);
        expect(stdout, `${t.service} ${t.family} on ${t.device}`).toContain(t.address);
      }
    }
  });

  test('the township reaches a provincial and a city service VIP over HTTP in both families', { timeout: 180_000 }, async () => {
    const township = topology.devices.find((d) => d.id === TOWNSHIP)!;
    const lan = township.interfaces.find((i) => i.kind === 'lan')!;
    const from = { ipv4: lan.ipv4!.split('/')[0]!, ipv6: lan.ipv6!.split('/')[0]! };
    const provincial = publishedServiceVips(topology)
      .get('provincial')!
      .filter((t) => t.service === 'provincial/open-data');
    const city = publishedServiceVips(topology).get('xian')!;
    await serve(deviceNs(LAB, provincial[0]!.device), provincial[0]!.port, 'open-data');
    await serve(deviceNs(LAB, city[0]!.device), city[0]!.port, 'xian-portal');
    for (const t of [...provincial, ...city]) {
      // the lab serves plain HTTP on the service port: it proves the route, the LB terminates TLS in production
      const body = await curlFrom(deviceNs(LAB, TOWNSHIP), from[t.family], t.address, t.port);
      expect(body, `${t.service} ${t.family}`).toBe(
        `${t.service === 'provincial/open-data' ? 'open-data' : 'xian-portal'} ${t.family === 'ipv4' ? `::ffff:${t.address}` : t.address}`,
      );
    }
  });

  test('destroy leaves nothing behind', { timeout: 180_000 }, async () => {
    for (const s of servers.splice(0)) s.kill('SIGKILL');
    await destroyLab({ stateDir, lab: LAB });
    destroyed = true;
  });
});
