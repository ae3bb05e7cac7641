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
import { inputError, runtimeError } from '../../lib/errors.js';
import { rotateOspf } from '../../lab/ospf-rotate.js';
import { targetInstance } from '../../targets/registry.js';
import { audit } from '../../audit/index.js';
import { rotateHostKey } from '../../audit/keys.js';
import { rotateSnmpSecrets } from '../../lab/secrets.js';
import { defaultKeyFile, readSecretDocument, sealKeyFor, SEAL_KEY_ENV, SEAL_KEY_FILE_ENV, writeSecretDocument } from '../../lib/sealed-file.js';
import { SEAL_KEY_BYTES } from '../../lib/gm/sm4.js';
import { writePrivateFileAtomically } from '../../lib/private-files.js';
import { ensureGeneratedSecrets, isSecretPath, SecretStore, secretStoreFile } from '../../lib/secret-refs.js';

const KINDS = ['snmp', 'seal', 'audit', 'ospf'] as const;
type Kind = (typeof KINDS)[number];
/** What a bare `stacks secrets rotate` rotates: not OSPF, whose roll is a three-step push to every router. */
const DEFAULT_KINDS: Kind[] = ['snmp', 'seal', 'audit'];

interface OspfRotateFlags {
  area?: string;
  lab?: string;
}

async function rotateOspfKeys(g: GlobalOptions, flags: OspfRotateFlags): Promise<Rotation> {
  if (flags.area !== undefined && !/^\d{1,3}(\.\d{1,3}){3}$/.test(flags.area))
    throw inputError('E_USAGE', '(command line)', '--area', `"${flags.area}" is not a dotted area id`, 'e.g. --area 0.0.0.0');
  const r = await rotateOspf({
    stateDir: g.stateDir,
    inventoryDir: g.inventory,
    lab: targetInstance(flags.lab),
    ...(flags.area !== undefined ? { area: flags.area } : {}),
  });
  const areas = Object.entries(r.areas);
  const detail: Record<string, string | number> = {
    areas: areas.map(([a, k]) => `${a}:${k.from}->${k.to}`).join(','),
    steps: r.steps.map((s) => s.phase).join(','),
    pushed: r.deployed ? 'lab' : 'none (no lab deployed: the next deploy pushes the new keys)',
    complete: r.complete ? 'yes' : 'no',
  };
  if (!r.complete) {
    await audit.record(g.stateDir, {
      action: 'secrets.rotate',
      objects: areas.map(([a]) => `ospf-area:${a}`),
      input: detail,
      result: 'failed',
      detail: { kind: 'ospf', ...detail },
    });
    throw runtimeError(
      'E_OSPF_ROLL',
      `the OSPF key roll stopped at step ${r.steps.at(-1)?.phase ?? '?'}: a device did not take it (see \`stacks deploy\`)`,
      'fix the device and run `stacks secrets rotate ospf` again: it continues from that step',
    );
  }
  return { kind: 'ospf', objects: areas.map(([a]) => `ospf-area:${a}`), detail };
}

/** Every lab's sealed secrets file under the state dir. */
function labSecretFiles(stateDir: string): string[] {
  const labs = join(stateDir, 'lab');
  if (!existsSync(labs)) return [];
  return readdirSync(labs)
    .map((id) => join(labs, id, 'secrets.json'))
    .filter((f) => existsSync(f))
    .sort();
}

/** Every sealed file: each lab's, and the network store that `{{secret:…}}` references resolve from. */
function sealedFiles(stateDir: string): string[] {
  const store = secretStoreFile(stateDir);
  return [...labSecretFiles(stateDir), ...(existsSync(store) ? [store] : [])];
}

/** A value from stdin (never argv: `ps` shows argv): the first line, without its newline. */
async function readValueFromStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('value (one line, not echoed to the log): ');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

interface Rotation {
  kind: Kind;
  objects: string[];
  detail: Record<string, string | number>;
}

async function rotateSnmp(stateDir: string): Promise<Rotation> {
  const files = labSecretFiles(stateDir);
  for (const f of files) await rotateSnmpSecrets(f);
  // The SNMPv3 keys the rendered configs refer to: regenerated in the network store.
  const store = SecretStore.forState(stateDir);
  const paths = store.paths().filter((p) => p.startsWith('snmp/'));
  for (const p of paths) store.delete(p);
  const regenerated = ensureGeneratedSecrets(store, paths);
  store.save();
  return {
    kind: 'snmp',
    objects: [...files.map((f) => `secrets:${f}`), ...regenerated.map((p) => `secret:${p}`)],
    detail: { files: files.length, references: regenerated.length, note: 'devices take the new keys at their next deploy' },
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
  const files = sealedFiles(stateDir);
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
    const s = program.command('secrets').description('the secrets stacks keeps (SM4-sealed): list, set, rotate them');
    s.command('list')
      .description('the paths in the network secret store that `{{secret:PATH}}` references resolve from (never the values)')
      .action(() => {
        const g = globals();
        const paths = SecretStore.forState(g.stateDir).paths();
        emit(g, { file: secretStoreFile(g.stateDir), paths }, () => (paths.length ? paths.join('\n') : 'the secret store is empty'));
      });
    s.command('set <path>')
      .description('put a value (read from stdin, never the command line) into the network secret store under PATH, e.g. aaa/hwtacacs/noc/shared-key')
      .action(async (path: string) => {
        const g = globals();
        if (!isSecretPath(path))
          throw inputError('E_USAGE', '(command line)', 'path', `"${path}" is not a secret path`, 'segments of letters, digits, . _ - joined by /');
        const store = SecretStore.forState(g.stateDir);
        const value = await readValueFromStdin();
        const existed = store.has(path);
        store.set(path, value);
        store.save();
        try {
          await audit.record(g.stateDir, {
            action: 'secrets.set',
            objects: [`secret:${path}`],
            input: { path },
            result: 'ok',
            detail: { replaced: existed ? 1 : 0 },
          });
        } finally {
          await audit.close();
        }
        emit(g, { path, replaced: existed }, () => `${path}: ${existed ? 'replaced' : 'set'} (sealed in ${store.file})`);
      });
    s.command('rotate [kind]')
      .description(
        `rotate ${KINDS.join(' | ')} (default: snmp, seal, audit): new SNMP keys for every lab, a new SM4 seal key (files re-sealed), a new SM2 audit host key (the old one stays trusted); ospf: a new OSPF key per area rolled onto the running lab in three steps (accept, send, remove the old) without dropping an adjacency`,
      )
      .option('--area <area>', 'ospf: only this area (dotted id)')
      .option('--lab <id>', 'ospf: the lab to roll the keys on (default: $STACKS_LAB, else "lab")')
      .action(async (kind: string | undefined, flags: OspfRotateFlags) => {
        const g = globals();
        if (kind !== undefined && !KINDS.includes(kind as Kind))
          throw inputError('E_USAGE', '(command line)', 'kind', `unknown secret kind "${kind}"`, `kinds: ${KINDS.join(', ')}`);
        if (flags.area !== undefined && kind !== 'ospf') throw inputError('E_USAGE', '(command line)', '--area', 'is for `rotate ospf` only');
        const kinds = kind ? [kind as Kind] : [...DEFAULT_KINDS];
        const done: Rotation[] = [];
        try {
          for (const k of kinds) {
            const r =
              k === 'snmp'
                ? await rotateSnmp(g.stateDir)
                : k === 'seal'
                  ? rotateSeal(g.stateDir)
                  : k === 'ospf'
                    ? await rotateOspfKeys(g, flags)
                    : rotateAudit(g.stateDir);
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
