/**
 * The FRR 8.4 grammar of OSPF authentication and BFD (render features ospf-auth.ts and bfd.ts, or a
 * hand edit of them), read into the config model: `key chain` stanzas (keys, algorithms, send and
 * accept lifetimes), the `bfd` stanza's profiles, and per interface `ip ospf authentication
 * message-digest` + `ip ospf message-digest-key`, `ipv6 ospf6 authentication keychain|key-id`,
 * `ip ospf bfd [profile P]`, `ipv6 ospf6 bfd [profile P]`.
 *
 * What ospfd/ospf6d 8.4 then do decides what is kept: ospfd sends with the message-digest key
 * configured last and accepts that key id only (ospf_check_auth in ospfd/ospf_packet.c compares the
 * packet's key id with the list's tail before looking any key up: two routers with keys 1 and 2
 * configured, one sending 1 and the other 2, drop each other's packets); ospf6d sends with the first key of the chain
 * (by id) whose send lifetime holds now and accepts a key id whose accept lifetime holds now. Keys
 * are kept as references or fingerprints, never as values. Lifetimes are judged against the time
 * of parsing: a key chain means different things on different days.
 */
import type { OspfAuthKey, OspfBfd } from '../verify/config/model.js';
import { keyFingerprint, positiveInt, type FindingSink, type InterfaceDraft, type NumberedLine } from '../verify/config/parse-support.js';

/** bfdd's defaults (FRR 8.4: 300 ms both ways, multiplier 3). */
const BFDD_DEFAULTS = { minTxMs: 300, minRxMs: 300, multiplier: 3 };
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

interface ChainKey {
  line: number;
  text?: string;
  algo?: string;
  sendable: boolean;
  acceptable: boolean;
}
interface Chain {
  line: number;
  keys: Map<number, ChainKey>;
}
interface Profile {
  line: number;
  minTxMs: number;
  minRxMs: number;
  multiplier: number;
}
type Version = 'v2' | 'v3';
interface IfaceSecurity {
  md5Keys: Array<OspfAuthKey & { line: number }>;
  md5Line?: number;
  v3Chain?: { name: string; line: number };
  v3Manual?: { key: OspfAuthKey; algo: string; line: number };
  bfd: Partial<Record<Version, { line: number; profile?: string; timers?: Omit<Profile, 'line'> }>>;
}

export interface FrrSecurity {
  chains: Map<string, Chain>;
  profiles: Map<string, Profile>;
  ifaces: Map<InterfaceDraft, IfaceSecurity>;
  now: number;
}

export type SecurityContext = { kind: 'chain'; chain: Chain; key?: ChainKey } | { kind: 'bfd'; profile?: Profile };

export function frrSecurity(now = Date.now()): FrrSecurity {
  return { chains: new Map(), profiles: new Map(), ifaces: new Map(), now };
}

/** `{{secret:PATH}}` → `ref:PATH`; a literal key → its fingerprint. */
export function keyRef(text: string): string {
  const m = /^\{\{secret:([^}]+)\}\}$/.exec(text);
  return m ? `ref:${m[1]}` : `fp:${keyFingerprint(text)}`;
}

/** A top-level line that opens a security stanza (`key chain NAME`, `bfd`), else undefined. */
export function securityTopLine(l: NumberedLine, sec: FrrSecurity, sink: FindingSink): SecurityContext | undefined {
  const w = l.words;
  if (w[0] === 'key' && w[1] === 'chain' && w.length === 3) {
    const chain = sec.chains.get(w[2]!) ?? { line: l.line, keys: new Map() };
    sec.chains.set(w[2]!, chain);
    return { kind: 'chain', chain };
  }
  if (l.text === 'bfd') return { kind: 'bfd' };
  void sink;
  return undefined;
}

/**
 * A line inside a security stanza: `consumed`, `closed` (the stanza's own `exit`), or `outside`
 * (an unindented line: the stanza ended without `exit`, the caller reads the line at the top level).
 */
export function securityLine(l: NumberedLine, ctx: SecurityContext, sec: FrrSecurity, sink: FindingSink): 'consumed' | 'closed' | 'outside' {
  const w = l.words;
  if (l.indent === 0) return l.text === 'exit' ? 'closed' : 'outside';
  if (l.text === 'exit') {
    // ` exit` leaves the key or the profile, back to the stanza
    if (ctx.kind === 'chain') delete ctx.key;
    else delete ctx.profile;
    return 'consumed';
  }
  if (ctx.kind === 'chain') {
    if (w[0] === 'key' && w.length === 2 && /^\d+$/.test(w[1]!)) {
      const id = Number(w[1]);
      const key: ChainKey = ctx.chain.keys.get(id) ?? { line: l.line, sendable: true, acceptable: true };
      ctx.chain.keys.set(id, key);
      ctx.key = key;
      return 'consumed';
    }
    const key = ctx.key;
    if (!key) sink.unknown(l, 'in key chain');
    else if (w[0] === 'key-string' && w.length === 2) key.text = w[1];
    else if (w[0] === 'cryptographic-algorithm' && w.length === 2) key.algo = w[1];
    else if ((w[0] === 'send-lifetime' || w[0] === 'accept-lifetime') && w.length > 1) {
      const holds = lifetimeHolds(w.slice(1), sec.now);
      if (holds === undefined) sink.bad(l, 'lifetime not understood');
      else if (w[0] === 'send-lifetime') key.sendable = holds;
      else key.acceptable = holds;
    } else if (l.text === 'no send-lifetime') key.sendable = true;
    else if (l.text === 'no accept-lifetime') key.acceptable = true;
    else sink.unknown(l, 'in key chain key');
    return 'consumed';
  }
  if (w[0] === 'profile' && w.length === 2) {
    const profile = sec.profiles.get(w[1]!) ?? { line: l.line, ...BFDD_DEFAULTS };
    sec.profiles.set(w[1]!, profile);
    ctx.profile = profile;
    return 'consumed';
  }
  const p = ctx.profile;
  const n = positiveInt(w[1], 60000);
  if (!p || w.length !== 2) sink.unknown(l, p ? 'in bfd profile' : 'in bfd');
  else if (n === undefined) sink.bad(l, `${w[0]} is not a number`);
  else if (w[0] === 'detect-multiplier') p.multiplier = n;
  else if (w[0] === 'receive-interval') p.minRxMs = n;
  else if (w[0] === 'transmit-interval') p.minTxMs = n;
  else sink.unknown(l, 'in bfd profile');
  return 'consumed';
}

/** `HH:MM:SS DAY MONTH YEAR` or `HH:MM:SS MONTH DAY YEAR`, as a time (UTC), with the words used. */
function readTime(w: string[]): { t: number; used: number } | undefined {
  const [hms, a, b, year] = w;
  if (!hms || !/^\d{1,2}:\d{2}:\d{2}$/.test(hms) || !a || !b || !year || !/^\d{4}$/.test(year)) return undefined;
  const [day, month] = /^\d+$/.test(a) ? [a, b] : [b, a];
  const m = MONTHS.indexOf(month.slice(0, 3).toLowerCase());
  if (m < 0 || !/^\d+$/.test(day)) return undefined;
  const [h, mi, s] = hms.split(':').map(Number) as [number, number, number];
  return { t: Date.UTC(Number(year), m, Number(day), h, mi, s), used: 4 };
}

/** Does `START (END | infinite | duration SECONDS)` hold at `now`? undefined when not understood. */
function lifetimeHolds(w: string[], now: number): boolean | undefined {
  const start = readTime(w);
  if (!start) return undefined;
  const rest = w.slice(start.used);
  let end: number;
  if (rest.length === 1 && rest[0] === 'infinite') end = Number.POSITIVE_INFINITY;
  else if (rest[0] === 'duration' && rest.length === 2 && /^\d+$/.test(rest[1]!)) end = start.t + Number(rest[1]) * 1000;
  else {
    const e = readTime(rest);
    if (!e || rest.length !== e.used) return undefined;
    end = e.t;
  }
  return start.t <= now && now <= end;
}

function ifaceSecurity(sec: FrrSecurity, d: InterfaceDraft): IfaceSecurity {
  let s = sec.ifaces.get(d);
  if (!s) {
    s = { md5Keys: [], bfd: {} };
    sec.ifaces.set(d, s);
  }
  return s;
}

/** `ip ospf …` / `ipv6 ospf6 …` lines about authentication and BFD; false when the line is not one. */
export function securityInterfaceLine(l: NumberedLine, d: InterfaceDraft, sec: FrrSecurity, sink: FindingSink): boolean {
  const w = l.words;
  const version: Version | undefined = w[0] === 'ip' && w[1] === 'ospf' ? 'v2' : w[0] === 'ipv6' && w[1] === 'ospf6' ? 'v3' : undefined;
  if (!version) return false;
  const [key, ...rest] = w.slice(2);
  const s = ifaceSecurity(sec, d);
  if (key === 'bfd') {
    const b = (s.bfd[version] ??= { line: l.line });
    if (rest.length === 0) return true;
    if (rest[0] === 'profile' && rest.length === 2) {
      b.profile = rest[1];
      return true;
    }
    // the pre-profile form ospfd 8.4 still takes: `ip ospf bfd MULTIPLIER RX TX`
    const [m, rx, tx] = rest.map((x) => positiveInt(x, 60000));
    if (version === 'v2' && rest.length === 3 && m && rx && tx) {
      b.timers = { multiplier: m, minRxMs: rx, minTxMs: tx };
      return true;
    }
    sink.unknown(l, `in interface ${d.iface.name}`);
    return true;
  }
  if (version === 'v2' && key === 'authentication' && rest.length === 1 && rest[0] === 'message-digest') {
    s.md5Line = l.line;
    d.ospf.v2.auth = 'md5';
    return true;
  }
  if (version === 'v2' && key === 'message-digest-key' && rest.length === 3 && rest[1] === 'md5') {
    const id = positiveInt(rest[0], 255);
    if (id === undefined) sink.bad(l, 'key id is not 1–255');
    else {
      s.md5Keys = s.md5Keys.filter((k) => k.id !== id);
      s.md5Keys.push({ id, ref: keyRef(rest[2]!), line: l.line });
    }
    return true;
  }
  if (version === 'v3' && key === 'authentication') {
    if (rest[0] === 'keychain' && rest.length === 2) s.v3Chain = { name: rest[1]!, line: l.line };
    else if (rest[0] === 'key-id' && rest[2] === 'hash-algo' && rest[4] === 'key' && rest.length === 6 && positiveInt(rest[1]) !== undefined)
      s.v3Manual = { key: { id: Number(rest[1]), ref: keyRef(rest[5]!) }, algo: rest[3]!, line: l.line };
    else sink.unknown(l, `in interface ${d.iface.name}`);
    return true;
  }
  return false;
}

/** After the whole file is read: each interface's authentication and BFD from its lines, chains and profiles. */
export function resolveFrrSecurity(sec: FrrSecurity, sink: FindingSink): void {
  for (const [d, s] of sec.ifaces) {
    const v2 = d.ospf.v2;
    if (s.md5Line !== undefined || s.md5Keys.length) {
      const keys = s.md5Keys.map(({ id, ref }) => ({ id, ref }));
      if (s.md5Line === undefined)
        sink.add('ospf.auth-keys-unused', s.md5Keys[0]!.line, `${d.iface.name} has message-digest keys but no \`ip ospf authentication message-digest\``);
      else
        v2.authentication = {
          type: 'md5',
          accept: keys.slice(-1),
          ...(keys.length ? { send: keys[keys.length - 1]! } : {}),
          line: s.md5Line,
        };
      if (s.md5Line !== undefined) v2.auth = `md5:${keys.map((k) => `${k.id}=${k.ref}`).join(',')}`;
    }
    if (s.v3Manual) {
      d.ospf.v3.authentication = { type: s.v3Manual.algo, accept: [s.v3Manual.key], send: s.v3Manual.key, line: s.v3Manual.line };
      d.ospf.v3.auth = `${s.v3Manual.algo}:${s.v3Manual.key.id}=${s.v3Manual.key.ref}`;
    } else if (s.v3Chain) {
      const chain = sec.chains.get(s.v3Chain.name);
      if (!chain) sink.add('ref.undefined-key-chain', s.v3Chain.line, `key chain ${s.v3Chain.name} is not defined`);
      const usable = [...(chain?.keys ?? new Map<number, ChainKey>())]
        .filter(([, k]) => k.text !== undefined && k.algo !== undefined)
        .sort(([a], [b]) => a - b);
      const algos = [...new Set(usable.map(([, k]) => k.algo!))];
      if (algos.length > 1) sink.add('parse.unsupported', chain!.line, `key chain ${s.v3Chain.name} mixes algorithms (${algos.join(', ')})`);
      const toKey = ([id, k]: [number, ChainKey]): OspfAuthKey => ({ id, ref: keyRef(k.text!) });
      const send = usable.find(([, k]) => k.sendable);
      d.ospf.v3.authentication = {
        type: algos[0] ?? 'none',
        accept: usable.filter(([, k]) => k.acceptable).map(toKey),
        ...(send ? { send: toKey(send) } : {}),
        line: s.v3Chain.line,
      };
      d.ospf.v3.auth = `chain:${s.v3Chain.name}`;
    }
    for (const v of ['v2', 'v3'] as const) {
      const b = s.bfd[v];
      if (!b) continue;
      let timers: Omit<OspfBfd, 'line' | 'profile'> = b.timers ?? BFDD_DEFAULTS;
      if (b.profile !== undefined) {
        const p = sec.profiles.get(b.profile);
        if (!p) sink.add('ref.undefined-bfd-profile', b.line, `bfd profile ${b.profile} is not defined (bfdd uses its defaults)`);
        else timers = { minTxMs: p.minTxMs, minRxMs: p.minRxMs, multiplier: p.multiplier };
      }
      d.ospf[v].bfd = { ...timers, ...(b.profile !== undefined ? { profile: b.profile } : {}), line: b.line };
    }
  }
}
