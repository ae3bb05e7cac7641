/**
 * Every config dialect renders from the same model through the same shape, so synth, plan, the lab
 * and the merge plan iterate over DIALECTS instead of knowing each one. A dialect is a renderer plus
 * the parser that reads its output back (the config-level verifier, network/verify/config/).
 */
import type { Device, Topology } from '../types.js';
import type { ParsedConfig } from '../verify/config/model.js';
import { countLines, joinLines, type ConfigLine, type LineCounts, type RenderOptions } from './common.js';
import { frrLines } from './frr.js';
import { parseFrr } from './frr-parse.js';
import { vrpLines } from './vrp.js';
import { parseVrp } from './vrp-parse.js';
import { vrpInterfaceNames } from './vrp-names.js';

export type { LineCounts } from './common.js';

export interface Dialect {
  id: string;
  title: string;
  /** Extension of the per-device file synth writes, without the dot. */
  fileExtension: string;
  render(topology: Topology, deviceId: string, opts?: RenderOptions): string;
  /** Configuration lines of the device, and of those the lines each interface accounts for. */
  lineCounts(topology: Topology, deviceId: string, opts?: RenderOptions): LineCounts;
  /** The device's name for a model interface in this dialect (FRR uses the model name as is). */
  interfaceName(device: Device, modelName: string): string;
  /** Read a config of this dialect back into the vendor-neutral model (the config-level verifier's input). */
  parse(text: string): ParsedConfig;
}

type LineRenderer = (topology: Topology, deviceId: string, opts?: RenderOptions) => ConfigLine[];

/**
 * Each device is rendered once per topology and dialect: synth writes the text and the merge plan
 * counts its lines (twice the work for 2,000 devices otherwise). Text and counts are kept, not the
 * line objects, so the cache costs about what the files do.
 */
const rendered = new WeakMap<Topology, Map<string, { text: string; counts: LineCounts }>>();

function renderedOnce(dialect: string, lines: LineRenderer, topology: Topology, deviceId: string, opts: RenderOptions = {}) {
  let perTopology = rendered.get(topology);
  if (!perTopology) rendered.set(topology, (perTopology = new Map()));
  const key = `${dialect}\u0000${deviceId}\u0000${JSON.stringify(opts)}`;
  let hit = perTopology.get(key);
  if (!hit) {
    const all = lines(topology, deviceId, opts);
    hit = { text: joinLines(all), counts: countLines(all) };
    perTopology.set(key, hit);
  }
  return hit;
}

/** A dialect's render and lineCounts, both read from the one rendering per device. */
function renderedBy(dialect: string, lines: LineRenderer): Pick<Dialect, 'render' | 'lineCounts'> {
  return {
    render: (topology, deviceId, opts) => renderedOnce(dialect, lines, topology, deviceId, opts).text,
    lineCounts: (topology, deviceId, opts) => renderedOnce(dialect, lines, topology, deviceId, opts).counts,
  };
}

export const DIALECTS = {
  frr: {
    id: 'frr',
    title: 'FRRouting 8.4 (frr.conf)',
    fileExtension: 'conf',
    ...renderedBy('frr', frrLines),
    interfaceName: (_device: Device, name: string) => name,
    parse: parseFrr,
  },
  vrp: {
    id: 'vrp',
    title: 'Huawei VRP',
    fileExtension: 'cfg',
    ...renderedBy('vrp', vrpLines),
    interfaceName: (device: Device, name: string) => vrpInterfaceNames(device).get(name) ?? name,
    parse: parseVrp,
  },
} as const satisfies Record<string, Dialect>;

export type DialectId = keyof typeof DIALECTS;
export const DIALECT_IDS = Object.keys(DIALECTS) as DialectId[];
