/**
 * The atomic transaction's config-level gate: the config verifier (network/verify/config) over the
 * scope's configs as they would run after the transaction, against the same over what runs now.
 * The transaction stops before any commit when it adds a finding the running network does not have
 * — a half-configured adjacency, an area, network-type or authentication mismatch, a township no
 * longer forwarding to the core. Comparing with what runs, not with zero findings, keeps a lab
 * scope's own limits (an exit or a centre outside it) from failing every change. A device with no
 * confirmed config yet counts with its candidate on both sides, so a first deploy is judged by the
 * syntax gate and the live checks. Both sides hold secret references, never values.
 */
import { verifyConfigs, type RenderedConfigFile } from '../network/verify/config/index.js';
import type { ConfigFinding } from '../network/verify/config/findings.js';
import type { PushContext } from './push.js';

const keyOf = (f: ConfigFinding) => `${f.id}\u0000${f.family ?? ''}\u0000${f.object}`;

export function configGate(ctx: Pick<PushContext, 'scoped' | 'store' | 'recorded'>): { added: ConfigFinding[]; failure?: string } {
  const s = ctx.scoped;
  const inScope = { ...s.topology, sites: s.sites, devices: s.devices, links: s.links };
  const files = (config: (id: string) => string): RenderedConfigFile[] =>
    s.devices.map((d) => ({ device: d.id, dialect: 'frr' as const, path: `frr/${d.id}.conf`, text: config(d.id) }));
  const running = (id: string) => {
    const st = ctx.store.state.devices[id];
    return st?.phase === 'confirmed' && st.config ? st.config : ctx.recorded(id);
  };
  const before = new Set(verifyConfigs(inScope, files(running), { failures: false }).findings.map(keyOf));
  const added = verifyConfigs(inScope, files(ctx.recorded), { failures: false }).findings.filter((f) => !before.has(keyOf(f)));
  if (!added.length) return { added };
  const shown = added.slice(0, 3).map((f) => `${f.id}${f.family ? ` [${f.family}]` : ''} ${f.object}: ${f.message}`);
  return { added, failure: `config verify: the change adds ${added.length} finding(s): ${shown.join('; ')}${added.length > 3 ? '; …' : ''}` };
}
