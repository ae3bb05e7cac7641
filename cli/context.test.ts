import { afterEach, describe, expect, test, vi } from 'vitest';
import { reportError } from './context.js';
import { runtimeError } from '../lib/errors.js';

afterEach(() => vi.restoreAllMocks());

function capture(err: unknown, json: boolean): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  const code = reportError(err, json);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

describe('reportError', () => {
  test('under --json, what the command produced before it broke goes out beside the error', () => {
    const err = Object.assign(runtimeError('E_DR_EXEC', 'pg_ctl failed'), { produced: { report: { id: 'r1', passed: false } } });
    const r = capture(err, true);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toEqual({ error: expect.objectContaining({ code: 'E_DR_EXEC' }), report: { id: 'r1', passed: false } });
    expect(r.stderr).toMatch(/^error: E_DR_EXEC: pg_ctl failed/);
  });

  test('a plain Error keeps its attachment too, and text mode prints none of it on stdout', () => {
    const err = Object.assign(new Error('still streams'), { produced: { report: { id: 'r2' } } });
    expect(JSON.parse(capture(err, true).stdout)).toEqual({
      error: { code: 'E_RUNTIME', kind: 'runtime', message: 'Error: still streams' },
      report: { id: 'r2' },
    });
    const text = capture(err, false);
    expect(text.stdout).toBe('');
    expect(text.code).toBe(3);
  });
});
