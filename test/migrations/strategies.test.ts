/**
 * Strategies that differ, on real hosts (root; runs in CI): a replatform records its container (image
 * and config) for the Kubernetes stack's Pulumi program while its data replicates; `--wave 0`
 * decommissions a retired system (data archived on the archive host and checked, source switched off,
 * its name removed from the zone) and tells the dependants of a retained one. Each ran its own runbook,
 * named in the journal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildScenario, type Scenario } from './support.js';
import { destroyMigrationLab, migrationLabLeftovers } from './lab-hosts.js';
import { loadPlanningInputs } from '../../migrations/inputs.js';
import { loadSystemsFile } from '../../migrations/load.js';
import { buildPlan } from '../../migrations/plan.js';
import { journalPath, runWave } from '../../migrations/execute.js';
import { Journal } from '../../migrations/journal.js';
import { workloadsFile } from '../../migrations/steps-strategies.js';
import { applyMigrated, type NamespacePlan } from '../../stacks/k8s/workloads.js';

const root = process.getuid?.() === 0;
const ID = `ms${process.pid % 10000}`;
let sc: Scenario;

describe.skipIf(!root)('each strategy its own runbook', () => {
  beforeAll(async () => {
    await destroyMigrationLab(ID);
    sc = await buildScenario(
      ID,
      '169.254.205',
      ['dept1', 'dept2', 'cloudvm', 'archive'],
      [
        {
          id: 'drc-portal',
          department: 'drc',
          source: 'dept1',
          target: 'cloudvm',
          port: 8201,
          row: { strategy_hint: 'replatform' },
          runbook: { container: { image: 'registry.gov.sn.cn/drc/portal:2021.09', port: 8080, env: { PORTAL_MODE: 'cloud' } } },
        },
        { id: 'radio-gw', department: 'drc', source: 'dept2', target: 'dept2', port: 8202, row: { platform: 'special-hardware' } },
        { id: 'drc-alerts', department: 'drc', source: 'dept1', target: 'cloudvm', port: 8203, dependsOn: ['radio-gw'] },
        { id: 'old-ledger', department: 'finance', source: 'dept2', target: 'archive', port: 8204, row: { lifecycle: 'sunset' } },
      ],
    );
  });
  afterAll(async () => {
    await destroyMigrationLab(ID, sc?.dir);
    expect(await migrationLabLeftovers(ID)).toEqual({ namespaces: [], links: [], processes: [] });
  });

  it("replatforms into a container spec, then decommissions the retired system and tells the retained one's dependants", async () => {
    const state = join(sc.dir, 'state');
    const inputs = await loadPlanningInputs(join(import.meta.dirname, '../../inventory'), { count: 1 });
    const loaded = await loadSystemsFile(sc.systemsFile);
    const plan = buildPlan(loaded.systems, inputs.registry, { file: sc.systemsFile });
    expect(plan.retired.map((r) => r.id)).toEqual(['old-ledger']);
    expect(plan.retained.map((r) => r.id)).toEqual(['radio-gw']);
    expect(plan.findings.map((f) => `${f.rule} ${f.system}->${f.depends_on}`)).toEqual(['depends-on-retained drc-alerts->radio-gw']);

    const w1 = await runWave({ stateDir: state, plan, wave: 1, runbook: sc.runbook, concurrency: 2, retries: 1, backoffMs: 100 });
    expect(w1.systems.map((s) => `${s.id} ${s.state}`)).toEqual(['drc-alerts finalized', 'drc-portal finalized']);
    const spec = JSON.parse(readFileSync(workloadsFile(state), 'utf8'));
    expect(spec.workloads).toEqual([
      {
        system: 'drc-portal',
        image: 'registry.gov.sn.cn/drc/portal:2021.09',
        port: 8080,
        env: { PORTAL_MODE: 'cloud', DATA_DIR: sc.dataDir('cloudvm', 'drc-portal') },
      },
    ]);
    // the Kubernetes stack takes that image and config over its planned workload
    const planned: NamespacePlan[] = [
      {
        cloud: 'provincial',
        namespace: 'dept-drc',
        department: 'drc',
        quota: { cpuMillis: 0, memoryMiB: 0, pods: 0 },
        workloads: [
          {
            system: 'drc-portal',
            department: 'drc',
            cloud: 'provincial',
            namespace: 'dept-drc',
            name: 'drc-portal',
            replicas: 2,
            cpuMillis: 500,
            memoryMiB: 512,
            port: 8080,
            image: 'x:current',
          },
        ],
      },
    ];
    expect(applyMigrated(planned, spec.workloads)[0]!.workloads[0]).toMatchObject({
      image: 'registry.gov.sn.cn/drc/portal:2021.09',
      env: { PORTAL_MODE: 'cloud' },
    });

    const w0 = await runWave({ stateDir: state, plan, wave: 0, runbook: sc.runbook, concurrency: 2, retries: 1, backoffMs: 100 });
    expect(w0.systems.map((s) => `${s.id} ${s.state}`)).toEqual(['old-ledger finalized', 'radio-gw finalized']);
    // retired: archived on the archive host and checked, switched off, its name gone from the zone
    expect(existsSync(join(sc.dataDir('archive', 'old-ledger'), 'old-ledger.tar'))).toBe(true);
    expect(await sc.resolve('old-ledger')).toBeUndefined();
    expect((await sc.clientGet('radio-gw', '/records/data.json', 8202)).code).toBe(200); // retained: still serving where it was

    const j = new Journal(journalPath(state), { readonly: true });
    const runbook = (id: string) =>
      j
        .events(id)
        .find((e) => e.kind === 'runbook')
        ?.detail?.split(':')[0];
    expect(['drc-portal', 'drc-alerts', 'old-ledger', 'radio-gw'].map(runbook)).toEqual(['replatform', 'rehost', 'decommission', 'retain']);
    expect(
      j
        .events('drc-alerts')
        .filter((e) => e.kind === 'notice')
        .map((e) => e.detail),
    ).toEqual([expect.stringMatching(/radio-gw is retained/)]);
    expect(JSON.parse(j.step('old-ledger', 'verify-archive')!.detail!).files).toBe(3);
    j.close();
  }, 240_000);
});
