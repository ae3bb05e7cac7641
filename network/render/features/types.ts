/**
 * A render feature is one production concern of a device config (the management plane, OSPF
 * authentication, BFD, VRRP, QoS, the guarded exit, …) written once for every dialect. The dialect
 * renderers (frr.ts, vrp.ts) own the skeleton — interfaces, loopback, routing processes — and call
 * each registered feature at fixed places, so adding a concern is one file here plus one line in
 * ./index.ts, and no feature edits another's lines. Pure: model in, lines out.
 */
import type { Device, Interface, Topology } from '../../types.js';
import type { ConfigLine, RenderOptions } from '../common.js';

export interface FeatureContext {
  topology: Topology;
  device: Device;
  opts: RenderOptions;
}

/** Where a dialect renderer asks a feature for lines; every hook is optional. */
export interface DialectHooks {
  /**
   * Global stanzas before the interfaces: what the interfaces refer to must exist first on a device
   * that replays the file top-down (VRP's processes, ACLs, QoS policies, BFD, key chains).
   */
  preamble?(ctx: FeatureContext): ConfigLine[];
  /** Lines inside one interface's stanza, after its addresses; `port` is the dialect's name for it. */
  interface?(ctx: FeatureContext, iface: Interface, port: string): ConfigLine[];
  /** Lines inside the loopback's stanza. */
  loopback?(ctx: FeatureContext, port: string): ConfigLine[];
  /** Lines inside a routing process: `ospf` is OSPFv2, `ospf6` OSPFv3 (VRP `ospf 1` / `ospfv3 1`). */
  ospf?(ctx: FeatureContext, proto: 'ospf' | 'ospf6'): ConfigLine[];
  /** Stanzas after the routing processes (static routes' neighbours, NAT, VTY access, …). */
  trailer?(ctx: FeatureContext): ConfigLine[];
}

export interface RenderFeature {
  id: string;
  /** One line for `stacks synth --explain` and the README: what the feature puts on a router. */
  title: string;
  frr: DialectHooks;
  vrp: DialectHooks;
}
