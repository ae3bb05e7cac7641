// The NOC page's script (a browser module, served from /noc/assets/): the backbone map drawn by
// Cytoscape.js, the open faults with acknowledge/assign, the SLO burn rates and the KPI
// scorecard, all kept current by the daemon's server-sent events. Every string from the daemon goes
// into the page as text, never as markup.
import cytoscape from './cytoscape.mjs';

const $ = (sel) => document.querySelector(sel);

/** A DOM element with attributes and children (strings become text nodes). */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'onclick') e.addEventListener('click', v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== undefined && c !== null) e.append(typeof c === 'string' || typeof c === 'number' ? String(c) : c);
  return e;
}

// Colours by state, and for a link that is up, by utilisation against its tier's rate.
const COLOUR = { down: '#d42020', unknown: '#a7adb8', up: '#2e9e4f', busy: '#d9b100', hot: '#e8731a' };
function edgeColour(e) {
  if (e.state !== 'up') return COLOUR[e.state] ?? COLOUR.unknown;
  if (e.utilisation !== null && e.utilisation >= 0.8) return COLOUR.hot;
  if (e.utilisation !== null && e.utilisation >= 0.5) return COLOUR.busy;
  return COLOUR.up;
}
const NODE_SIZE = [22, 14, 8, 5]; // as monitors/noc/view.ts places them
/** A county's townships open when they would be drawn at least this many pixels wide (closed, their aggregate stands in). */
const OPEN_AT_PX = 3;

let cy;
const faultsById = new Map();
/**
 * What the daemon said, drawn or not: devices, links, the counties' township aggregates and their
 * edges (monitors/noc/view.ts). Cytoscape holds only what is on the map now; a closed county's
 * townships live here and are kept current, so opening it draws them as they are.
 */
const model = { nodes: new Map(), edges: new Map(), groups: new Map(), groupEdges: new Map(), groupOf: new Map() };
/** Open counties; `pinned` ones were opened by a click and stay open at any zoom (a double click closes them). */
const open = new Set();
const pinned = new Set();

function edgeData(e) {
  return { ...e, colour: edgeColour(e), width: e.state === 'down' ? 4 : e.tier === 'township' || e.tier === 'county-township' ? 1 : 2 };
}
const nodeData = (n) => ({ ...n, colour: COLOUR[n.state], size: NODE_SIZE[n.ring] ?? 6, label: n.ring <= 1 ? n.id : '' });
const groupData = (g) => ({ ...g, group: true, colour: COLOUR[g.state], label: '' });
const nodeElement = (n) => ({ group: 'nodes', data: nodeData(n), position: { x: n.x, y: n.y } });
const groupElement = (g) => ({ group: 'nodes', data: groupData(g), position: { x: g.x, y: g.y }, classes: 'aggregate' });

/** Is this device on the map now (not a township of a closed county)? */
const drawn = (id) => {
  const g = model.groupOf.get(id);
  return model.nodes.has(id) && (g === undefined || open.has(g));
};

/** The elements of the map as it is to be drawn: every device but closed counties' townships, which their aggregates stand for. */
function elementsNow() {
  const els = [];
  for (const n of model.nodes.values()) if (drawn(n.id)) els.push(nodeElement(n));
  for (const e of model.edges.values()) if (drawn(e.source) && drawn(e.target)) els.push({ group: 'edges', data: edgeData(e) });
  for (const g of model.groups.values()) if (!open.has(g.id)) els.push(groupElement(g));
  for (const ge of model.groupEdges.values()) if (!open.has(ge.source) && drawn(ge.target)) els.push({ group: 'edges', data: edgeData(ge) });
  return els;
}

function openGroup(id) {
  if (open.has(id)) return;
  open.add(id);
  const g = model.groups.get(id);
  cy.getElementById(id).remove(); // and its edges
  const els = g.members.map((m) => nodeElement(model.nodes.get(m)));
  const members = new Set(g.members);
  for (const ge of model.groupEdges.values()) {
    if (ge.source !== id) continue;
    for (const l of ge.members) {
      const e = model.edges.get(l);
      if (e && drawn(e.source) && drawn(e.target)) els.push({ group: 'edges', data: edgeData(e) });
    }
  }
  // links between two townships of this county (the topology has none) are inside the aggregate
  for (const e of model.edges.values()) if (members.has(e.source) && members.has(e.target)) els.push({ group: 'edges', data: edgeData(e) });
  cy.add(els);
}

function closeGroup(id) {
  if (!open.has(id)) return;
  open.delete(id);
  pinned.delete(id);
  const g = model.groups.get(id);
  cy.remove(cy.collection(g.members.map((m) => cy.getElementById(m))));
  const els = [groupElement(g)];
  for (const ge of model.groupEdges.values()) if (ge.source === id && drawn(ge.target)) els.push({ group: 'edges', data: edgeData(ge) });
  cy.add(els);
}

/**
 * After a zoom or pan: zoomed in far enough, the counties in view open and those out of it close
 * (so the map never holds every township at once); zoomed out, all close but the pinned ones.
 */
function followViewport() {
  const detail = cy.zoom() * NODE_SIZE[3] >= OPEN_AT_PX;
  const ext = cy.extent();
  const margin = 0.25 * Math.max(ext.w, ext.h);
  const inView = (g) => g.x >= ext.x1 - margin && g.x <= ext.x2 + margin && g.y >= ext.y1 - margin && g.y <= ext.y2 + margin;
  cy.batch(() => {
    for (const g of model.groups.values()) {
      if (detail && inView(g)) openGroup(g.id);
      else if (!pinned.has(g.id)) closeGroup(g.id);
    }
  });
  summary();
}

function drawMap(map) {
  const t0 = performance.now();
  for (const k of Object.keys(model)) model[k].clear();
  open.clear();
  pinned.clear();
  for (const n of map.nodes) model.nodes.set(n.id, n);
  for (const e of map.edges) model.edges.set(e.id, e);
  for (const g of map.groups ?? []) {
    model.groups.set(g.id, g);
    for (const m of g.members) model.groupOf.set(m, g.id);
  }
  for (const ge of map.groupEdges ?? []) model.groupEdges.set(ge.id, ge);
  // Fitted by hand: the daemon's rings are centred on (0, 0) and their extent is known, while
  // Cytoscape's `fit` measures every element's bounding box first (4–6 s of the full province's load).
  const extent = Math.max(1, ...map.nodes.map((n) => Math.max(Math.abs(n.x), Math.abs(n.y)) + (NODE_SIZE[n.ring] ?? 6)));
  const box = $('#map').getBoundingClientRect();
  // a small scope would otherwise be fitted at a zoom that makes six routers fill the screen
  const maxZoom = map.nodes.length > 200 ? 8 : 1.2;
  const zoom = Math.min(maxZoom, Math.min(box.width, box.height) / (2 * extent + 40));
  // the first frame holds what this zoom shows: the province's counties closed, a lab scope's open
  if (zoom * NODE_SIZE[3] >= OPEN_AT_PX) for (const g of model.groups.keys()) open.add(g);
  cy?.destroy();
  cy = cytoscape({
    container: $('#map'),
    elements: elementsNow(),
    style: [
      {
        selector: 'node',
        style: {
          'background-color': 'data(colour)',
          width: 'data(size)',
          height: 'data(size)',
        },
      },
      // labels only where there is one (the inner rings): a label style on 2,000 nodes costs every frame
      { selector: 'node[label != ""]', style: { label: 'data(label)', 'font-size': 9, 'min-zoomed-font-size': 6, 'text-valign': 'bottom', color: '#333' } },
      // a county's townships, closed: a ring tells it from a device
      { selector: 'node.aggregate', style: { shape: 'round-rectangle', 'border-width': 1, 'border-color': '#1d2330' } },
      // opaque: blending 4,000 edges made the first frame of the full province seconds slower
      { selector: 'edge', style: { 'line-color': 'data(colour)', width: 'data(width)', 'curve-style': 'haystack' } },
      { selector: 'edge[state = "down"]', style: { 'z-index': 10 } },
    ],
    layout: { name: 'preset', fit: false },
    zoom,
    pan: { x: box.width / 2, y: box.height / 2 },
    pixelRatio: 1,
    maxZoom,
    hideEdgesOnViewport: map.edges.length > 1000,
    textureOnViewport: map.edges.length > 1000,
  });
  cy.on('tap', 'edge, node', (ev) => {
    const d = ev.target.data();
    if (d.group) {
      pinned.add(d.id);
      cy.batch(() => openGroup(d.id));
      const seen = d.unseen ? `, ${d.unseen} not seen yet` : '';
      $('#summary').textContent =
        `${d.site}: ${d.members.length} townships, ${d.devicesDown} down, ${d.linksDown} links down${seen} (opened; double-click a township to close)`;
      return;
    }
    $('#summary').textContent = d.source
      ? `${d.id}: ${d.state}, tier ${d.tier}${d.bandwidthMbps ? ` (${d.bandwidthMbps} Mb/s)` : ''}${d.utilisation !== null ? `, ${(d.utilisation * 100).toFixed(1)}% used` : ''}`
      : `${d.id}: ${d.state}, ${d.level} ${d.site}`;
  });
  cy.on('dbltap', 'node', (ev) => {
    const g = model.groupOf.get(ev.target.id());
    if (g) cy.batch(() => closeGroup(g));
  });
  let viewportTimer;
  cy.on('viewport', () => {
    clearTimeout(viewportTimer);
    viewportTimer = setTimeout(followViewport, 120);
  });
  window.noc.drawMs = performance.now() - t0;
  window.noc.cy = cy;
  summary();
}

function summary() {
  if (!cy) return;
  let down = 0;
  for (const e of model.edges.values()) if (e.state === 'down') down++;
  let devDown = 0;
  for (const n of model.nodes.values()) if (n.state === 'down') devDown++;
  const closed = model.groups.size - open.size;
  $('#summary').textContent =
    `${model.nodes.size} devices (${devDown} down), ${model.edges.size} links (${down} down)` +
    (closed ? `; ${closed} counties' townships drawn as one (zoom in or click to open)` : '');
}

function updateLinks(list) {
  cy.batch(() => {
    for (const e of list) {
      model.edges.set(e.id, e);
      const drawnEdge = cy.getElementById(e.id);
      if (drawnEdge.nonempty()) drawnEdge.data(edgeData(e));
    }
  });
  window.noc.lastLinkUpdate = Date.now();
  summary();
}

function updateDevices(list) {
  cy.batch(() => {
    for (const n of list) {
      model.nodes.set(n.id, n);
      cy.getElementById(n.id).data({ state: n.state, colour: COLOUR[n.state] });
    }
  });
  summary();
}

function updateGroups({ groups, groupEdges }) {
  cy.batch(() => {
    for (const g of groups) {
      model.groups.set(g.id, g);
      cy.getElementById(g.id).data(groupData(g));
    }
    for (const ge of groupEdges) {
      model.groupEdges.set(ge.id, ge);
      cy.getElementById(ge.id).data(edgeData(ge));
    }
  });
}

const ago = (ms) => {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : `${(s / 3600).toFixed(1)} h ago`;
};
const time = (ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

function message(text, error = false) {
  const m = $('#action-msg');
  m.textContent = text;
  m.className = error ? 'error' : '';
}

async function act(fault, action, extra = {}) {
  const operator = $('#operator').value.trim();
  if (!operator) {
    message('Enter your name in "operator" first: every change records who made it.', true);
    $('#operator').focus();
    return;
  }
  localStorage.setItem('stacks-noc-operator', operator);
  const res = await fetch(`/noc/api/faults/${fault.id}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ operator, ...extra }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) return message(`fault ${fault.id}: ${body.error ?? res.statusText}`, true);
  message(`fault ${fault.id}: ${action === 'ack' ? 'acknowledged' : `assigned to ${extra.to}`} by ${operator}`);
  faultsById.set(body.id, body);
  renderFaults([...faultsById.values()]);
}

function renderFaults(list) {
  faultsById.clear();
  for (const f of list) faultsById.set(f.id, f);
  const rows = [...list].sort((a, b) => (a.route === b.route ? b.openedAt - a.openedAt : a.route === 'page' ? -1 : 1));
  const body = $('#faults tbody');
  body.replaceChildren(
    ...rows.map((f) => {
      const who = [f.acknowledgedBy && `ack ${f.acknowledgedBy}`, f.assignedTo && `→ ${f.assignedTo}`].filter(Boolean).join(', ');
      const assignee = el('input', { placeholder: 'assignee', 'aria-label': `assign fault ${f.id} to` });
      return el(
        'tr',
        { 'data-fault-id': f.id, 'data-state': f.state, class: `route-${f.route}` },
        el('td', {}, f.id),
        el('td', {}, f.route),
        el('td', {}, f.object.replace(/^[a-z]+:/, ''), f.flapping ? el('span', { class: 'bad' }, ' flapping') : null),
        el('td', {}, f.kind),
        el('td', { class: f.state === 'open' ? 'bad' : '' }, f.state),
        el('td', { title: time(f.openedAt) }, ago(f.openedAt)),
        el('td', { class: 'muted' }, who),
        el(
          'td',
          {},
          f.acknowledgedAt === null ? el('button', { class: 'ack', onclick: () => act(f, 'ack') }, 'Ack') : null,
          assignee,
          el('button', { class: 'assign', onclick: () => assignee.value.trim() && act(f, 'assign', { to: assignee.value.trim() }) }, 'Assign'),
        ),
      );
    }),
  );
  $('#fault-count').textContent = `(${list.filter((f) => f.route === 'page').length} pages, ${list.filter((f) => f.route === 'ticket').length} tickets)`;
}

const pct = (v, digits = 2) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)}%`);

function renderKpi(rows) {
  $('#kpi tbody').replaceChildren(
    ...rows.map((r) => {
      // values and targets are ratios (plan-indicators.json): 0.99 is 99%
      const target = (v, op, meets) =>
        el('td', { class: meets === false ? 'bad' : meets ? 'good' : 'muted' }, v === null ? '—' : `${op ?? ''} ${+(v * 100).toFixed(2)}%`);
      const value = r.value === null ? (r.status === 'ok' ? '—' : r.status) : pct(r.value);
      return el(
        'tr',
        { 'data-kpi': r.id },
        el('td', {}, r.id),
        el('td', { title: r.definition }, r.name),
        el('td', { class: 'num' }, value, r.claimed === false ? el('span', { class: 'muted', title: r.note ?? '' }, ' (not claimed)') : null),
        target(r.target_2023, r.target_2023_op, r.meets_2023),
        target(r.target_2025, r.target_2025_op, r.meets_2025),
        el('td', { class: 'muted', title: r.source }, r.basis),
        el('td', { class: 'muted' }, r.measured_at ? r.measured_at.slice(0, 19).replace('T', ' ') : '—'),
      );
    }),
  );
}

function renderBurn(rates) {
  const windows = [...new Set(rates.map((r) => r.window))];
  const slis = [...new Set(rates.map((r) => r.sli))];
  $('#burn thead').replaceChildren(el('tr', {}, el('th', {}, 'SLI'), ...windows.map((w) => el('th', {}, w))));
  $('#burn tbody').replaceChildren(
    ...slis.map((sli) =>
      el(
        'tr',
        {},
        el('td', {}, sli.replace('_availability', '')),
        ...windows.map((w) => {
          const r = rates.find((x) => x.sli === sli && x.window === w);
          const covered = r && r.coveredMs < r.windowMs * 0.9 ? ` (${Math.round(r.coveredMs / 60000)} min seen)` : '';
          const b = r?.burnRate;
          return el(
            'td',
            { class: `num ${b >= 6 ? 'bad' : b >= 1 ? '' : 'good'}`, title: `error ratio ${pct(r?.errorRatio, 3)}${covered}` },
            b === null || b === undefined ? '—' : `${b.toFixed(1)}×`,
          );
        }),
      ),
    ),
  );
}

function connect() {
  const es = new EventSource('/noc/api/events');
  const conn = $('#conn');
  es.addEventListener('open', () => {
    conn.textContent = 'live';
    conn.className = 'conn live';
  });
  es.addEventListener('error', () => {
    conn.textContent = 'reconnecting…';
    conn.className = 'conn';
  });
  es.addEventListener('snapshot', (ev) => {
    window.noc.snapshotMs = performance.now(); // since navigation start: what the load waited for
    const s = JSON.parse(ev.data);
    drawMap(s.map);
    renderFaults(s.faults);
    renderKpi(s.kpi);
    renderBurn(s.burn);
    window.noc.ready = true;
    // the first frame with the map in it: Cytoscape draws on the next animation frame
    requestAnimationFrame(() => requestAnimationFrame(() => (window.noc.paintedMs = performance.now())));
  });
  es.addEventListener('links', (ev) => updateLinks(JSON.parse(ev.data)));
  es.addEventListener('devices', (ev) => updateDevices(JSON.parse(ev.data)));
  es.addEventListener('groups', (ev) => updateGroups(JSON.parse(ev.data)));
  es.addEventListener('faults', (ev) => renderFaults(JSON.parse(ev.data)));
  es.addEventListener('kpi', (ev) => renderKpi(JSON.parse(ev.data)));
  es.addEventListener('burn', (ev) => renderBurn(JSON.parse(ev.data)));
}

// What the page knows, for people poking at it from the console and for the browser test.
// Links, devices and aggregates answer from the model (drawn or not); the colours from the map (drawn only).
window.noc = {
  ready: false,
  edge: (id) => model.edges.get(id) ?? model.groupEdges.get(id),
  node: (id) => model.nodes.get(id) ?? model.groups.get(id),
  drawn: (id) => cy?.getElementById(id).nonempty() ?? false,
  edgeColour: (id) => cy?.getElementById(id).style('line-color'),
  nodeColour: (id) => cy?.getElementById(id).style('background-color'),
  groupOf: (device) => model.groupOf.get(device),
  counts: () => ({ devices: model.nodes.size, links: model.edges.size, counties: model.groups.size, open: open.size, drawn: cy?.elements().length ?? 0 }),
};
$('#operator').value = localStorage.getItem('stacks-noc-operator') ?? '';
// the "opened … ago" column ages; not while someone is typing an assignee into the table
setInterval(() => faultsById.size && !document.activeElement?.closest('#faults') && renderFaults([...faultsById.values()]), 30_000);
connect();
