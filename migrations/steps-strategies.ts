/**
 * Steps of the runbooks that are not a plain move (lifecycle.ts RUNBOOKS):
 * - replatform: `container-spec` records the system's container — image and config from the runbook
 *   — in the state dir's workloads file, which the Kubernetes stack's Pulumi program reads
 *   (stacks/k8s/main.ts, STACKS_MIGRATED_WORKLOADS); the data replicates as for a rehost.
 * - repurchase / retire (decommission): the data is archived on the archive host (the runbook's
 *   target) as a tar stream and checked file by file (sha256) against the source, then the source is
 *   switched off and the name points at the replacement service (repurchase) or is removed (retire).
 * - retain: every system that depends on it (the plan's findings) is told, in the journal.
 */
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { PRIVATE, writeFileAtomically, stableJson } from '../lib/files.js';
import { runtimeError } from '../lib/errors.js';
import { stopService, type StepContext } from './steps.js';
import type { MigratedWorkload } from '../stacks/k8s/workloads.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export const workloadsFile = (stateDir: string) => join(stateDir, 'migrations', 'k8s-workloads.json');

export async function containerSpec(c: StepContext): Promise<unknown> {
  const ct = c.spec.container;
  if (!ct) throw runtimeError('E_RUNBOOK', `${c.id}: a replatform needs \`container: {image, port, env}\` in the runbook`);
  const file = workloadsFile(c.stateDir);
  const doc = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { workloads: MigratedWorkload[] }) : { workloads: [] };
  const w: MigratedWorkload = { system: c.id, image: ct.image, port: ct.port, env: { ...ct.env, DATA_DIR: c.spec.target.data_dir } };
  doc.workloads = [...doc.workloads.filter((x) => x.system !== c.id), w].sort((a, b) => a.system.localeCompare(b.system));
  await writeFileAtomically(file, stableJson(doc), PRIVATE);
  return { workloads_file: file, image: w.image, port: w.port, config_keys: Object.keys(w.env).sort() };
}

const archivePath = (c: StepContext) => `${c.spec.target.data_dir.replace(/\/+$/, '')}/${c.id}.tar`;

export async function archive(c: StepContext): Promise<unknown> {
  await c.target.must(`mkdir -p ${q(c.spec.target.data_dir)}`, 'archive directory');
  const { bytes } = await c.source.pipeTo(
    `tar -C ${q(c.spec.source.data_dir)} -cf - .`,
    c.target,
    `cat > ${q(archivePath(c))}.part && mv ${q(archivePath(c))}.part ${q(archivePath(c))}`,
  );
  return { archive: archivePath(c), bytes };
}

const sums = async (host: StepContext['source'], cmd: string, what: string) => (await host.must(cmd, what)).split('\n').filter(Boolean).sort().join('\n');

export async function verifyArchive(c: StepContext): Promise<unknown> {
  const src = await sums(c.source, `cd ${q(c.spec.source.data_dir)} && find . -type f -print0 | sort -z | xargs -0 -r sha256sum`, 'checksum the source');
  const tmp = `${archivePath(c)}.check`;
  const arc = await sums(
    c.target,
    `rm -rf ${q(tmp)} && mkdir -p ${q(tmp)} && tar -C ${q(tmp)} -xf ${q(archivePath(c))} && cd ${q(tmp)} && find . -type f -print0 | sort -z | xargs -0 -r sha256sum; rc=$?; rm -rf ${q(tmp)}; exit $rc`,
    'checksum the archive',
  );
  if (src !== arc) throw runtimeError('E_STEP', `${c.id}: the archive on ${c.target.host} does not match the source's data`);
  return { files: src ? src.split('\n').length : 0 };
}

export async function decommission(c: StepContext): Promise<unknown> {
  return { ...(await stopService(c.source, c.spec.source)), decommissioned_at: new Date().toISOString() };
}

/** Retire: the name goes; repurchase: it points at the replacement (the runbook's target). */
export async function removeName(c: StepContext): Promise<unknown> {
  if (c.strategy === 'repurchase')
    return {
      name: c.spec.service.name,
      points_at: c.spec.target.host,
      changed: await c.names.set(c.spec.service.name, c.spec.target.host, `repurchase ${c.id}`),
    };
  return { name: c.spec.service.name, removed: await c.names.remove(c.spec.service.name, `retire ${c.id}`) };
}

export async function finalizeDecommission(c: StepContext): Promise<unknown> {
  return { archive: archivePath(c) };
}

export async function notifyDependants(c: StepContext): Promise<unknown> {
  for (const d of c.dependants)
    c.journal.event(d, 'notify-dependants', 'notice', `${c.id} is retained off the clouds: calls to it cross back to the department (${c.spec.service.name})`);
  return { told: c.dependants };
}
