/**
 * The VRP grammar of OSPF authentication and BFD (render features ospf-auth.ts and bfd.ts, or a
 * hand edit): `keychain NAME mode absolute` with `key-id N` stanzas (`algorithm`, `key-string
 * cipher|plain K`, `receive-time`, `send-time`, `default send-key-id`), the global `bfd`, and per
 * interface `ospf|ospfv3 authentication-mode keychain NAME`, the single-key forms (`ospf
 * authentication-mode md5|hmac-sha256 ID cipher K`, `ospfv3 authentication-mode hmac-sha256
 * key-id ID cipher K`), `ospf bfd enable` / `ospf bfd min-tx-interval … min-rx-interval …
 * detect-multiplier …` and the OSPFv3 forms (`min-transmit-interval`, `min-receive-interval`).
 *
 * A keychain key is sent when it is the `default send-key-id` (or its send time holds) and
 * accepted while its receive time holds; times are judged at parse time. Keys are kept as
 * references or fingerprints only.
 */
import type { OspfAuthKey } from '../verify/config/model.js';
import { positiveInt, type FindingSink, type InterfaceDraft, type NumberedLine } from '../verify/config/parse-support.js';
import { keyRef } from './frr-parse-security.js';

/** Where a hand edit leaves a BFD timer out (VRP's defaults differ by platform; rendered configs always set them). */
const VRP_BFD_DEFAULTS = { minTxMs: 1000, minRxMs: 1000, multiplier: 3 };

interface ChainKey {
  line: number;
  text?: string;
  algo?: string;
  defaultSend: boolean;
  sendable: boolean;
  acceptable: boolean;
}
interface Chain {
  line: number;
  keys: Map<number, ChainKey>;
}
type Version = 'v2' | 'v3';
interface IfaceSecurity {
  chain: Partial<Record<Version, { name: string; line: number }>>;
  bfd: Partial<Record<Version, { line: number; enabled: boolean; minTxMs?: number; minRxMs?: number; multiplier?: number }>>;
}

export interface VrpSecurity {
  chains: Map<string, Chain>;
  bfdGlobal: boolean;
  ifaces: Map<InterfaceDraft, IfaceSecurity>;
  now: number;
}

export type VrpSecurityContext = { kind: 'keychain'; chain: Chain; key?: ChainKey };

export function vrpSecurity(now = Date.now()): VrpSecurity {
  return { chains: new Map(), bfdGlobal: false, ifaces: new Map(), now };
}

/** A top-level line of this grammar: opens a keychain stanza, or sets `bfd`; undefined when not one. */
export function vrpSecurityTopLine(l: NumberedLine, sec: VrpSecurity): VrpSecurityContext | 'done' | undefined {
  const w = l.words;
  if (l.text === 'bfd') {
    sec.bfdGlobal = true;
    return 'done';
  }
  if (w[0] === 'keychain' && w.length >= 2 && (w.length === 2 || (w[2] === 'mode' && w[3] === 'absolute' && w.length === 4))) {
    const chain = sec.chains.get(w[1]!) ?? { line: l.line, keys: new Map() };
    sec.chains.set(w[1]!, chain);
    return { kind: 'keychain', chain };
  }
  return undefined;
}

/** `HH:MM YYYY-MM-DD` → ms (UTC). */
function readTime(hm: string | undefined, date: string | undefined): number | undefined {
  const t = /^(\d{1,2}):(\d{2})$/.exec(hm ?? '');
  const d = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(date ?? '');
  if (!t || !d) return undefined;
  return Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
}

/** `START-TIME START-DATE (to END-TIME END-DATE | duration (infinite | MINUTES))` at `now`. */
function timeHolds(w: string[], now: number): boolean | undefined {
  const start = readTime(w[0], w[1]);
  if (start === undefined) return undefined;
  let end: number | undefined;
  if (w[2] === 'to' && w.length === 5) end = readTime(w[3], w[4]);
  else if (w[2] === 'duration' && w.length === 4) end = w[3] === 'infinite' ? Number.POSITIVE_INFINITY : start + Number(w[3]) * 60_000;
  if (end === undefined || Number.isNaN(end)) return undefined;
  return start <= now && now <= end;
}

/** A line inside a keychain stanza (indented); false when it is not this grammar's. */
export function vrpSecurityLine(l: NumberedLine, ctx: VrpSecurityContext, sec: VrpSecurity, sink: FindingSink): void {
  const w = l.words;
  if (w[0] === 'key-id' && w.length === 2 && /^\d+$/.test(w[1]!)) {
    const id = Number(w[1]);
    const key = ctx.chain.keys.get(id) ?? { line: l.line, defaultSend: false, sendable: false, acceptable: false };
    ctx.chain.keys.set(id, key);
    ctx.key = key;
    return;
  }
  const key = ctx.key;
  if (!key) return sink.unknown(l, 'in keychain');
  if (w[0] === 'algorithm' && w.length === 2) key.algo = w[1];
  else if (w[0] === 'key-string' && (w[1] === 'cipher' || w[1] === 'plain') && w.length === 3) key.text = w[2];
  else if (w[0] === 'default' && w[1] === 'send-key-id' && w.length === 2) key.defaultSend = true;
  else if (w[0] === 'send-time' || w[0] === 'receive-time') {
    const holds = timeHolds(w.slice(1), sec.now);
    if (holds === undefined) sink.bad(l, `${w[0]} not understood`);
    else if (w[0] === 'send-time') key.sendable = holds;
    else key.acceptable = holds;
  } else sink.unknown(l, 'in keychain key-id');
}

function ifaceSecurity(sec: VrpSecurity, d: InterfaceDraft): IfaceSecurity {
  let s = sec.ifaces.get(d);
  if (!s) {
    s = { chain: {}, bfd: {} };
    sec.ifaces.set(d, s);
  }
  return s;
}

/** VRP's algorithm words → the model's (FRR's) names, so both dialects compare alike. */
const ALGO: Record<string, string> = { md5: 'md5', 'hmac-sha-256': 'hmac-sha-256', 'hmac-sha256': 'hmac-sha-256', 'hmac-md5': 'hmac-md5' };

/** `ospf …` / `ospfv3 …` interface lines about authentication and BFD (after the protocol word); false when not one. */
export function vrpSecurityInterfaceLine(l: NumberedLine, d: InterfaceDraft, version: Version, w: string[], sec: VrpSecurity, sink: FindingSink): boolean {
  const s = ifaceSecurity(sec, d);
  if (w[0] === 'authentication-mode') {
    if (w[1] === 'keychain' && w.length === 3) {
      s.chain[version] = { name: w[2]!, line: l.line };
      d.ospf[version].auth = `chain:${w[2]}`;
      return true;
    }
    // single keys: `ospf authentication-mode md5|hmac-sha256 ID cipher K`, `ospfv3 authentication-mode hmac-sha256 key-id ID cipher K`
    const rest = version === 'v3' && w[2] === 'key-id' ? [w[1], ...w.slice(3)] : w.slice(1);
    const [algo, idText, form, text] = rest;
    const id = positiveInt(idText, 255);
    if (algo && ALGO[algo] && id !== undefined && (form === 'cipher' || form === 'plain') && text && rest.length === 4) {
      const key: OspfAuthKey = { id, ref: keyRef(text) };
      d.ospf[version].authentication = { type: ALGO[algo]!, accept: [key], send: key, line: l.line };
      d.ospf[version].auth = `${ALGO[algo]}:${id}=${key.ref}`;
      return true;
    }
    return false;
  }
  if (w[0] !== 'bfd') return false;
  const b = (s.bfd[version] ??= { line: l.line, enabled: false });
  if (w[1] === 'enable' && w.length === 2) {
    b.enabled = true;
    b.line = l.line;
    return true;
  }
  const names = version === 'v2' ? { tx: 'min-tx-interval', rx: 'min-rx-interval' } : { tx: 'min-transmit-interval', rx: 'min-receive-interval' };
  for (let i = 1; i < w.length; i += 2) {
    const n = positiveInt(w[i + 1], 60000);
    if (n === undefined) {
      sink.bad(l, `${w[i]} needs a number`);
      return true;
    }
    if (w[i] === names.tx) b.minTxMs = n;
    else if (w[i] === names.rx) b.minRxMs = n;
    else if (w[i] === 'detect-multiplier') b.multiplier = n;
    else return false;
  }
  return true;
}

export function resolveVrpSecurity(sec: VrpSecurity, sink: FindingSink): void {
  for (const [d, s] of sec.ifaces) {
    for (const v of ['v2', 'v3'] as const) {
      const c = s.chain[v];
      if (c) {
        const chain = sec.chains.get(c.name);
        if (!chain) sink.add('ref.undefined-key-chain', c.line, `keychain ${c.name} is not defined`);
        const keys = [...(chain?.keys ?? new Map<number, ChainKey>())]
          .filter(([, k]) => k.text !== undefined && k.algo !== undefined)
          .sort(([a], [b]) => a - b);
        const toKey = ([id, k]: [number, ChainKey]): OspfAuthKey => ({ id, ref: keyRef(k.text!) });
        const send = keys.find(([, k]) => k.defaultSend) ?? keys.find(([, k]) => k.sendable);
        const algo = keys[0]?.[1].algo;
        d.ospf[v].authentication = {
          type: (algo && ALGO[algo]) ?? algo ?? 'none',
          accept: keys.filter(([, k]) => k.acceptable).map(toKey),
          ...(send ? { send: toKey(send) } : {}),
          line: c.line,
        };
      }
      const b = s.bfd[v];
      if (b?.enabled) {
        if (!sec.bfdGlobal) sink.add('vrp.bfd-disabled', b.line, 'BFD is enabled on the interface but the global `bfd` is missing: no session runs');
        else
          d.ospf[v].bfd = {
            minTxMs: b.minTxMs ?? VRP_BFD_DEFAULTS.minTxMs,
            minRxMs: b.minRxMs ?? VRP_BFD_DEFAULTS.minRxMs,
            multiplier: b.multiplier ?? VRP_BFD_DEFAULTS.multiplier,
            line: b.line,
          };
      }
    }
  }
}
