/**
 * The routing table a device would hold, as the config-level verifier computes it from rendered
 * configs and as the differential check reads it from a running router (FRR's `show ip route json`,
 * `show ipv6 route json`). One shape for both sides, so comparing them is a pure function.
 *
 * Invariants: `routes` is sorted by prefix (canonical text: RFC 5952 for IPv6, network address with
 * its length), each prefix appears once per family, and `nextHops` is sorted by interface then via.
 * IPv6 OSPF next hops are link-local on the wire; they are identified here by the outgoing interface
 * and the neighbour device, never by the fe80:: address (which the configs do not determine).
 */
import type { Family } from '../../types.js';

export type RouteProtocol = 'connected' | 'static' | 'ospf-intra' | 'ospf-inter' | 'ospf-external-1' | 'ospf-external-2' | 'kernel';

export interface RibNextHop {
  /** Outgoing interface on this device (names as rendered; VRP names mapped back to the model's). */
  interface: string;
  /** IPv4: the neighbour's address on that link. Omitted for connected routes and for IPv6. */
  via?: string;
  /** The device at the other end of the link, when the topology knows it (absent for upstream/host). */
  neighbour?: string;
}

export interface RibRoute {
  prefix: string;
  protocol: RouteProtocol;
  /** Path cost as the protocol counts it (OSPF: sum of outgoing interface costs); 0 for connected. */
  metric: number;
  /** More than one entry is ECMP. Empty means a discard (blackhole) route. */
  nextHops: RibNextHop[];
  /**
   * Computed side only: the router installs exactly one of these next-hop groups (their union is
   * `nextHops`), which one the configs do not decide — a dialect behaviour (model.ts
   * DialectBehaviour), e.g. FRR 8.4's OSPFv3 keeping one ABR's path.
   */
  installsOneOf?: RibNextHop[][];
  /**
   * Computed side only: the router may install any non-empty subset of `nextHops` at the same cost
   * — a dialect behaviour (model.ts DialectBehaviour.ospfv3EcmpSubset).
   */
  installsSubset?: boolean;
}

export interface DeviceRib {
  device: string;
  family: Family;
  routes: RibRoute[];
}
