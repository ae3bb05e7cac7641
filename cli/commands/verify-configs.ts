/**
 * The I/O half of `stacks verify --from DIR`: the device configs of a synth output folder exactly as
 * they are on disk (hand edits included), one RenderedConfigFile per file. Accepts the synth output
 * root (`DIR/stacks/backbone/configs/`), the configs folder itself, or a dialect folder (`…/frr`).
 * The dialect comes from the folder name, the device from the file name; a file with another
 * extension is a finding for the verifier (a device it does not know), never silently skipped.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { DIALECTS, DIALECT_IDS, type DialectId } from '../../network/render/index.js';
import type { RenderedConfigFile } from '../../network/verify/config/index.js';
import { inputError } from '../../lib/errors.js';

function configsRoot(dir: string): string {
  for (const candidate of [join(dir, 'stacks', 'backbone', 'configs'), join(dir, 'backbone', 'configs'), join(dir, 'configs'), dir]) {
    if (existsSync(candidate) && statSync(candidate).isDirectory() && DIALECT_IDS.some((d) => existsSync(join(candidate, d)))) return candidate;
  }
  if (DIALECT_IDS.includes(basename(dir) as DialectId) && existsSync(dir)) return join(dir, '..');
  throw inputError(
    'E_NO_CONFIGS',
    dir,
    'configs',
    `no device configs under ${dir}`,
    `give a synth output folder (with stacks/backbone/configs/{${DIALECT_IDS.join(',')}}/) or a configs folder`,
  );
}

export function readConfigFolder(dir: string, only?: DialectId[]): { files: RenderedConfigFile[]; root: string } {
  const root = configsRoot(dir);
  const dialects = DIALECT_IDS.includes(basename(dir) as DialectId) ? [basename(dir) as DialectId] : (only ?? DIALECT_IDS);
  const files: RenderedConfigFile[] = [];
  for (const dialect of dialects) {
    const folder = join(root, dialect);
    if (!existsSync(folder)) continue;
    const ext = `.${DIALECTS[dialect].fileExtension}`;
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (!statSync(path).isFile()) continue;
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (err) {
        throw inputError('E_READ', path, '', `cannot read: ${(err as Error).message}`);
      }
      const device = name.endsWith(ext) ? name.slice(0, -ext.length) : name;
      files.push({ device, dialect, path: relative(root, path).split('\\').join('/'), text });
    }
  }
  return { files, root };
}
