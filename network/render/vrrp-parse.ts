/**
 * VRRP statements of both dialects into `ParsedConfig.vrrp` (network/verify/config/model.ts):
 * FRR 8.4 vrrpd's interface lines (`vrrp N [version V]`, `priority`, `advertisement-interval`,
 * `ip`, `ipv6`, `preempt`, `shutdown`: one id serves both families) and VRP's `vrrp vrid N …` /
 * `vrrp6 vrid N …` interface lines plus the global `vrrp version v2|v3`. A line these functions
 * take is consumed; one they half-understand is a finding.
 */
import type { Family } from '../types.js';
import type { ParsedConfig, VrrpConfig } from '../verify/config/model.js';
import { hexOrUndefined } from '../verify/config/address.js';
import { positiveInt, type FindingSink, type NumberedLine } from '../verify/config/parse-support.js';

const DEFAULTS = { priority: 100, advertisementMs: 1000 };

function group(config: ParsedConfig, iface: string, vrid: number, family: Family, line: number, version: 2 | 3): VrrpConfig {
  config.vrrp ??= [];
  let g = config.vrrp.find((x) => x.interface === iface && x.vrid === vrid && x.family === family);
  if (!g) {
    g = {
      interface: iface,
      vrid,
      family,
      version,
      priority: DEFAULTS.priority,
      preempt: true,
      shutdown: false,
      advertisementMs: DEFAULTS.advertisementMs,
      virtual: [],
      track: [],
      line,
    };
    config.vrrp.push(g);
  }
  return g;
}

/** An FRR interface line starting with `vrrp` (or `no vrrp N preempt`); false when it is none of vrrpd's. */
export function frrVrrpLine(l: NumberedLine, iface: string, config: ParsedConfig, sink: FindingSink): boolean {
  const negated = l.words[0] === 'no';
  const w = negated ? l.words.slice(1) : l.words;
  if (w[0] !== 'vrrp') return false;
  const vrid = positiveInt(w[1], 255);
  if (vrid === undefined) {
    sink.bad(l, 'VRRP id is not 1–255');
    return true;
  }
  const both = (['ipv4', 'ipv6'] as const).map((f) => group(config, iface, vrid, f, l.line, 3));
  const [key, value] = [w[2], w[3]];
  if (key === undefined) return true;
  if (negated && key !== 'preempt' && key !== 'shutdown') {
    sink.unknown(l, `in interface ${iface}`);
    return true;
  }
  switch (key) {
    case 'version':
      if (value === '2' || value === '3') for (const g of both) g.version = Number(value) as 2 | 3;
      else sink.bad(l, 'VRRP version is 2 or 3');
      return true;
    case 'priority': {
      const p = positiveInt(value, 254);
      if (p === undefined) sink.bad(l, 'VRRP priority is 1–254');
      else for (const g of both) g.priority = p;
      return true;
    }
    case 'advertisement-interval': {
      const ms = positiveInt(value, 40950);
      if (ms === undefined || ms < 10 || ms % 10 !== 0) sink.bad(l, 'advertisement-interval is 10–40950 ms in steps of 10');
      else for (const g of both) g.advertisementMs = ms;
      return true;
    }
    case 'preempt':
    case 'shutdown':
      for (const g of both) g[key] = key === 'preempt' ? !negated : !negated;
      return true;
    case 'ip':
    case 'ipv6': {
      const family = key === 'ip' ? 'ipv4' : 'ipv6';
      if (value === undefined || hexOrUndefined(value, family) === undefined)
        sink.bad(l, `"${value ?? ''}" is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
      else if (family === 'ipv6' && /^fe80:/i.test(value)) both[1]!.linkLocal = value;
      else both[family === 'ipv4' ? 0 : 1]!.virtual.push(value.toLowerCase());
      return true;
    }
    default:
      sink.unknown(l, `in interface ${iface}`);
      return true;
  }
}

/** A VRP interface line `vrrp vrid N …` or `vrrp6 vrid N …`; false when it is neither. */
export function vrpVrrpLine(l: NumberedLine, iface: string, config: ParsedConfig, sink: FindingSink): boolean {
  const w = l.words;
  if ((w[0] !== 'vrrp' && w[0] !== 'vrrp6') || w[1] !== 'vrid') return false;
  const family: Family = w[0] === 'vrrp' ? 'ipv4' : 'ipv6';
  const vrid = positiveInt(w[2], 255);
  if (vrid === undefined) {
    sink.bad(l, 'VRRP id is not 1–255');
    return true;
  }
  // IPv4 groups take the global `vrrp version` once the whole file is read (finishVrpVrrp).
  const g = group(config, iface, vrid, family, l.line, family === 'ipv6' ? 3 : 2);
  const rest = w.slice(3);
  if (rest[0] === 'virtual-ip' && rest[1] !== undefined) {
    const a = rest[1];
    if (hexOrUndefined(a, family) === undefined) sink.bad(l, `"${a}" is not an address of the group's family`);
    else if (family === 'ipv6' && rest[2] === 'link-local') g.linkLocal = a.toLowerCase();
    else if (rest.length === 2) g.virtual.push(a.toLowerCase());
    else sink.unknown(l, `in interface ${iface}`);
  } else if (rest[0] === 'priority' && rest.length === 2) {
    const p = positiveInt(rest[1], 254);
    if (p === undefined) sink.bad(l, 'VRRP priority is 1–254');
    else g.priority = p;
  } else if (rest[0] === 'timer' && rest[1] === 'advertise' && rest.length === 3) {
    const s = positiveInt(rest[2], 255);
    if (s === undefined) sink.bad(l, 'advertisement timer is 1–255 s');
    else g.advertisementMs = s * 1000;
  } else if (rest[0] === 'track' && rest[1] === 'interface' && rest[2] !== undefined && (rest.length === 3 || (rest[3] === 'reduced' && rest.length === 5))) {
    const reduce = rest.length === 5 ? positiveInt(rest[4], 255) : 10;
    if (reduce === undefined) sink.bad(l, 'reduced is 1–255');
    else g.track.push({ interface: rest[2], reduce, line: l.line });
  } else if (rest[0] === 'preempt-mode' && rest[1] === 'disable' && rest.length === 2) g.preempt = false;
  else sink.unknown(l, `in interface ${iface}`);
  return true;
}

/** VRP's system-view `vrrp version v2|v3` (IPv4 groups; VRRP6 is always version 3); false when not that line. */
export function vrpVrrpGlobalLine(l: NumberedLine, config: ParsedConfig, sink: FindingSink): boolean {
  const w = l.words;
  if (w[0] !== 'vrrp' || w[1] !== 'version') return false;
  if (w.length !== 3 || (w[2] !== 'v2' && w[2] !== 'v3')) sink.bad(l, 'vrrp version is v2 or v3');
  else VRP_VERSION.set(config, w[2] === 'v3' ? 3 : 2);
  return true;
}

const VRP_VERSION = new WeakMap<ParsedConfig, 2 | 3>();

/** After the whole file: IPv4 groups run the global version (VRP's default is v2). */
export function finishVrpVrrp(config: ParsedConfig): void {
  const v = VRP_VERSION.get(config) ?? 2;
  for (const g of config.vrrp ?? []) if (g.family === 'ipv4') g.version = v;
}
