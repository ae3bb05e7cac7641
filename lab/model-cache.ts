/**
 * The built topology of an inventory, kept between runs in the lab's folder of the state dir.
 * Building the whole province (2,052 devices: IPAM, ports, links) is ~0.5 s of CPU that every
 * deploy and plan of a 27-device scope paid again; reading it back costs a tenth of that.
 *
 * Exact by construction: the file is used only when its key matches, and the key is a hash of
 * everything the build sees — the loaded inventory (every file's parsed content, so an edit of any
 * inventory file, the ledger included, changes it) and the source of every module the build runs
 * (the static import closure of network/topology, read from disk, so a rebuilt or edited checkout
 * never reads a model an older code built). buildTopology is pure: same inputs, same model.
 * Serialised with v8 (structured clone), which keeps what JSON would lose (undefined members,
 * shared objects stay shared). The model is derived from the inventory alone and holds no secret
 * (references only: `{{secret:…}}`); the file is 0600 all the same, like everything in the state dir.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { buildTopology } from '../network/topology.js';
import type { Inventory } from '../inventory/load.js';
import type { Topology } from '../network/types.js';
import { writePrivateFileAtomically } from '../lib/private-files.js';

const KEY_BYTES = 64; // sha256, hex

/** Relative module specifiers of one source file: static imports and re-exports, side-effect and dynamic imports. */
const SPECIFIERS = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * Hash of the source text of `entry` and of every module it reaches through relative imports. A
 * compiled checkout reads the `.js` files it runs; a source one (vitest) the `.ts` files the
 * `.js` specifiers name.
 */
export function moduleClosureHash(entry: string): string {
  const seen = new Set<string>();
  const hash = createHash('sha256');
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    hash.update(`${file}\0${text}\0`);
    for (const m of text.matchAll(SPECIFIERS)) {
      const target = resolve(dirname(file), m[1]!);
      const found = [target, target.replace(/\.js$/, '.ts')].find((f) => existsSync(f));
      if (found) visit(found);
    }
  };
  visit(entry);
  return hash.digest('hex');
}

let codeHash: string | undefined;
/** The build's code, hashed once per process (the modules on disk do not change under a running one). */
function buildCodeHash(): string {
  if (codeHash === undefined) {
    const here = fileURLToPath(import.meta.url);
    const ext = here.endsWith('.ts') ? '.ts' : '.js';
    codeHash = moduleClosureHash(resolve(dirname(here), '..', 'network', `topology${ext}`));
  }
  return codeHash;
}

export const modelKey = (inv: Inventory): string => createHash('sha256').update(buildCodeHash()).update('\0').update(JSON.stringify(inv)).digest('hex');

/** buildTopology(inv), read from `file` when it holds the model for this key, else built and written there. */
export function cachedTopology(file: string, inv: Inventory): Topology {
  const key = modelKey(inv);
  const bytes = existsSync(file) ? readFileSync(file) : undefined;
  if (bytes && bytes.length > KEY_BYTES && bytes.subarray(0, KEY_BYTES).toString('latin1') === key) {
    try {
      return deserialize(bytes.subarray(KEY_BYTES)) as Topology;
    } catch {
      // a truncated or foreign file: built again below and replaced
    }
  }
  const topology = buildTopology(inv);
  try {
    writePrivateFileAtomically(file, Buffer.concat([Buffer.from(key, 'latin1'), serialize(topology)]));
  } catch {
    // a state dir this run may not write (a read-only plan): the model is built, only not kept
  }
  return topology;
}
