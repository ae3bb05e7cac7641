/**
 * What NET-121 and NET-122 inspect: every backbone adjacency (a link between two of our routers
 * whose ends are not passive) with, per end and dialect, the lines the render features put into
 * that interface's stanza and into the device's preamble (key chains, BFD profiles) — the rendered
 * text itself, not the model's intent. Only the feature hooks are rendered: a full render and
 * parse of 4,104 configs took 45 s on this host, far over `stacks policy`'s budget (the config
 * verifier reads the whole configs back and checks authentication and BFD adjacency by adjacency).
 */
import { DIALECTS, type DialectId, DIALECT_IDS } from '../../network/render/index.js';
import { featureLines, type FeatureContext } from '../../network/render/features/index.js';
import { adjacencyInterface } from '../../network/render/features/adjacencies.js';
import { indexTopology } from '../../network/render/common.js';
import type { Device, Link, Topology } from '../../network/types.js';

export interface AdjacencyEnd {
  device: string;
  /** The dialect's name for the port. */
  interface: string;
  /** The feature lines of the interface stanza, trimmed. */
  lines: string[];
  /** The device's preamble lines (as rendered, indentation kept). */
  preamble: string[];
}

export interface RenderedAdjacency {
  link: Link;
  dialect: DialectId;
  ends: [AdjacencyEnd, AdjacencyEnd];
}

const CACHE = new WeakMap<Topology, RenderedAdjacency[]>();

export function renderedAdjacencies(topology: Topology): RenderedAdjacency[] {
  const hit = CACHE.get(topology);
  if (hit) return hit;
  const index = indexTopology(topology);
  const preambles = new Map<string, string[]>();
  const preamble = (dialect: DialectId, device: Device) => {
    const key = `${dialect}\u0000${device.id}`;
    let p = preambles.get(key);
    if (!p) {
      p = featureLines(dialect, 'preamble', { topology, device, opts: {} }).map((l) => l.text);
      preambles.set(key, p);
    }
    return p;
  };
  const out: RenderedAdjacency[] = [];
  for (const dialect of DIALECT_IDS) {
    for (const link of topology.links) {
      const ends = [link.a, link.b].map((e): AdjacencyEnd | undefined => {
        const device = index.devices.get(e.device);
        const iface = device?.interfaces.find((i) => i.name === e.interface);
        if (!device || !iface || !adjacencyInterface(topology, device, iface)) return undefined;
        const port = DIALECTS[dialect].interfaceName(device, e.interface);
        const ctx: FeatureContext = { topology, device, opts: {} };
        return {
          device: e.device,
          interface: port,
          lines: featureLines(dialect, 'interface', ctx, iface, port).map((l) => l.text.trim()),
          preamble: preamble(dialect, device),
        };
      });
      if (ends[0] && ends[1]) out.push({ link, dialect, ends: [ends[0], ends[1]] });
    }
  }
  CACHE.set(topology, out);
  return out;
}

/** The lines of one stanza of the preamble (`key chain NAME`, `keychain NAME …`, `bfd`), up to its end. */
export function preambleStanza(preamble: string[], header: RegExp): string[] | undefined {
  const start = preamble.findIndex((l) => header.test(l));
  if (start < 0) return undefined;
  const out: string[] = [];
  for (let i = start + 1; i < preamble.length && /^\s/.test(preamble[i]!); i++) out.push(preamble[i]!.trim());
  return out;
}

export const REFERENCE = /^\{\{secret:[A-Za-z0-9][A-Za-z0-9._/-]*\}\}$/;
