/**
 * The NOC page, served by the daemon beside /metrics (loopback unless the daemon is told
 * otherwise): `/noc/` (the page), `/noc/assets/*` (its script, its style, and Cytoscape.js from
 * node_modules — no CDN), `/noc/api/state` (a snapshot), `/noc/api/events` (server-sent events:
 * link, device, county-aggregate, fault, KPI and burn-rate changes as they happen) and `POST
 * /noc/api/faults/<id>/<ack|assign|note>` (through the one lifecycle seam, commitFaultAction).
 *
 * Auth: a token (the daemon's noc.token file). `/noc/?token=T` trades it for an HttpOnly,
 * SameSite=Strict cookie and redirects to a URL without it; scripts may send `Authorization:
 * Bearer T`. A POST also needs `content-type: application/json` and, when the browser sends one, a
 * same-origin `Origin`, so another site cannot make a logged-in browser act. Every answer carries a
 * CSP that allows only this origin's scripts, styles and connections.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { KpiRow } from '../kpi.js';
import type { Fault } from '../types.js';
import type { ActResult, FaultStore } from '../store/store.js';
import type { LifecycleAction } from '../faults/lifecycle.js';
import { commitFaultAction } from '../faults/actions.js';
import { PAGING_LEVELS } from '../codegen/rules.js';
import {
  groupEdgeState,
  groupState,
  linkState,
  type BackboneMap,
  type MapEdge,
  type MapGroup,
  type MapGroupEdge,
  type MapNode,
  type ObjectState,
} from './view.js';
import type { BurnRate } from './burn.js';

const COOKIE = 'stacks_noc';

export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface NocPageOptions {
  token: string;
  store: FaultStore;
  map: BackboneMap;
  logger: Logger;
  /** Cause categories (the inventory's), for the lifecycle's resolve check. */
  causes: readonly string[];
  /** Called after each change an operator made on the page (the CLI records it in the audit trail). */
  onAction?: (action: LifecycleAction, result: ActResult & { ok: true }) => Promise<void>;
}

export interface FaultRow extends Fault {
  /** Who hears of it: `page` (province, city, data centre) or `ticket` (county, township, department). */
  route: 'page' | 'ticket';
}

export interface NocSnapshot {
  at: number;
  map: BackboneMap;
  faults: FaultRow[];
  kpi: KpiRow[];
  burn: BurnRate[];
}

/** The project's root (this file runs from monitors/noc/ under vitest and dist/monitors/noc/ when built). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the project root above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/** Served files: the page's own, and Cytoscape.js resolved the way Node resolves the dependency (pinned in package.json). */
function assets(): Map<string, { type: string; body: Buffer }> {
  const page = join(projectRoot(), 'monitors', 'noc', 'page');
  const require = createRequire(import.meta.url);
  // its package exports no package.json: its main file's folder is dist/, which holds the ES module build too
  const cytoscape = join(dirname(require.resolve('cytoscape')), 'cytoscape.esm.min.mjs');
  const js = 'text/javascript; charset=utf-8';
  return new Map([
    ['index.html', { type: 'text/html; charset=utf-8', body: readFileSync(join(page, 'index.html')) }],
    ['app.mjs', { type: js, body: readFileSync(join(page, 'app.mjs')) }],
    ['noc.css', { type: 'text/css; charset=utf-8', body: readFileSync(join(page, 'noc.css')) }],
    ['cytoscape.mjs', { type: js, body: readFileSync(cytoscape) }],
  ]);
}

function cookieToken(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

function same(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const MAX_ACTION_BODY = 16 * 1024;
const ACTIONS = new Set(['ack', 'assign', 'note']);

export class NocPage {
  private readonly files: ReturnType<typeof assets>;
  /** Why the page cannot be served (its assets are missing: an install without `npm ci`); the daemon runs on. */
  private readonly unavailable: string | undefined;
  private readonly clients = new Set<ServerResponse>();
  private readonly nodes = new Map<string, MapNode>();
  private readonly edges = new Map<string, MapEdge>();
  /** The counties' township aggregates (view.ts), kept current with their members. */
  private readonly groups = new Map<string, MapGroup>();
  private readonly groupEdges = new Map<string, MapGroupEdge>();
  private readonly groupOfDevice = new Map<string, string>();
  private readonly groupEdgeOfLink = new Map<string, string>();
  /** Group → the links of its members (what its state counts beside the devices). */
  private readonly groupLinks = new Map<string, string[]>();
  /** Link → end (the reporting device or interface) → down. */
  private readonly linkEnds = new Map<string, Map<string, boolean>>();
  /** Link → end → its last utilisation ratio. */
  private readonly util = new Map<string, Map<string, number>>();
  private kpi: KpiRow[] = [];
  private burn: BurnRate[] = [];
  private faults: FaultRow[] = [];
  private pendingLinks = new Map<string, MapEdge>();
  private pendingNodes = new Map<string, MapNode>();
  private pendingGroups = new Set<string>();
  private pendingGroupEdges = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private faultsTimer: NodeJS.Timeout | undefined;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(private readonly opts: NocPageOptions) {
    let files = new Map<string, { type: string; body: Buffer }>();
    try {
      files = assets();
    } catch (err) {
      this.unavailable = `the NOC page's files are missing (${(err as Error).message.split('\n')[0]}); run npm ci`;
      opts.logger.error({ err: this.unavailable }, 'NOC page unavailable');
    }
    this.files = files;
    for (const n of opts.map.nodes) this.nodes.set(n.id, { ...n });
    for (const e of opts.map.edges) this.edges.set(e.id, { ...e });
    for (const g of opts.map.groups) {
      this.groups.set(g.id, { ...g });
      for (const m of g.members) this.groupOfDevice.set(m, g.id);
    }
    for (const ge of opts.map.groupEdges) {
      this.groupEdges.set(ge.id, { ...ge });
      for (const l of ge.members) this.groupEdgeOfLink.set(l, ge.id);
      this.groupLinks.set(ge.source, [...(this.groupLinks.get(ge.source) ?? []), ...ge.members]);
    }
    // a comment line every 15 s keeps proxies and the browser from timing the stream out
    this.keepAlive = setInterval(() => this.write(':\n\n'), 15_000);
    this.keepAlive.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  close(): void {
    clearInterval(this.keepAlive);
    clearTimeout(this.flushTimer);
    clearTimeout(this.faultsTimer);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  /** One end of a link reported it down or up (poll or trap). Sent at once: a cut shows within a second. */
  linkEnd(link: string, end: string, down: boolean): void {
    const edge = this.edges.get(link);
    if (!edge) return;
    const ends = this.linkEnds.get(link) ?? new Map<string, boolean>();
    ends.set(end, down);
    this.linkEnds.set(link, ends);
    const state = linkState(ends);
    if (state === edge.state) return;
    edge.state = state;
    this.pendingLinks.set(link, edge);
    this.regroupLink(link);
    this.schedule(0);
  }

  /** A link end's utilisation from a poll; the edge shows the busier end. Batched (once a second). */
  utilisation(link: string, ratio: number, end: string): void {
    const edge = this.edges.get(link);
    if (!edge) return;
    const ends = (this.util.get(link) ?? new Map<string, number>()).set(end, ratio);
    this.util.set(link, ends);
    const busiest = Math.max(...ends.values());
    if (edge.utilisation !== null && Math.abs(busiest - edge.utilisation) < 0.005) return;
    edge.utilisation = busiest;
    this.pendingLinks.set(link, edge);
    this.regroupLink(link);
    this.schedule(1000);
  }
  device(device: string, up: boolean): void {
    const node = this.nodes.get(device);
    const state: ObjectState = up ? 'up' : 'down';
    if (!node || node.state === state) return;
    node.state = state;
    this.pendingNodes.set(device, node);
    const g = this.groupOfDevice.get(device);
    if (g) this.regroup(g);
    this.schedule(0);
  }

  /** A member link changed: its group edge and its group follow (sent with the link). */
  private regroupLink(link: string): void {
    const geId = this.groupEdgeOfLink.get(link);
    const ge = geId === undefined ? undefined : this.groupEdges.get(geId);
    if (!ge) return;
    const next = groupEdgeState(ge, this.edges);
    if (next.state !== ge.state || next.utilisation !== ge.utilisation) {
      Object.assign(ge, next);
      this.pendingGroupEdges.add(ge.id);
    }
    this.regroup(ge.source);
  }

  private regroup(id: string): void {
    const g = this.groups.get(id);
    if (!g) return;
    const links = (this.groupLinks.get(id) ?? []).map((l) => this.edges.get(l)!);
    const next = groupState(g, this.nodes, links);
    if (next.state === g.state && next.devicesDown === g.devicesDown && next.linksDown === g.linksDown && next.unseen === g.unseen) return;
    Object.assign(g, next);
    this.pendingGroups.add(id);
  }

  /** The store's open faults changed (daemon or operator): re-read and send them (coalesced). */
  faultsChanged(): void {
    if (this.faultsTimer) return;
    this.faultsTimer = setTimeout(() => {
      this.faultsTimer = undefined;
      this.refreshFaults()
        .then(() => this.send('faults', this.faults))
        .catch((err: unknown) => this.opts.logger.warn({ err: (err as Error).message }, 'NOC page: reading faults failed'));
    }, 100);
  }

  setKpi(rows: KpiRow[]): void {
    this.kpi = rows;
    this.send('kpi', rows);
  }

  setBurn(rates: BurnRate[]): void {
    this.burn = rates;
    this.send('burn', rates);
  }

  async snapshot(): Promise<NocSnapshot> {
    await this.refreshFaults();
    return {
      at: Date.now(),
      map: { nodes: [...this.nodes.values()], edges: [...this.edges.values()], groups: [...this.groups.values()], groupEdges: [...this.groupEdges.values()] },
      faults: this.faults,
      kpi: this.kpi,
      burn: this.burn,
    };
  }

  private async refreshFaults(): Promise<void> {
    const open = await this.opts.store.listFaults({ openOnly: true, limit: 1000 });
    this.faults = open.map((f) => ({ ...f, route: this.route(f.object) }));
  }

  private route(object: string): 'page' | 'ticket' {
    const [type, id = ''] = object.split(/:(.*)/s);
    const paging = (level: string) => (PAGING_LEVELS as readonly string[]).includes(level);
    if (type === 'device') return paging(this.nodes.get(id)?.level ?? '') ? 'page' : 'ticket';
    if (type === 'link') {
      const e = this.edges.get(id);
      // a link belongs to its lower end (a county's uplink is the county's): page only if both ends page
      return e && paging(this.nodes.get(e.source)?.level ?? '') && paging(this.nodes.get(e.target)?.level ?? '') ? 'page' : 'ticket';
    }
    return 'page'; // platforms: the province's clouds
  }

  private schedule(ms: number): void {
    if (this.flushTimer && ms > 0) return;
    clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      if (this.pendingLinks.size) this.send('links', [...this.pendingLinks.values()]);
      if (this.pendingNodes.size) this.send('devices', [...this.pendingNodes.values()]);
      if (this.pendingGroups.size || this.pendingGroupEdges.size) {
        this.send('groups', {
          groups: [...this.pendingGroups].map((id) => this.groups.get(id)!),
          groupEdges: [...this.pendingGroupEdges].map((id) => this.groupEdges.get(id)!),
        });
      }
      this.pendingLinks = new Map();
      this.pendingNodes = new Map();
      this.pendingGroups = new Set();
      this.pendingGroupEdges = new Set();
    }, ms);
  }

  private send(event: string, data: unknown): void {
    if (this.clients.size) this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(chunk: string): void {
    for (const c of this.clients) c.write(chunk);
  }

  private authorised(req: IncomingMessage): boolean {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    return same(bearer ?? cookieToken(req.headers.cookie), this.opts.token);
  }

  /** Serve `path` if it is the page's; false when it is not (the caller answers 404). */
  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<boolean> {
    if (path !== '/noc' && !path.startsWith('/noc/')) return false;
    const headers = {
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    const reply = (status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
      res.writeHead(status, { ...headers, 'content-type': type, ...extra });
      res.end(body);
      return true as const;
    };
    if (this.unavailable) return reply(503, 'text/plain; charset=utf-8', `${this.unavailable}\n`);
    const token = query.get('token');
    if ((path === '/noc' || path === '/noc/') && token !== null) {
      if (!same(token, this.opts.token)) return reply(401, 'text/plain; charset=utf-8', 'wrong token\n');
      return reply(303, 'text/plain; charset=utf-8', 'signed in\n', {
        location: '/noc/',
        'set-cookie': `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/noc`,
      });
    }
    if (!this.authorised(req)) {
      return reply(
        401,
        'text/plain; charset=utf-8',
        'NOC page: open /noc/?token=TOKEN with the token in the daemon state dir (monitoring/noc.token), or send Authorization: Bearer TOKEN\n',
      );
    }
    if (path === '/noc') return reply(308, 'text/plain', '', { location: '/noc/' });
    if (path === '/noc/') {
      const f = this.files.get('index.html')!;
      return reply(200, f.type, f.body);
    }
    const asset = /^\/noc\/assets\/([a-z.]+)$/.exec(path)?.[1];
    if (asset && asset !== 'index.html' && this.files.has(asset)) {
      const f = this.files.get(asset)!;
      return reply(200, f.type, f.body);
    }
    if (path === '/noc/api/state') return reply(200, 'application/json', JSON.stringify(await this.snapshot()));
    if (path === '/noc/api/events') {
      res.writeHead(200, { ...headers, 'content-type': 'text/event-stream', connection: 'keep-alive' });
      res.write(`retry: 2000\nevent: snapshot\ndata: ${JSON.stringify(await this.snapshot())}\n\n`);
      this.clients.add(res);
      res.on('close', () => this.clients.delete(res));
      return true;
    }
    const m = /^\/noc\/api\/faults\/(\d+)\/([a-z]+)$/.exec(path);
    if (m) {
      if (req.method !== 'POST') return reply(405, 'text/plain', 'POST only\n');
      if (!ACTIONS.has(m[2]!)) return reply(404, 'text/plain', `no action ${m[2]}: ack, assign or note\n`);
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${req.headers.host}`) return reply(403, 'text/plain', 'cross-origin request refused\n');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return reply(415, 'text/plain', 'send application/json\n');
      let size = 0;
      const chunks: Buffer[] = [];
      for await (const c of req as AsyncIterable<Buffer>) {
        size += c.length;
        if (size > MAX_ACTION_BODY) return reply(413, 'text/plain', 'payload too large\n');
        chunks.push(c);
      }
      const bad = (field: string, message: string) => reply(400, 'application/json', JSON.stringify({ error: `${field}: ${message}`, field }) + '\n');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return bad('(body)', 'not JSON');
      }
      const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
      const by = text('operator');
      if (!by) return bad('operator', 'say who acts');
      const id = Number(m[1]);
      const at = Date.now();
      const action: LifecycleAction =
        m[2] === 'ack'
          ? { action: 'ack', id, at, by }
          : m[2] === 'assign'
            ? { action: 'assign', id, at, by, to: text('to') }
            : { action: 'note', id, at, by, text: text('text') };
      if (action.action === 'assign' && !action.to) return bad('to', 'say whom to assign it to');
      if (action.action === 'note' && !action.text) return bad('text', 'the note is empty');
      const result = await commitFaultAction(this.opts.store, action, this.opts.causes);
      if (!result.ok) {
        if (result.reason === 'no-fault') return reply(404, 'application/json', JSON.stringify({ error: result.message }) + '\n');
        return bad(result.field, result.message);
      }
      await this.opts.onAction?.(action, result);
      this.opts.logger.info({ fault: id, action: action.action, by }, 'NOC page: operator action');
      this.faultsChanged();
      return reply(200, 'application/json', JSON.stringify({ ...result.fault, route: this.route(result.fault.object) }) + '\n');
    }
    return reply(404, 'text/plain', 'not found\n');
  }
}
