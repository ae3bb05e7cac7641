/**
 * `stacks secrets rotate [kind]`: new SNMP keys for every lab (`snmp`), a new SM4 seal key with
 * every sealed file re-sealed under it (`seal`), a new SM2 audit host key (`audit`); no kind: all
 * three. Each rotation is an audit record (the values never are: only their key ids).
 */
import type { Command } from 'commander';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CommandModule } from '../main.js';
import { emit, type GlobalOptions } from '../context.js';
import { inputError } from '../../lib/errors.js';
import { audit } from '../../audit/index.js';
import { rotateHostKey } from '../../audit/keys.js';
import { rotateSnmpSecrets } from '../../lab/secrets.js';
import { defaultKeyFile, readSecretDocument, sealKeyFor, SEAL_KEY_ENV, SEAL_KEY_FILE_ENV, writeSecretDocument } from '../../lib/sealed-file.js';
import { SEAL_KEY_BYTES } from '../../lib/gm/sm4.js';
import { writePrivateFileAtomically } from '../../lib/private-files.js';

const KINDS = ['snmp', 'seal', 'audit'] as const;
type Kind = (typeof KINDS)[number];

/** Every lab's sealed secrets file under the state dir. */
function labSecretFiles(stateDir: string): string[] {
  const labs = join(stateDir, 'lab');
  if (!existsSync(labs)) return [];
  return readdirSync(labs)
    .map((id) => join(labs, id, 'secrets.json'))
    .filter((f) => existsSync(f))
    .sort();
}

interface Rotation {
  kind: Kind;
  objects: string[];
  detail: Record<string, string | number>;
}

async function rotateSnmp(stateDir: string): Promise<Rotation> {
  const files = labSecretFiles(stateDir);
  for (const f of files) await rotateSnmpSecrets(f);
  return {
    kind: 'snmp',
    objects: files.map((f) => `secrets:${f}`),
    detail: { files: files.length, note: 'devices take the new keys when the lab is next brought up' },
  };
}

function rotateSeal(stateDir: string): Rotation {
  if (process.env[SEAL_KEY_ENV])
    throw inputError(
      'E_SEAL_KEY',
      SEAL_KEY_ENV,
      '(environment)',
      'the seal key comes from the environment, so it is rotated there',
      `use a key file (${SEAL_KEY_FILE_ENV}) to let stacks rotate it`,
    );
  const files = labSecretFiles(stateDir);
  const kids: string[] = [];
  for (const file of files) {
    const value = readSecretDocument(file).value; // opened with the current key (errors before anything changes)
    const keyFile = process.env[SEAL_KEY_FILE_ENV] || defaultKeyFile(file);
    const next = `${keyFile}.new`;
    // Order for a crash: new key beside the old one, file re-sealed, then the new key takes the old one's place.
    writePrivateFileAtomically(next, randomBytes(SEAL_KEY_BYTES).toString('hex') + '\n', { fsync: true });
    try {
      const key = sealKeyFor(file, { env: { [SEAL_KEY_FILE_ENV]: next } });
      writeSecretDocument(file, value, { key });
      renameSync(next, keyFile);
      kids.push(key.kid);
    } finally {
      rmSync(next, { force: true });
    }
  }
  return { kind: 'seal', objects: files.map((f) => `secrets:${f}`), detail: { files: files.length, keyIds: kids.join(',') } };
}

function rotateAudit(stateDir: string): Rotation {
  const r = rotateHostKey(stateDir);
  return { kind: 'audit', objects: [`audit-key:${r.current}`], detail: { previous: r.previous ?? 'none', current: r.current } };
}

export const secretsCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    const s = program.command('secrets').description('the secrets stacks keeps (SM4-sealed): rotate them');
    s.command('rotate [kind]')
      .description(
        `rotate ${KINDS.join(' | ')} (default: all): new SNMP keys for every lab, a new SM4 seal key (files re-sealed), a new SM2 audit host key (the old one stays trusted)`,
      )
      .action(async (kind: string | undefined) => {
        const g = globals();
        if (kind !== undefined && !KINDS.includes(kind as Kind))
          throw inputError('E_USAGE', '(command line)', 'kind', `unknown secret kind "${kind}"`, `kinds: ${KINDS.join(', ')}`);
        const kinds = kind ? [kind as Kind] : [...KINDS];
        const done: Rotation[] = [];
        try {
          for (const k of kinds) {
            const r = k === 'snmp' ? await rotateSnmp(g.stateDir) : k === 'seal' ? rotateSeal(g.stateDir) : rotateAudit(g.stateDir);
            done.push(r);
            await audit.record(g.stateDir, {
              action: 'secrets.rotate',
              objects: r.objects,
              input: r.detail,
              result: 'ok',
              detail: { kind: r.kind, ...r.detail },
            });
          }
        } finally {
          await audit.close();
        }
        emit(g, done, () =>
          done
            .map(
              (r) =>
                `${r.kind}: rotated (${Object.entries(r.detail)
                  .map(([k, v]) => `${k} ${v}`)
                  .join(', ')})`,
            )
            .join('\n'),
        );
      });
  },
};
