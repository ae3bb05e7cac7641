/**
 * Counter arithmetic, pure: Counter64 values arrive from net-snmp as big-endian Buffers and stay
 * exact as BigInt (a busy 10G link passes 2^53 octets in about three months). Deltas between two
 * polls survive a counter wrap and refuse to invent traffic across an agent reboot or reset.
 */
const TWO_64 = 1n << 64n;
const TWO_32 = 1n << 32n;

/** Big-endian unsigned integer of any width (Counter64 Buffers may be shorter than 8 bytes). */
export function bufferToBigInt(buf: Buffer): bigint {
  let v = 0n;
  for (const byte of buf) v = (v << 8n) | BigInt(byte);
  return v;
}

/** A counter value from a varbind value, or undefined when it is not a counter. */
export function counterValue(value: unknown): bigint | undefined {
  if (Buffer.isBuffer(value)) {
    // BER may carry a leading zero byte for values ≥ 2^63 (9 bytes): only significant bytes count.
    let start = 0;
    while (start < value.length - 1 && value[start] === 0) start++;
    return value.length - start <= 8 ? bufferToBigInt(value.subarray(start)) : undefined;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'bigint' && value >= 0n) return value;
  return undefined;
}

export type DeltaResult =
  | { kind: 'ok'; delta: bigint }
  | { kind: 'wrapped'; delta: bigint }
  /** The counter went back and a wrap would imply more traffic than the link can carry: a reset. */
  | { kind: 'reset' };

/**
 * Delta of a counter between two polls. When the new value is smaller, it is a wrap only if the
 * wrapped delta is plausible for the link's rate over the elapsed time (×1.5 slack); otherwise the
 * counter was reset (agent restart, counter clear) and the interval yields no sample.
 */
export function counterDelta(prev: bigint, next: bigint, opts: { bits: 32 | 64; elapsedMs: number; maxBitsPerSecond?: number }): DeltaResult {
  if (next >= prev) return { kind: 'ok', delta: next - prev };
  const modulus = opts.bits === 64 ? TWO_64 : TWO_32;
  const wrapped = modulus - prev + next;
  if (opts.maxBitsPerSecond === undefined || opts.elapsedMs <= 0) return { kind: 'reset' };
  const maxOctets = (opts.maxBitsPerSecond / 8) * (opts.elapsedMs / 1000) * 1.5;
  return Number(wrapped) <= maxOctets ? { kind: 'wrapped', delta: wrapped } : { kind: 'reset' };
}

/**
 * sysUpTime (TimeTicks, 1/100 s) going back means the agent restarted: every counter baseline of
 * that device is void. TimeTicks wraps after 497 days; a drop of more than a day from near the
 * 2^32 top is a wrap, anything else a reboot.
 */
export function rebooted(prevTicks: number, nextTicks: number): boolean {
  if (nextTicks >= prevTicks) return false;
  const nearTop = prevTicks > 2 ** 32 - 8_640_000;
  return !(nearTop && nextTicks < 8_640_000);
}

/** Utilisation of a link end as a ratio of its rate: the busier direction over the interval. */
export function utilisation(inDelta: bigint, outDelta: bigint, elapsedMs: number, bandwidthMbps: number): number {
  if (elapsedMs <= 0 || bandwidthMbps <= 0) return 0;
  const busier = inDelta > outDelta ? inDelta : outDelta;
  const bitsPerSecond = (Number(busier) * 8) / (elapsedMs / 1000);
  return bitsPerSecond / (bandwidthMbps * 1e6);
}
