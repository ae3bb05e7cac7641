/**
 * The NOC page in a real browser against the real daemon on a deployed lab (root; FRR, snmpd in the
 * lab's namespaces; Debian's chromium driven by puppeteer-core over a pipe, loopback only): the
 * smallest scope with a link to cut and a county with a township (province core + exits + Xi'an's
 * two cores + one county's two routers + one township: 9 devices). The page loads with the token,
 * draws the map from the daemon's targets, and over server-sent events turns the cut link red
 * within 5 s of the cut (snmpd's linkDown trap → daemon → page); the new fault appears in the
 * table, an operator acknowledges it on the page and `stacks faults show` records who. Zoomed out
 * as far as the province's map opens, the county's townships close into one aggregate; a cut of the
 * township's uplink turns that aggregate red with the link's own update, and a click on it opens
 * the township with its link red. A screenshot is kept: /tmp/stacks-noc-page-<pid>/noc-page.png (printed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { waitUntil } from '../support/monitor-harness.js';
import { freePort } from '../support/pg-cluster.js';
import { runCli } from '../support/cli.js';
import { startDaemon, type Proc } from '../support/processes.js';
import { launchChromium } from '../../bench/support/chromium.js';
import { findLeftovers } from '../../lab/destroy.js';
import { labPaths } from '../../lab/names.js';

const SCOPE = 'cities=xian;counties=1;townships=1;datacenters=none';
const LAB = `n${process.pid % 100000}`;
const stateDir = mkdtempSync('/tmp/stx-nocpage-');
chmodSync(stateDir, 0o755);
const shots = `/tmp/stacks-noc-page-${process.pid}`;
const cli = (...args: string[]) => runCli(['--state-dir', stateDir, ...args], { timeoutMs: 400_000 });
let daemon: Proc & { port: number };
let browser: Browser;
let page: Page;
let deployed = false;
let link: { id: string; sensing: string; cut: string };
/** The township's uplink to its county's first router. */
let uplink: { id: string; county: string; township: string };
const pageErrors: string[] = [];
/** What the page script exposes on window.noc (monitors/noc/page/app.mjs). */
interface NocWindow {
  noc: {
    ready: boolean;
    edge(id: string): { state: string };
    node(id: string): { state: string };
    drawn(id: string): boolean;
    groupOf(device: string): string;
    edgeColour(id: string): string;
    nodeColour(id: string): string;
    counts(): { devices: number; counties: number; open: number };
    cy: { zoom(level?: number): number; getElementById(id: string): { renderedPosition(): { x: number; y: number } } };
  };
}

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0); // lab tests run as root (CI does): never skipped
  const trapPort = await freePort();
  const dep = await cli('deploy', '--target', 'lab', '--lab', LAB, '--scope', SCOPE, '--auto-approve', '--trap-sink', String(trapPort), '--json');
  deployed = true;
  expect(dep.code, dep.stderr).toBe(0);
  const status = JSON.parse((await cli('lab', 'status', '--lab', LAB, '--json')).stdout) as { links: Array<{ link: string; a: string; b: string }> };
  // a Xi'an core's uplink to a province core: xian-r1 senses the cut and traps
  const l = status.links.find((x) => /^shaanxi-r\d:/.test(x.a) && x.b.startsWith('xian-r1:'))!;
  expect(l, JSON.stringify(status.links)).toBeDefined();
  link = { id: l.link, sensing: 'xian-r1', cut: l.a.split(':')[0]! };
  const u = status.links.find((x) => /~up0$/.test(x.link) && /^xian\.[a-z]+\.t\d+-r1:/.test(x.b))!;
  expect(u, JSON.stringify(status.links)).toBeDefined();
  uplink = { id: u.link, county: u.a.split(':')[0]!, township: u.b.split(':')[0]! };
  daemon = await startDaemon(
    [
      '--state-dir',
      stateDir,
      'daemon',
      '--lab',
      LAB,
      '--interval',
      '2',
      '--timeout',
      '800',
      '--open-after',
      '0',
      '--close-after',
      '1',
      '--listen',
      '127.0.0.1:0',
      // no --trap-listen: the daemon listens where every lab device traps to (its own host end)
    ],
    { STACKS_LOG_LEVEL: 'debug' },
  );
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await daemon?.kill('SIGTERM');
  if (deployed) {
    const d = await cli('destroy', '--target', 'lab', '--lab', LAB, '--auto-approve');
    expect(d.code, d.stderr).toBe(0);
  }
  expect(await findLeftovers(LAB, labPaths(stateDir, LAB).root)).toEqual({ namespaces: [], interfaces: [], processes: [] });
  rmSync(stateDir, { recursive: true, force: true });
}, 180_000);

const edge = () => page.evaluate((id) => (globalThis as unknown as NocWindow).noc.edge(id), link.id);

describe('NOC page in headless Chromium on the lab', () => {
  it('shows a cut within 5 s, and an acknowledgement on the page reaches the store', { timeout: 240_000 }, async () => {
    const token = readFileSync(join(stateDir, 'monitoring', 'noc.token'), 'utf8').trim();
    expect((await fetch(`http://127.0.0.1:${daemon.port}/noc/`)).status).toBe(401);
    const t0 = Date.now();
    await page.goto(`http://127.0.0.1:${daemon.port}/noc/?token=${token}`);
    await page.waitForFunction('window.noc && window.noc.ready', { timeout: 20_000 });
    const loadMs = Date.now() - t0;
    expect(page.url()).toBe(`http://127.0.0.1:${daemon.port}/noc/`); // the token is not left in the address bar
    // a lab scope fits at a zoom where every township is drawn: its county is open
    expect(await page.evaluate(() => (globalThis as unknown as NocWindow).noc.counts())).toMatchObject({ devices: 9, counties: 1, open: 1 });
    await waitUntil(async () => (await edge())?.state === 'up', 30_000, 'the link drawn up after the first polls', 200);
    // indicator 1 from the lab's running configs (read through the driver in the background), not declared
    const kpi1 = await page.waitForSelector('#kpi tr[data-kpi="1"] td:nth-child(6)', { timeout: 10_000 });
    await waitUntil(async () => (await kpi1!.evaluate((td) => td.textContent)) === 'live', 60_000, 'indicator 1 live on the page', 250);
    expect(await kpi1!.evaluate((td) => td.getAttribute('title'))).toContain(LAB);
    const green = await page.evaluate((id) => (globalThis as unknown as NocWindow).noc.edgeColour(id), link.id);

    const down = await cli('lab', 'fault', 'link', link.cut, link.sensing, 'down', '--lab', LAB);
    expect(down.code, down.stderr).toBe(0);
    const cutAt = Date.now();
    await page.waitForFunction((id) => (globalThis as unknown as NocWindow).noc.edge(id).state === 'down', { timeout: 5_000, polling: 50 }, link.id);
    const redMs = Date.now() - cutAt;
    const red = await page.evaluate((id) => (globalThis as unknown as NocWindow).noc.edgeColour(id), link.id);
    expect(red).toBe('rgb(212,32,32)');
    expect(red).not.toBe(green);
    expect(redMs).toBeLessThan(5_000);
    // snmpd's linkDown trap from the sensing device reached the daemon (its debug log says so)
    await waitUntil(() => /"link trap"[^\n]*"up":false|"up":false[^\n]*"link trap"/.test(daemon.output()), 5_000, 'the linkDown trap in the daemon log', 100);

    const row = await page.waitForSelector('#faults tbody tr[data-state="open"]', { timeout: 10_000 });
    const faultId = Number(await row!.evaluate((r) => r.getAttribute('data-fault-id')));
    expect(await row!.evaluate((r) => r.textContent)).toContain(link.id);
    await page.type('#operator', 'zhang.wei');
    await page.click(`#faults tr[data-fault-id="${faultId}"] button.ack`);
    await page.waitForSelector(`#faults tr[data-fault-id="${faultId}"][data-state="acknowledged"]`, { timeout: 5_000 });
    const shown = await cli('faults', 'show', String(faultId), '--json');
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ fault: { id: faultId, state: 'acknowledged', acknowledgedBy: 'zhang.wei' } });

    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'noc-page.png') });
    const up = await cli('lab', 'fault', 'link', link.cut, link.sensing, 'up', '--lab', LAB);
    expect(up.code, up.stderr).toBe(0);
    // back up: the next polls of both ends say so (no time bound in the issue; under CI's load a poll round can take seconds)
    await page.waitForFunction((id) => (globalThis as unknown as NocWindow).noc.edge(id).state === 'up', { timeout: 30_000, polling: 100 }, link.id);

    // zoomed out to the province's scale: the county's township closes into its aggregate
    const group = `townships:${uplink.county.replace(/-r\d+$/, '')}`;
    expect(await page.evaluate((d) => (globalThis as unknown as NocWindow).noc.groupOf(d), uplink.township)).toBe(group);
    await page.evaluate(() => (globalThis as unknown as NocWindow).noc.cy.zoom(0.3));
    await page.waitForFunction((g) => (globalThis as unknown as NocWindow).noc.drawn(g), { timeout: 5_000, polling: 50 }, group);
    expect(await page.evaluate((d) => (globalThis as unknown as NocWindow).noc.drawn(d), uplink.township)).toBe(false);
    await waitUntil(
      async () => (await page.evaluate((g) => (globalThis as unknown as NocWindow).noc.node(g).state, group)) === 'up',
      30_000,
      'the aggregate up once its township and links are seen up',
      200,
    );
    const cutUplink = await cli('lab', 'fault', 'link', uplink.county, uplink.township, 'down', '--lab', LAB);
    expect(cutUplink.code, cutUplink.stderr).toBe(0);
    const uplinkCutAt = Date.now();
    // the county's and the township's snmpd trap to their own host-side addresses, where the daemon
    // listens too: the cut is on the page within the 5 s; the aggregate turns red with the
    // link's own update, at once
    await page.waitForFunction((id) => (globalThis as unknown as NocWindow).noc.edge(id).state === 'down', { timeout: 5_000, polling: 20 }, uplink.id);
    const uplinkDownMs = Date.now() - uplinkCutAt;
    const linkSeenAt = Date.now();
    await page.waitForFunction((g) => (globalThis as unknown as NocWindow).noc.nodeColour(g) === 'rgb(212,32,32)', { timeout: 1_000, polling: 20 }, group);
    const aggregateRedMs = Date.now() - linkSeenAt;
    expect(await page.evaluate((id) => (globalThis as unknown as NocWindow).noc.edge(id).state, `${group}>${uplink.county}`)).toBe('down');
    // a click on the aggregate opens it: the township is drawn, its cut uplink red
    const at = await page.evaluate((g) => (globalThis as unknown as NocWindow).noc.cy.getElementById(g).renderedPosition(), group);
    const box = (await (await page.$('#map'))!.boundingBox())!;
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await page.waitForFunction((d) => (globalThis as unknown as NocWindow).noc.drawn(d), { timeout: 5_000, polling: 50 }, uplink.township);
    expect(await page.evaluate((id) => (globalThis as unknown as NocWindow).noc.edgeColour(id), uplink.id)).toBe('rgb(212,32,32)');
    const upAgain = await cli('lab', 'fault', 'link', uplink.county, uplink.township, 'up', '--lab', LAB);
    expect(upAgain.code, upAgain.stderr).toBe(0);
    await page.waitForFunction((g) => (globalThis as unknown as NocWindow).noc.node(g).state === 'up', { timeout: 30_000, polling: 100 }, group);
    expect(pageErrors).toEqual([]); // nothing refused by the CSP, no script error
    console.log(
      `noc-page: page ready in ${loadMs} ms; cut → red on the page ${redMs} ms; township uplink cut → link down on the page ${uplinkDownMs} ms, its county aggregate red ${aggregateRedMs} ms after that; screenshot ${join(shots, 'noc-page.png')}`,
    );
  });
});
