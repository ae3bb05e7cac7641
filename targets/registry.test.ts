/** The registry answers "is it deployed?" from the file each target's deploy writes, without loading the target. */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isDeployed, targetNames } from './registry.js';
import { labPaths } from '../lab/names.js';
import { sshStateFile } from './ssh/paths.js';

describe('isDeployed', () => {
  it("is true once the instance's state file exists, for every registered target", () => {
    const dir = mkdtempSync(join(tmpdir(), 'stx-registry-'));
    try {
      const files: Record<string, string> = { lab: labPaths(dir, 'lab1').state, ssh: sshStateFile(dir, 'lab1') };
      // a target added to the registry must be added here too
      expect(targetNames()).toEqual(Object.keys(files).sort());
      for (const [name, file] of Object.entries(files)) {
        expect(isDeployed(name, dir, 'lab1')).toBe(false);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, '{}');
        expect(isDeployed(name, dir, 'lab1')).toBe(true);
        expect(isDeployed(name, dir, 'other')).toBe(false);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a name no one registered, listing the known ones', () => {
    expect(() => isDeployed('nowhere', '/tmp', 'x')).toThrow(/unknown target "nowhere"/);
  });
});
