import { expect, test } from 'vitest';
import { DrillAborted, Recorder } from './recorder.js';

test('steps are timed and recorded; a failing step is recorded and rethrown', async () => {
  const r = new Recorder(Date.now());
  expect(
    await r.step(
      'runbook',
      'promote',
      async () => 42,
      (v) => `got ${v}`,
    ),
  ).toBe(42);
  await expect(r.step('runbook', 'move address', async () => Promise.reject(new Error('no route')))).rejects.toThrow('no route');
  expect(r.steps.map((s) => [s.name, s.ok, s.detail])).toEqual([
    ['promote', true, 'got 42'],
    ['move address', false, 'no route'],
  ]);
});

test('a failing check is recorded without stopping the drill', async () => {
  const r = new Recorder(Date.now());
  expect(await r.check('post-check', 'answers', async () => ({ ok: false, detail: 'timeout' }))).toBe(false);
  expect(await r.check('post-check', 'throws', async () => Promise.reject(new Error('boom')))).toBe(false);
  expect(r.steps.map((s) => s.ok)).toEqual([false, false]);
});

test('after Ctrl-C, actions refuse to start but restore steps still run', async () => {
  const ctl = new AbortController();
  const r = new Recorder(Date.now(), ctl.signal);
  ctl.abort();
  await expect(r.step('inject', 'links down', async () => undefined)).rejects.toBeInstanceOf(DrillAborted);
  expect(await r.always('restore', 'links up', async () => 'done')).toBe(true);
  expect(r.steps.map((s) => [s.phase, s.ok])).toEqual([['restore', true]]);
});
