import { describe, expect, it } from 'vitest';
import { checkUrlEnv, checkUrlOption, connectionError, passwordOf, redactUrl } from './pg-url.js';
import { StacksError } from './errors.js';

const PW = 'S3cr3t-p@ss';
const enc = encodeURIComponent(PW);

const text = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    const err = e as StacksError;
    return `${err.describe()} ${JSON.stringify(err.toJSON())} ${err.stack}`;
  }
  throw new Error('expected an error');
};

describe('PostgreSQL URLs keep their passwords out of argv and errors', () => {
  it('redacts the password (userinfo and query forms)', () => {
    expect(redactUrl(`postgres://noc:${enc}@db:5432/faults`)).toBe('postgres://noc:***@db:5432/faults');
    expect(redactUrl(`postgress://noc:${enc}@db/x`)).toBe('postgress://noc:***@db/x');
    expect(redactUrl(`postgres://db/x?user=a&password=${enc}`)).toBe('postgres://db/x?user=a&password=***');
    expect(redactUrl('postgres://noc@db/x')).toBe('postgres://noc@db/x');
    expect(passwordOf(`postgres://noc:${enc}@db/x`)).toBe(PW);
  });
  it('refuses a password on the command line and a mistyped scheme, without echoing the password', () => {
    const t1 = text(() => checkUrlOption('--postgres', `postgres://noc:${enc}@db/x`));
    expect(t1).toMatch(/process list/);
    const t2 = text(() => checkUrlOption('--postgres', `postgress://noc:${enc}@db/x`));
    const t3 = text(() => checkUrlEnv('STACKS_PG_URL', `postgresql:/noc:${enc}@db/x`));
    for (const t of [t1, t2, t3]) {
      expect(t).not.toContain(PW);
      expect(t).not.toContain(enc);
    }
    expect(checkUrlOption('--postgres', 'postgres://noc@db/x')).toBe('postgres://noc@db/x');
  });
  it('a connection error quoting the URL or the password is redacted', () => {
    const url = `postgres://noc:${enc}@db/x`;
    const e = connectionError('the fault store', url, new Error(`password authentication failed for ${url} (${PW})`));
    expect(e.exitCode).toBe(3);
    expect(`${e.describe()} ${e.stack}`).not.toContain(PW);
    expect(`${e.describe()}`).not.toContain(enc);
  });
});
