/**
 * `stacks faults`: open and recent faults from the fault store; `ack` and `close` for the NOC
 * (closing by hand is how a security incident is marked remediated).
 */
import type { Command } from 'commander';
import type { CommandModule } from '../context.js';
import { emit, type GlobalOptions } from '../context.js';
import { inputError } from '../../lib/errors.js';
import { openExistingStore, withStoreOption } from './monitoring-options.js';
import { FIX_WINDOW_MS, type Fault } from '../../monitors/types.js';
import type { FaultStore } from '../../monitors/store/store.js';
import { audit } from '../../audit/index.js';

const iso = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().replace('.000Z', 'Z'));
const dur = (ms: number | null) => {
  if (ms === null) return '—';
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${(s / 3600).toFixed(1)}h`;
};

function renderFaults(faults: Fault[], now: number): string {
  if (!faults.length) return 'no faults\n';
  const rows = faults.map((f) => [
    String(f.id),
    f.closedAt === null ? 'OPEN' : 'closed',
    f.kind,
    f.object,
    iso(f.openedAt),
    f.closedAt === null ? `${dur(now - f.openedAt)} so far` : dur(f.durationMs),
    f.closedAt === null ? (now - f.openedAt > FIX_WINDOW_MS ? 'late' : 'pending') : (f.durationMs ?? 0) <= FIX_WINDOW_MS ? 'yes' : 'no',
    f.acknowledgedBy ?? '',
  ]);
  const header = ['id', 'state', 'kind', 'object', 'opened', 'duration', 'in 3h', 'ack'];
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

async function withStore<T>(g: GlobalOptions, postgres: string | undefined, fn: (s: FaultStore) => Promise<T>): Promise<T | undefined> {
  const store = await openExistingStore(g.stateDir, postgres);
  if (!store) return undefined;
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function faultId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id <= 0) throw inputError('E_USAGE', '(command line)', 'id', `"${text}" is not a fault id`);
  return id;
}

export const faultsCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    const faults = withStoreOption(
      program
        .command('faults')
        .description('open faults and those closed recently (default: the last 7 days), from the fault store')
        .option('--days <n>', 'closed faults of the last N days', '7')
        .option('--open', 'only open faults', false),
    ).action(async (opts: { postgres?: string; days: string; open: boolean }) => {
      const g = globals();
      const days = Number(opts.days);
      if (!Number.isFinite(days) || days < 0) throw inputError('E_USAGE', '(command line)', '--days', `"${opts.days}" is not a number of days`);
      const now = Date.now();
      const list = (await withStore(g, opts.postgres, (s) => (opts.open ? s.openFaults() : s.listFaults({ since: now - days * 86_400_000 })))) ?? [];
      emit(g, list, () => renderFaults(list, now));
    });
    const acting = (verb: 'ack' | 'close', description: string) =>
      withStoreOption(faults.command(`${verb} <id>`).description(description).option('--by <name>', 'who acknowledges', process.env.USER ?? 'noc')).action(
        async (idText: string, opts: { postgres?: string; by: string }) => {
          const g = globals();
          const id = faultId(idText);
          const f = await withStore(g, opts.postgres, (s) => (verb === 'ack' ? s.acknowledge(id, Date.now(), opts.by) : s.closeById(id, Date.now())));
          if (!f) throw inputError('E_NO_FAULT', '(fault store)', `faults[${id}]`, `no fault ${id}`, 'see `stacks faults` for ids');
          await audit.record(g.stateDir, { action: verb === 'ack' ? 'fault.ack' : 'fault.resolve', objects: [`fault:${id}`, f.object], input: { id, by: opts.by }, result: 'ok', detail: { by: opts.by, kind: f.kind } });
          emit(g, f, () => renderFaults([f], Date.now()));
        },
      );
    acting('ack', 'acknowledge a fault (the first acknowledgement is kept)');
    acting('close', 'close a fault by hand (e.g. a security incident once remediated)');
  },
};
