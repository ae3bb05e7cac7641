/**
 * RFC 3414 §3.2 step 7b timeliness for SNMPv3 notifications, pure. A trap's authoritative engine is
 * the device that sent it; the receiver keeps, per engine ID, its notion of that engine's
 * snmpEngineBoots and snmpEngineTime (the latest authentic values, advanced by the local clock)
 * and drops an authentic message that falls outside the time window: boots at its 2^31-1 latch,
 * boots lower than known, or the same boots with a time more than 150 s behind the local notion.
 * That is what stops a captured trap (authentic, correctly keyed) from being replayed later.
 * net-snmp's receiver makes no such check (its sessions do, for responses only), so the daemon does.
 *
 * Invariants: only authentic messages are handed in (net-snmp has checked the digest); the notion
 * only moves forward (a newer boots, or the same boots with a later time than any received), so a
 * replay cannot hold it back; the first message of an unknown engine is accepted and learned from.
 */

/** RFC 3414 §2.2.3. */
const TIME_WINDOW_SECONDS = 150;
const MAX_BOOTS = 2 ** 31 - 1;

interface EngineNotion {
  boots: number;
  /** snmpEngineTime learned at `learnedAt` (local ms). */
  time: number;
  learnedAt: number;
  latestReceivedTime: number;
}

export type Timeliness = { ok: true } | { ok: false; reason: string };

export class EngineTimeWindows {
  private readonly engines = new Map<string, EngineNotion>();

  /** Engines remembered at most (oldest forgotten first), so a flood of forged engine IDs stays bounded. */
  constructor(private readonly maxEngines = 100_000) {}

  /** Check an authentic message from `engineId` carrying (boots, time), at local time `nowMs`; learn from it if timely. */
  check(engineId: string, boots: number, time: number, nowMs: number): Timeliness {
    const known = this.engines.get(engineId);
    if (!known) {
      this.learn(engineId, { boots, time, learnedAt: nowMs, latestReceivedTime: time });
      return { ok: true };
    }
    const localTime = known.time + Math.floor((nowMs - known.learnedAt) / 1000);
    if (known.boots >= MAX_BOOTS) return { ok: false, reason: 'the engine has latched snmpEngineBoots at 2^31-1' };
    if (boots < known.boots) return { ok: false, reason: `snmpEngineBoots ${boots} is older than ${known.boots}` };
    if (boots === known.boots && time < localTime - TIME_WINDOW_SECONDS)
      return { ok: false, reason: `snmpEngineTime ${time} is more than ${TIME_WINDOW_SECONDS} s behind ${localTime}` };
    if (boots > known.boots || time > known.latestReceivedTime)
      this.learn(engineId, { boots, time, learnedAt: nowMs, latestReceivedTime: boots > known.boots ? time : Math.max(time, known.latestReceivedTime) });
    return { ok: true };
  }

  private learn(engineId: string, n: EngineNotion): void {
    this.engines.delete(engineId);
    this.engines.set(engineId, n);
    if (this.engines.size > this.maxEngines) this.engines.delete(this.engines.keys().next().value!);
  }
}
