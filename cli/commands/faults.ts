/**
 * `stacks faults`: open tickets and recent faults from the fault store, and the NOC's verbs on one
 * fault — `show`, `ack`, `assign`, `note`, `resolve`, `close` — each recording the operator (the OS
 * user, or `--operator`). A store that does not answer is an error after its timeout, never a hang.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { CommandModule } from '../context.js';
import { emit, type GlobalOptions } from '../context.js';
import { inputError, runtimeError, StacksError } from '../../lib/errors.js';
import { openExistingStore, withStoreOption } from './monitoring-options.js';
import type { Fault } from '../../monitors/types.js';
import type { FaultStore } from '../../monitors/store/store.js';
import { audit } from '../../audit/index.js';
import { commitFaultAction } from '../../monitors/faults/actions.js';
import type { JournalLine, LifecycleAction } from '../../monitors/faults/lifecycle.js';
import { loadInventory, type Inventory } from '../../inventory/load.js';
import { monitoringPolicy } from '../../monitors/policy.js';
import { fixWindowMs, planIndicators } from '../../monitors/kpi-report.js';

const iso = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().replace('.000Z', 'Z'));
const dur = (ms: number | null) => {
  if (ms === null) return '—';
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${(s / 3600).toFixed(1)}h`;
};

/** Indicator 13's view of one fault: fixed in time, late, or still pending. */
function inTime(f: Fault, now: number, windowMs: number): string {
  if (f.resolvedAt === null) return now - f.openedAt > windowMs ? 'late' : 'pending';
  return f.resolvedAt - f.openedAt <= windowMs ? 'yes' : 'no';
}

/** Indicator 13's fix window, from the inventory's plan indicators (never a figure in code). */
async function fixWindowOf(inv: Inventory): Promise<number> {
  return fixWindowMs(await planIndicators(inv), inv.paths.plan_indicators!);
}

function renderFaults(faults: Fault[], now: number, windowMs: number): string {
  if (!faults.length) return 'no faults\n';
  const rows = faults.map((f) => [
    String(f.id),
    f.state + (f.flapping ? ' (flapping)' : ''),
    f.kind,
    f.object,
    iso(f.openedAt),
    f.clearedAt === null ? `${dur(now - f.openedAt)} so far` : dur(f.durationMs),
    inTime(f, now, windowMs),
    f.assignedTo ?? f.acknowledgedBy ?? '',
  ]);
  const header = ['id', 'state', 'kind', 'object', 'opened', 'outage', 'fixed in 3h', 'owner'];
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return (
    [header, ...rows]
      .map((r) =>
        r
          .map((c, i) => c.padEnd(w[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function renderShow(f: Fault, journal: JournalLine[], now: number, windowMs: number): string {
  const lines = [
    `fault ${f.id}: ${f.kind} on ${f.object} — ${f.state}${f.flapping ? ' (flapping)' : ''}`,
    `  opened      ${iso(f.openedAt)}${f.detail ? `  (${f.detail})` : ''}`,
    `  cleared     ${iso(f.clearedAt)}${f.durationMs !== null ? `  outage ${dur(f.durationMs)}` : ''}`,
    `  ack         ${f.acknowledgedBy ? `${f.acknowledgedBy} at ${iso(f.acknowledgedAt)}` : '—'}`,
    `  assigned    ${f.assignedTo ? `${f.assignedTo} (by ${f.assignedBy} at ${iso(f.assignedAt)})` : '—'}`,
    `  resolved    ${f.resolvedBy ? `${f.resolvedBy} at ${iso(f.resolvedAt)} [${f.cause ?? 'no cause'}] ${f.resolution ?? ''}` : '—'}`,
    `  closed      ${f.closedBy ? `${f.closedBy} at ${iso(f.closedAt)}` : '—'}`,
    `  fixed in ${windowMs / 3_600_000}h ${inTime(f, now, windowMs)}`,
    'journal:',
    ...journal.map((j) => `  ${iso(j.at)}  ${j.actor.padEnd(14)} ${j.action}${j.text ? `  ${j.text}` : ''}`),
  ];
  return lines.join('\n') + '\n';
}

async function withStore<T>(g: GlobalOptions, postgres: string | undefined, fn: (s: FaultStore) => Promise<T>): Promise<T | undefined> {
  let store: FaultStore | undefined;
  try {
    store = await openExistingStore(g.stateDir, postgres);
    if (!store) return undefined;
    return await fn(store);
  } catch (err) {
    if (err instanceof StacksError) throw err;
    const message = (err as Error).message;
    // pg's own words for "the server did not answer in time"; any other failure is still a runtime error
    const timedOut = /timeout|timed out|terminated/i.test(message);
    throw runtimeError(
      timedOut ? 'E_STORE_TIMEOUT' : 'E_STORE',
      `the fault store ${timedOut ? 'did not answer in time' : 'failed'}: ${message}`,
      timedOut ? 'check that the PostgreSQL server is running and reachable (--postgres / STACKS_PG_URL)' : undefined,
      err,
    );
  } finally {
    await store?.close().catch(() => undefined);
  }
}

function faultId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id <= 0) throw inputError('E_USAGE', '(command line)', 'id', `"${text}" is not a fault id`);
  return id;
}

const osUser = () => {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
};

interface ActingOptions {
  postgres?: string;
  operator?: string;
  to?: string;
  note?: string;
  cause?: string;
}

export const faultsCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    const faults = withStoreOption(
      program
        .command('faults')
        .description('open tickets and faults closed recently (default: the last 7 days), from the fault store; subcommands act on one fault')
        .option('--days <n>', 'closed faults of the last N days', '7')
        .option('--open', 'only faults not closed yet (cleared or not)', false),
    ).action(async (opts: { postgres?: string; days: string; open: boolean }) => {
      const g = globals();
      const days = Number(opts.days);
      if (!Number.isFinite(days) || days < 0) throw inputError('E_USAGE', '(command line)', '--days', `"${opts.days}" is not a number of days`);
      const now = Date.now();
      const windowMs = await fixWindowOf(await loadInventory(g.inventory));
      const list = (await withStore(g, opts.postgres, (s) => s.listFaults({ since: now - days * 86_400_000, openOnly: opts.open }))) ?? [];
      emit(g, list, () => renderFaults(list, now, windowMs));
    });

    withStoreOption(faults.command('show <id>').description('one fault with its whole journal (who did what, when)')).action(
      async (idText: string, opts: { postgres?: string }) => {
        const g = globals();
        const id = faultId(idText);
        const windowMs = await fixWindowOf(await loadInventory(g.inventory));
        const found = await withStore(g, opts.postgres, async (s) => {
          const f = await s.fault(id);
          return f ? { fault: f, journal: await s.journal(id) } : undefined;
        });
        if (!found) throw inputError('E_NO_FAULT', '(fault store)', `faults[${id}]`, `no fault ${id}`, 'see `stacks faults` for ids');
        emit(g, found, () => renderShow(found.fault, found.journal, Date.now(), windowMs));
      },
    );

    const acting = (
      usage: string,
      description: string,
      build: (id: number, at: number, by: string, args: string[], o: ActingOptions) => LifecycleAction,
      extra?: (c: Command) => Command,
    ) => {
      let cmd = faults.command(usage).description(description).option('--operator <name>', 'who acts (default: the OS user)');
      if (extra) cmd = extra(cmd);
      withStoreOption(cmd).action(async (idText: string, ...rest: unknown[]) => {
        const g = globals();
        const opts = rest.find((r) => typeof r === 'object' && r !== null && !Array.isArray(r) && !(r as { commands?: unknown }).commands) as ActingOptions;
        const args = rest.filter((r): r is string | string[] => typeof r === 'string' || Array.isArray(r)).flat();
        const action = build(faultId(idText), Date.now(), opts.operator ?? process.env.STACKS_OPERATOR ?? osUser(), args, opts);
        // one load serves both: the causes a resolution may name and the fix window
        const inv = await loadInventory(g.inventory);
        const causes = action.action === 'resolve' ? monitoringPolicy(inv.province.monitoring).causes : [];
        const windowMs = await fixWindowOf(inv);
        const result = await withStore(g, opts.postgres, (s) => commitFaultAction(s, action, causes));
        if (!result || (!result.ok && result.reason === 'no-fault'))
          throw inputError('E_NO_FAULT', '(fault store)', `faults[${action.id}]`, `no fault ${action.id}`, 'see `stacks faults` for ids');
        if (!result.ok)
          throw new StacksError({
            code: 'E_FAULT_STATE',
            kind: 'input',
            file: '(fault store)',
            path: `faults[${action.id}].${result.field}`,
            message: result.message,
          });
        await audit.record(g.stateDir, {
          action: `fault.${action.action}`,
          objects: [`fault:${action.id}`, result.fault.object],
          input: action,
          result: 'ok',
          detail: { by: action.by, kind: result.fault.kind },
        });
        emit(g, result.fault, () => renderFaults([result.fault], Date.now(), windowMs));
      });
    };
    acting('ack <id>', 'acknowledge a fault (the first acknowledgement is kept)', (id, at, by) => ({ action: 'ack', id, at, by }));
    acting('assign <id> <assignee>', 'assign a fault to a person or team (acknowledges it if nobody had)', (id, at, by, [to]) => ({
      action: 'assign',
      id,
      at,
      by,
      to: to ?? '',
    }));
    acting('note <id> <text...>', 'add a note to the fault journal', (id, at, by, words) => ({ action: 'note', id, at, by, text: words.join(' ') }));
    acting(
      'resolve <id>',
      "resolve a fault: what was done (--note) and why it happened (--cause, one of the inventory's cause categories)",
      (id, at, by, _args, o) => ({ action: 'resolve', id, at, by, note: o.note ?? '', cause: o.cause ?? '' }),
      (c) =>
        c.requiredOption('--cause <category>', 'cause category (province.yaml monitoring.faults.causes)').requiredOption('--note <text>', 'resolution note'),
    );
    acting('close <id>', 'close a resolved fault', (id, at, by) => ({ action: 'close', id, at, by }));
  },
};
