/**
 * The snapshot a person last accepted (`stacks plan --accept`), kept gzipped in the state folder so
 * that `stacks plan` can say what changed since. Written atomically.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PRIVATE, writeFileAtomically } from '../lib/files.js';
import { StacksError } from '../lib/errors.js';
import type { NetworkSnapshot } from '../network/snapshot.js';

function acceptedPath(stateDir: string): string {
  return join(stateDir, 'accepted', 'network.json.gz');
}

export async function readAccepted(stateDir: string): Promise<NetworkSnapshot | undefined> {
  const file = acceptedPath(stateDir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(gunzipSync(await readFile(file)).toString('utf8')) as NetworkSnapshot;
  } catch (cause) {
    throw new StacksError({
      code: 'E_STATE_CORRUPT',
      file,
      message: 'the accepted snapshot cannot be read',
      hint: 'delete it and run `stacks plan --accept` again',
      cause,
      kind: 'runtime',
    });
  }
}

export async function writeAccepted(stateDir: string, snap: NetworkSnapshot): Promise<void> {
  await writeFileAtomically(acceptedPath(stateDir), gzipSync(JSON.stringify(snap)), PRIVATE);
}
