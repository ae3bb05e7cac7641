/**
 * OSPF authentication on every adjacency, both families, keys per area (issue 11 part 2).
 *
 * OSPFv2: keyed MD5 (RFC 2328 D.3) — the strongest algorithm FRR 8.4 and VRP share. FRR 8.4's
 * ospfd knows `ip ospf authentication message-digest` and `ip ospf message-digest-key N md5 KEY`
 * only; RFC 5709 HMAC-SHA (`ip ospf authentication key-chain`) arrived in FRR 9.1 (commit
 * f5011cd5dd), and 8.4's vtysh rejects that line. ospfd 8.4 sends with the key configured last
 * (ospf_make_md5_digest: the list's tail) and, unlike RFC 2328 D.3's rollover, accepts that key id
 * only (ospf_check_auth drops a packet whose key id is not the tail's before any other key is
 * looked at). A second key would be neither sent nor accepted, so FRR's OSPFv2 holds one key, the
 * one sent: the send step of a roll swaps it (the driver adds the new key before removing the old,
 * so ospfd's switch is one command), and every router of the area takes that step at the same
 * instant (lab/ospf-rotate.ts: a commit timed to one wall-clock moment on every router; neighbours
 * keep each other as long as they switch within the dead interval).
 * OSPFv3: the RFC 7166 authentication trailer with HMAC-SHA-256 from a key chain — ospf6d accepts a
 * key id of the chain whose accept lifetime holds and sends with the first key whose send lifetime
 * holds, so during a roll the key not yet (or no longer) sent has a send lifetime in the past.
 * VRP: a keychain per area and family (`ospf authentication-mode keychain`, `ospfv3
 * authentication-mode keychain`), the send key marked `default send-key-id`, every key receivable.
 *
 * Keys are references (`{{secret:ospf/area-0.0.0.0/key-1}}`): deploy puts the values in.
 */
import type { ConfigLine } from '../common.js';
import type { Device, Topology } from '../../types.js';
import { areaKeys, ospfKeyPath, type AreaKeys } from '../../ospf-keyring.js';
import { adjacencyInterface, adjacencyInterfaces } from './adjacencies.js';
import type { FeatureContext, RenderFeature } from './types.js';

/** FRR's key chain (OSPFv3) and VRP's keychains are named by family and area. */
const keychainName = (version: 'v2' | 'v3', area: string) => `${version === 'v2' ? 'ospf' : 'ospf6'}-area-${area}`;
/** A send lifetime that ended long ago: the key is accepted, never sent (FRR keychain syntax). */
const FRR_NEVER_SEND = 'send-lifetime 00:00:00 Jan 1 2000 00:00:01 Jan 1 2000';

function areasOf(topology: Topology, device: Device): string[] {
  return [...new Set(adjacencyInterfaces(topology, device).map((a) => a.area))].sort();
}

/** The agreed reference token (mgmt's lib/secret-ref-token.ts defines the same syntax). */
const secretRef = (path: string) => `{{secret:${path}}}`;

const enabled = (ctx: FeatureContext) => ctx.topology.ospfSecurity !== undefined;

/** The one OSPFv2 key ospfd 8.4 is given: the key sent (the only one it would accept). */
const md5Keys = (k: AreaKeys): number[] => [k.send];

export const ospfAuthFeature: RenderFeature = {
  id: 'ospf-auth',
  title: 'OSPF authentication on every adjacency: OSPFv2 keyed MD5, OSPFv3 HMAC-SHA-256 trailer, keys per area by reference',
  frr: {
    preamble(ctx) {
      if (!enabled(ctx)) return [];
      const out: ConfigLine[] = [];
      for (const area of areasOf(ctx.topology, ctx.device)) {
        const k = areaKeys(ctx.opts.ospfKeys, area);
        out.push({ text: `key chain ${keychainName('v3', area)}` });
        for (const id of k.keys) {
          out.push(
            { text: ` key ${id}` },
            { text: `  key-string ${secretRef(ospfKeyPath('v3', area, id))}` },
            { text: '  cryptographic-algorithm hmac-sha-256' },
          );
          if (id !== k.send) out.push({ text: `  ${FRR_NEVER_SEND}` });
          out.push({ text: ' exit' });
        }
        out.push({ text: 'exit' });
      }
      return out;
    },
    interface(ctx, iface) {
      if (!enabled(ctx)) return [];
      const adj = adjacencyInterface(ctx.topology, ctx.device, iface);
      if (!adj) return [];
      const k = areaKeys(ctx.opts.ospfKeys, adj.area);
      return [
        ' ip ospf authentication message-digest',
        ...md5Keys(k).map((id) => ` ip ospf message-digest-key ${id} md5 ${secretRef(ospfKeyPath('v2', adj.area, id))}`),
        ` ipv6 ospf6 authentication keychain ${keychainName('v3', adj.area)}`,
      ].map((text) => ({ text }));
    },
  },
  vrp: {
    preamble(ctx) {
      if (!enabled(ctx)) return [];
      const out: ConfigLine[] = [];
      for (const area of areasOf(ctx.topology, ctx.device)) {
        const k = areaKeys(ctx.opts.ospfKeys, area);
        for (const version of ['v2', 'v3'] as const) {
          out.push({ text: `keychain ${keychainName(version, area)} mode absolute` });
          for (const id of k.keys) {
            out.push(
              { text: ` key-id ${id}` },
              { text: `  algorithm ${version === 'v2' ? 'md5' : 'hmac-sha-256'}` },
              { text: `  key-string cipher ${secretRef(ospfKeyPath(version, area, id))}` },
              { text: '  receive-time 00:00 2020-01-01 duration infinite' },
            );
            if (id === k.send) out.push({ text: '  default send-key-id' });
          }
          out.push({ text: '#' });
        }
      }
      return out.slice(0, -1);
    },
    interface(ctx, iface) {
      if (!enabled(ctx)) return [];
      const adj = adjacencyInterface(ctx.topology, ctx.device, iface);
      if (!adj) return [];
      return [` ospf authentication-mode keychain ${keychainName('v2', adj.area)}`, ` ospfv3 authentication-mode keychain ${keychainName('v3', adj.area)}`].map(
        (text) => ({ text }),
      );
    },
  },
};
