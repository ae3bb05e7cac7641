/**
 * What NET-164 and the VRP half of NET-101…106 read of each device's rendered VRP config: the admin
 * state every interface stanza states and the management plane. Synth already parses every config
 * it renders (the config verifier, stacks/design-checks.ts) and hands these facts over from that one
 * parse (`vrpFactsOfParsed`), so no config is parsed twice in a synth. `stacks policy` alone has no
 * parsed configs: it renders just the seams that hold these facts (the port stanzas without their
 * features, the management statements) and parses those (`renderedVrpFacts`) — seconds cheaper
 * than rendering and parsing 2,052 whole configs.
 */
import { vrpPortStanzas } from '../../network/render/vrp.js';
import { parseVrp } from '../../network/render/vrp-parse.js';
import { managementFeature } from '../../network/render/features/management.js';
import type { ConfigLine } from '../../network/render/common.js';
import type { ParsedConfig } from '../../network/verify/config/model.js';
import type { ManagementFacts } from '../../network/verify/config/management-model.js';
import type { Device, Topology } from '../../network/types.js';

export interface VrpDeviceFacts {
  /** Every interface stanza by its VRP name, with the admin state it states (none: neither `shutdown` nor `undo shutdown`). */
  ports: ReadonlyMap<string, { shutdown: boolean; line: number } | undefined>;
  /** The management plane the config states; absent when it states none. */
  management?: ManagementFacts;
}

/** Per device id. */
export type VrpConfigFacts = ReadonlyMap<string, VrpDeviceFacts>;

declare module '../types.js' {
  interface PolicyInputs {
    /** The facts of the rendered VRP configs, from a parse the caller already made (synth); rules render their own without it. */
    vrpConfigFacts?: VrpConfigFacts;
  }
}

/** The facts of one parsed config (keeps only these, so the parse itself can be collected). */
function vrpDeviceFacts(parsed: Pick<ParsedConfig, 'interfaces' | 'management'>): VrpDeviceFacts {
  return {
    ports: new Map(parsed.interfaces.map((i) => [i.name, i.adminStated])),
    ...(parsed.management ? { management: parsed.management } : {}),
  };
}

/** From configs parsed elsewhere (the config verifier's `LoadedConfig`s of the VRP dialect). */
export function vrpFactsOfParsed(configs: Iterable<{ device: { id: string }; parsed: ParsedConfig }>): VrpConfigFacts {
  const out = new Map<string, VrpDeviceFacts>();
  for (const c of configs) out.set(c.device.id, vrpDeviceFacts(c.parsed));
  return out;
}

/** A device's port stanzas as the renderer prints them (replaceable in tests, as a renderer bug would change them). */
export type PortStanzaRenderer = (topology: Topology, device: Device) => ConfigLine[];

const portStanzas: PortStanzaRenderer = (topology, device) => vrpPortStanzas(topology, device);

/** Each stanza's header and admin-state lines: the rest (addresses, OSPF, QoS) is not read here and would triple the parse. */
function adminLines(lines: ConfigLine[]): string[] {
  return lines.map((l) => l.text).filter((t) => t === '#' || t.startsWith('interface ') || t === ' shutdown' || t === ' undo shutdown');
}

function managementLines(topology: Topology, device: Device): string[] {
  const ctx = { topology, device, opts: {} };
  const own = (hook: 'preamble' | 'trailer') => managementFeature.vrp[hook]?.(ctx) ?? [];
  return [...own('preamble'), { text: '#' }, ...own('trailer')].map((l) => l.text);
}

const CACHE = new WeakMap<Topology, VrpConfigFacts>();

/** The facts rendered and parsed here, seam by seam (once per topology unless a renderer is given). */
export function renderedVrpFacts(topology: Topology, render: PortStanzaRenderer = portStanzas): VrpConfigFacts {
  const cacheable = render === portStanzas;
  const hit = cacheable ? CACHE.get(topology) : undefined;
  if (hit) return hit;
  const out = new Map<string, VrpDeviceFacts>();
  for (const device of topology.devices) {
    const text = [...adminLines(render(topology, device)), '#', ...managementLines(topology, device)].join('\n');
    out.set(device.id, vrpDeviceFacts(parseVrp(`${text}\n`)));
  }
  if (cacheable) CACHE.set(topology, out);
  return out;
}
