/**
 * `stacks audit log [filters]`, `stacks audit verify`, `stacks audit trust PUB.pem`: read the audit
 * trail, check it (exit 1 naming the first bad record), and trust an operator's signing key.
 */
import type { Command } from 'commander';
import type { CommandModule } from '../main.js';
import { emit, type GlobalOptions } from '../context.js';
import { EXIT, inputError } from '../../lib/errors.js';
import { audit, type AuditRecord } from '../../audit/index.js';
import { readPublicKeyFile, trust } from '../../audit/keys.js';
import { positiveInt } from './deploy.js';

function isoOption(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw inputError('E_USAGE', '(command line)', flag, `"${v}" is not a date or time (ISO 8601, e.g. 2026-12-01 or 2026-12-01T10:00Z)`);
  return new Date(t).toISOString();
}

function renderLog(records: AuditRecord[]): string {
  if (!records.length) return 'no audit records match';
  return records
    .map((r) => {
      const who = r.operator ? `${r.operator} (${r.user})` : r.user;
      const objects = r.objects.length > 3 ? `${r.objects.slice(0, 3).join(', ')} +${r.objects.length - 3}` : r.objects.join(', ');
      const detail = Object.entries(r.detail)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
      return `${String(r.seq).padStart(6)}  ${r.at}  ${who.padEnd(16)} ${r.action.padEnd(20)} ${r.result.padEnd(11)} ${objects}${detail ? `  ${detail}` : ''}`;
    })
    .join('\n');
}

export const auditCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    const a = program.command('audit').description('the tamper-evident audit trail of every change (SM3 hash chain, SM2 signatures): log, verify, trust');
    a.command('log')
      .description('audit records, oldest first (the last --limit that match)')
      .option('--action <verb>', 'e.g. deploy.commit, or a prefix: deploy.*')
      .option('--object <id>', 'records touching this object (kind:id, or a prefix ending in *)')
      .option('--user <name>', 'OS user')
      .option('--operator <name>', 'operator named with --operator')
      .option('--result <r>', 'ok, failed, rolled-back, …')
      .option('--since <time>', 'ISO date or time')
      .option('--until <time>', 'ISO date or time')
      .option('--limit <n>', 'at most this many records', '100')
      .action(
        async (o: { action?: string; object?: string; user?: string; operator?: string; result?: string; since?: string; until?: string; limit: string }) => {
          const g = globals();
          try {
            const records = await audit.log(g.stateDir, {
              action: o.action,
              object: o.object,
              user: o.user,
              operator: o.operator,
              result: o.result,
              since: isoOption('--since', o.since),
              until: isoOption('--until', o.until),
              limit: positiveInt('--limit', o.limit, 100),
            });
            emit(g, records, () => renderLog(records));
          } finally {
            await audit.close();
          }
        },
      );
    a.command('verify')
      .description('check the whole chain: every hash and link, the head signature (all signatures with --all-signatures); exit 1 naming the first bad record')
      .option('--all-signatures', 'verify every record’s SM2 signature, not only the head’s (slow: a few ms per record)', false)
      .action(async (o: { allSignatures: boolean }) => {
        const g = globals();
        try {
          const r = await audit.verify(g.stateDir, { allSignatures: o.allSignatures });
          emit(g, r, () =>
            r.ok
              ? `audit trail OK: ${r.records} records, head ${r.head ? `#${r.head.seq} ${r.head.hash.slice(0, 16)}…` : '(empty)'}, ${r.signaturesChecked} signature${r.signaturesChecked === 1 ? '' : 's'} checked`
              : `audit trail BROKEN at record ${r.problem!.seq}: ${r.problem!.reason} (${r.records} records read)`,
          );
          if (!r.ok) process.exitCode = EXIT.policy;
        } finally {
          await audit.close();
        }
      });
    a.command('trust <pubkey>')
      .description("trust an operator's SM2 public key (SPKI PEM) for signing audit records; recorded in the trail")
      .action(async (file: string) => {
        const g = globals();
        try {
          const id = trust(g.stateDir, readPublicKeyFile(file));
          await audit.record(g.stateDir, { action: 'audit.trust', objects: [`audit-key:${id}`], input: id, result: 'ok' });
          emit(g, { trusted: id }, () => `audit key ${id} trusted`);
        } finally {
          await audit.close();
        }
      });
  },
};
