/** The version `stacks --version` prints: package.json's, found from here in the sources or in dist/. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function packageVersion(): string {
  for (let dir = import.meta.dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return String((JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0');
  }
  return '0.0.0';
}

export const VERSION = packageVersion();
