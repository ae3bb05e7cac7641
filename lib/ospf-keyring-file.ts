/**
 * Where the OSPF keyring (network/ospf-keyring.ts: per area, the key ids held and the one sent) is
 * kept: `<state>/ospf-keyring.json`, plain JSON because it names ids, never keys — the keys are in
 * the sealed secret store (lib/secret-refs.ts, paths `ospf/area-A/key-N` and `ospf/area-A/v3-key-N`).
 * Every renderer that must match the routers (synth, the lab deploy, a rotation) reads it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from './errors.js';
import { writePrivateFileAtomically } from './private-files.js';
import { MAX_KEY_ID, type OspfKeyring } from '../network/ospf-keyring.js';

const keyringFile = (stateDir: string): string => join(stateDir, 'ospf-keyring.json');

const AREA = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const keyId = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_KEY_ID;

export function readKeyring(stateDir: string): OspfKeyring {
  const file = keyringFile(stateDir);
  if (!existsSync(file)) return {};
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw inputError('E_KEYRING', file, '(root)', 'is not valid JSON', 'restore it from a backup; the keys themselves are in the sealed store');
  }
  const areas = (doc as { areas?: unknown } | null)?.areas;
  if (!areas || typeof areas !== 'object' || Array.isArray(areas))
    throw inputError('E_KEYRING', file, 'areas', 'must be an object of area id → { keys, send }');
  const ring: OspfKeyring = {};
  for (const [area, v] of Object.entries(areas as Record<string, unknown>)) {
    const k = v as { keys?: unknown; send?: unknown };
    if (!AREA.test(area)) throw inputError('E_KEYRING', file, `areas.${area}`, 'is not a dotted area id');
    if (!Array.isArray(k.keys) || !k.keys.length || k.keys.length > 2 || !k.keys.every(keyId))
      throw inputError('E_KEYRING', file, `areas.${area}.keys`, `must hold one or two key ids 1–${MAX_KEY_ID}`);
    if (!keyId(k.send) || !k.keys.includes(k.send)) throw inputError('E_KEYRING', file, `areas.${area}.send`, "must be one of the area's keys");
    ring[area] = { keys: [...k.keys].sort((a, b) => a - b), send: k.send };
  }
  return ring;
}

export function writeKeyring(stateDir: string, ring: OspfKeyring): void {
  const areas = Object.fromEntries(
    Object.keys(ring)
      .sort()
      .map((a) => [a, ring[a]]),
  );
  writePrivateFileAtomically(keyringFile(stateDir), JSON.stringify({ areas }, null, 2) + '\n', { fsync: true });
}
