import { describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostsFileNames } from './names.js';

describe('HostsFileNames', () => {
  it('keeps every concurrent change, is idempotent and keeps an audit trail', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'stacks-names-')), 'hosts');
    const names = new HostsFileNames(file);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => names.set(`s${i}.gov.sn.cn`, `10.0.0.${i}`, `cutover s${i}`)));
    expect(results.every(Boolean)).toBe(true);
    expect(names.records().size).toBe(41); // + localhost
    expect(await names.set('s3.gov.sn.cn', '10.0.0.3', 'again')).toBe(false);
    expect(await names.set('s3.gov.sn.cn', '10.9.9.9', 'rollback s3')).toBe(true);
    expect(names.lookup('s3.gov.sn.cn')).toBe('10.9.9.9');
    expect(names.changes('s3.gov.sn.cn').map((c) => c.why)).toEqual(['cutover s3', 'rollback s3']);
  });
});
