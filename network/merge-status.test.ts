import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StacksError, StacksErrors } from '../lib/errors.js';
import { buildMergePlan } from './merge-plan.js';
import { MERGE_STATUS_FILE, NOTHING_DONE, checkMergeStatus, mergeProgress, type MergeStatus } from './merge-status.js';
import { readMergeStatus } from '../inventory/merge-status.js';
import { fixtureTopology } from '../test/support/fixture.js';

const plan = buildMergePlan(fixtureTopology());
const status = (completed_phases: string[], completed_sites: string[] = []): MergeStatus => ({ version: 1, completed_phases, completed_sites });

describe('mergeProgress (indicator 1)', () => {
  it('is zero when nothing is done', () => {
    const p = mergeProgress(plan);
    expect(p).toMatchObject({ share: 0, sitesMerged: 0, sitesTotal: 8, legacySitesTotal: 6, legacySitesMerged: 0 });
    expect(p.phases.every((x) => !x.done && x.sitesMerged === 0)).toBe(true);
  });

  it('counts the province only when both its exit and its core phases are done', () => {
    expect(mergeProgress(plan, status(['exit'])).sitesMerged).toBe(0);
    const p = mergeProgress(plan, status(['exit', 'province-core']));
    expect(p.sitesMerged).toBe(1);
    expect(p.share).toBeCloseTo(1 / 8);
    expect(p.legacyShare).toBeCloseTo(1 / 6);
  });

  it('counts single sites completed inside a running phase', () => {
    const p = mergeProgress(plan, status(['exit', 'province-core', 'horizontal', 'cities', 'counties'], ['xian.yanta.t01']));
    expect(p.sitesMerged).toBe(7);
    expect(p.phases.find((x) => x.id === 'townships')).toEqual({ id: 'townships', done: false, sitesMerged: 1, sitesTotal: 2 });
    expect(p.legacySitesMerged).toBe(6); // t03 is a new connection, not on a legacy network
    expect(p.legacyShare).toBe(1);
    expect(p.outOfOrder).toEqual([]);
  });

  it('reaches 100 % when every phase is done', () => {
    const all = mergeProgress(plan, status(plan.phases.map((p) => p.id)));
    expect(all.share).toBe(1);
    expect(all.phases.every((x) => x.done && x.sitesMerged === x.sitesTotal)).toBe(true);
  });
});

describe('checkMergeStatus', () => {
  it('accepts a consistent status', () => {
    expect(() => checkMergeStatus(plan, status(['exit', 'province-core'], ['dept.finance']))).not.toThrow();
    expect(() => checkMergeStatus(plan, NOTHING_DONE)).not.toThrow();
  });

  it('names unknown phases and sites by file and path', () => {
    try {
      checkMergeStatus(plan, status(['exit', 'villages'], ['nowhere']), 'inventory/merge-status.yaml');
      expect.unreachable();
    } catch (err) {
      const errors = (err as StacksErrors).errors;
      expect(errors.map((e) => `${e.code} ${e.path}`)).toEqual(['E_MERGE_STATUS completed_phases[1]', 'E_MERGE_STATUS completed_sites[0]']);
      expect(errors[0]!.file).toBe('inventory/merge-status.yaml');
      expect((err as StacksError).exitCode).toBe(2);
    }
  });

  it('refuses a site marked merged before its parent', () => {
    expect(() => checkMergeStatus(plan, status(['exit', 'province-core'], ['xian.yanta.t01']))).toThrow(
      /xian\.yanta\.t01 is marked merged but its parent xian\.yanta is not/,
    );
    expect(() => checkMergeStatus(plan, status(['townships']))).toThrow(StacksError);
  });
});

describe('readMergeStatus', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stacks-merge-status-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('defaults to nothing done when the file is absent', async () => {
    expect(await readMergeStatus(dir)).toEqual({ status: NOTHING_DONE });
  });

  it('reads a valid file and fills defaults', async () => {
    await writeFile(join(dir, MERGE_STATUS_FILE), 'version: 1\ncompleted_phases: [exit]\n');
    const { status: s, file } = await readMergeStatus(dir);
    expect(s).toEqual({ version: 1, completed_phases: ['exit'], completed_sites: [] });
    expect(file).toBe(join(dir, MERGE_STATUS_FILE));
  });

  it('rejects unknown keys and wrong types with the file and path', async () => {
    await writeFile(join(dir, MERGE_STATUS_FILE), 'version: 1\ncompleted_phases: exit\ndone: true\n');
    const err = await readMergeStatus(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StacksError);
    const all = (err as StacksErrors).errors.map((e) => `${e.file}:${e.path}`);
    expect(all).toContain(`${join(dir, MERGE_STATUS_FILE)}:completed_phases`);
    expect((err as StacksError).exitCode).toBe(2);
  });
});
