import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertCandidatesParse, resolveConfigs } from './candidates.js';
import { SecretStore } from '../lib/secret-refs.js';

const config = (key: string) =>
  ['hostname r1', 'interface eth0', ` ip ospf message-digest-key 1 md5 ${key}`, ' ip ospf netwrk point-to-point', 'exit', ''].join('\n');

describe('the configs every target pushes', () => {
  it('resolves the references (generating and sealing what stacks generates), then gates them without quoting a value', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'stx-candidates-'));
    try {
      const { secrets, resolved } = resolveConfigs(stateDir, [{ device: 'r1', where: 'ssh:r1', text: config('{{secret:ospf/area-0.0.0.1/key-1}}') }]);
      const value = secrets.get('ospf/area-0.0.0.1/key-1')!;
      expect(resolved.get('r1')).toContain(` md5 ${value}\n`);
      expect(SecretStore.forState(stateDir).get('ospf/area-0.0.0.1/key-1')).toBe(value); // sealed before any push
      const err = (await assertCandidatesParse([{ device: 'r1', file: 'ssh://192.0.2.1/etc/frr/candidate.conf', text: resolved.get('r1')! }], secrets).then(
        () => undefined,
        (e: unknown) => e,
      )) as Error;
      expect(err).toMatchObject({ code: 'E_FRR_SYNTAX', kind: 'policy' });
      expect(err.message).toContain('r1 ssh://192.0.2.1/etc/frr/candidate.conf:4: % Unknown command');
      expect(err.message).not.toContain(value);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('a config FRR parses passes; an unresolvable reference resolves nothing', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'stx-candidates-'));
    try {
      const ok = config('k3y-value').replace(' ip ospf netwrk point-to-point\n', '');
      expect((await assertCandidatesParse([{ device: 'r1', file: 'r1.conf', text: ok }])).files).toBe(1);
      let err: unknown;
      try {
        resolveConfigs(stateDir, [{ device: 'r1', where: 'ssh:r1', text: 'x {{secret:aaa/tacacs/key}}\n' }]);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'E_SECRET_UNRESOLVED', file: 'ssh:r1', path: 'aaa/tacacs/key' });
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
