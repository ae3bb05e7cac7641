/**
 * Issue 13 part 2's sweep: after a full deploy (`stacks deploy --target lab`), a DR drill
 * (`stacks dr drill`) and a migration wave (`stacks migrate run`, TSIG-signed name updates on a real
 * BIND), no secret value is in any file under the state dir, the synthesized output tree or the
 * migration's folder, in any log (the CLI's stdout/stderr, every `*.log` of the device runtime dir),
 * or in the command line of any process on the host while all that ran (sampled every 100 ms, so
 * short-lived helpers count too; every process rather than only ours: a superset, and a random
 * value cannot appear by chance).
 *
 * The secrets: every value of the sealed network store (OSPF keys, SNMPv3 keys, local user
 * passwords), the lab's own SNMPv3 user, the migration's TSIG key, and the seal keys (exempt only
 * in their own `seal.key` files). Files a daemon must read in clear live in the device runtime dir
 * on tmpfs (lab/runtime-dir.ts), which is not swept except for its logs. PostgreSQL has no password
 * here to sweep for: the drill's and the migrations' clusters use trust inside the lab (dr/pg-conf.ts).
 *
 * A finding names the file (or process) and the secret's path, never its value.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../support/cli.js';
import { destroyLab, findLeftovers } from '../../lab/destroy.js';
import { deviceNs, labPaths, nameServerRuntimeDir } from '../../lab/names.js';
import { run, sleep } from '../../lab/shell.js';
import { readSecrets, readTsigKey } from '../../lab/secrets.js';
import { SecretStore } from '../../lib/secret-refs.js';
import { buildScenario, type Scenario } from '../migrations/support.js';
import { destroyMigrationLab, migrationLabLeftovers } from '../migrations/lab-hosts.js';

const LAB = `sw${process.pid % 10000}`;
const MIG = `ms${process.pid % 10000}`;
// The drill's scope: the province core, Yulin and the three centres (every kind of device secret:
// OSPF keys on every adjacency, SNMPv3 users and local users on every device).
const SCOPE = 'cities=yulin;counties=0;townships=0';
const scratch = mkdtempSync(join(tmpdir(), 'stx-sweep-'));
const stateDir = join(scratch, 'state');
const outDir = join(scratch, 'out');
const base = ['--state-dir', stateDir];
let sc: Scenario | undefined;
const outputs: Array<{ what: string; r: CliResult }> = [];

/** Every distinct command line seen on the host while the test ran. */
const cmdlines = new Map<string, string>();
function sampleProcesses(): void {
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`);
      if (cmd.length) cmdlines.set(cmd.toString('latin1'), p);
    } catch {
      // gone
    }
  }
}
const sampler = setInterval(sampleProcesses, 100);

async function cli(what: string, args: string[], timeoutMs = 600_000): Promise<CliResult> {
  const r = await runCli(args, { timeoutMs });
  outputs.push({ what, r });
  return r;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0);
  await destroyMigrationLab(MIG);
}, 60_000);

afterAll(async () => {
  clearInterval(sampler);
  try {
    await destroyLab({ stateDir, lab: LAB });
    await destroyMigrationLab(MIG, sc?.dir);
    expect(await findLeftovers(LAB)).toEqual({ namespaces: [], interfaces: [], processes: [] });
    expect(await migrationLabLeftovers(MIG)).toEqual({ namespaces: [], links: [], processes: [] });
    // nothing of either is left in the runtime dir: the lab's folder and the name server's key went with them
    expect(existsSync(labPaths(stateDir, LAB).runtime)).toBe(false);
    if (sc) expect(existsSync(nameServerRuntimeDir(join(sc.lab.dir, 'dns', 'named')))).toBe(false);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}, 180_000);

describe('no secret value at rest outside the sealed stores, in a log or in argv', () => {
  test('deploy, drill, migration wave, synth — then sweep', async () => {
    const started = Date.now();
    const deploy = await cli('deploy', [...base, 'deploy', '--target', 'lab', '--lab', LAB, '--scope', SCOPE, '--auto-approve'], 900_000);
    expect(deploy.code, deploy.stderr).toBe(0);
    // a second deploy compares the state with what would be pushed: nothing to change
    const again = await cli('deploy again', [...base, '--json', 'deploy', '--target', 'lab', '--lab', LAB, '--auto-approve']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: 0 });
    expect((await cli('plan', [...base, 'plan', '--target', 'lab', '--lab', LAB])).code).toBe(0);
    expect((await cli('drift', [...base, 'drift', '--target', 'lab', '--lab', LAB])).code).toBeLessThan(2);
    const deployed = Date.now();

    const drill = await cli('drill', [...base, '--json', 'dr', 'drill', '--scenario', 'production-loss', '--lab', LAB]);
    expect(drill.code, drill.stderr).toBe(0);
    const drilled = Date.now();

    sc = await buildScenario(
      MIG,
      '169.254.211',
      ['dept1', 'cloudvm'],
      [{ id: 'housing-permits', department: 'housing', source: 'dept1', target: 'cloudvm', port: 8081 }],
    );
    const plan = await cli('migrate plan', [...base, '--json', 'migrate', 'plan', '--systems', sc.systemsFile]);
    expect(plan.code, plan.stderr).toBe(0);
    const wave = await cli('migrate run', [...base, '--json', 'migrate', 'run', '--wave', '1', '--runbook', sc.runbookFile]);
    expect(wave.code, wave.stderr).toBe(0);
    expect(await sc.names.lookup(sc.serviceName('housing-permits'))).toBe(sc.host('cloudvm').address);
    const migrated = Date.now();

    const synth = await cli('synth', [...base, 'synth', '-o', outDir, '--skip-checks']);
    expect(synth.code, synth.stderr).toBe(0);
    sampleProcesses();

    // The secrets, by a name that may be printed.
    const secrets: Array<{ name: string; value: string; exemptFile?: string }> = [];
    const store = SecretStore.forState(stateDir);
    for (const p of store.paths()) secrets.push({ name: `store:${p}`, value: store.get(p)! });
    expect(store.paths().some((p) => p.startsWith('ospf/'))).toBe(true);
    expect(store.paths().some((p) => p.startsWith('snmp/'))).toBe(true);
    expect(store.paths().some((p) => p.startsWith('users/'))).toBe(true);
    const lab = await readSecrets(labPaths(stateDir, LAB).secrets);
    secrets.push({ name: 'lab:snmp.authKey', value: lab.snmp.authKey }, { name: 'lab:snmp.privKey', value: lab.snmp.privKey });
    const tsig = await readTsigKey(sc.runbook.names.secrets, sc.runbook.names.tsig_key);
    expect(tsig).toBeDefined();
    secrets.push({ name: `tsig:${tsig!.name}`, value: tsig!.secret });
    for (const f of [...filesUnder(stateDir), ...filesUnder(sc.dir)].filter((f) => f.endsWith('/seal.key')))
      secrets.push({ name: `seal key ${f}`, value: readFileSync(f, 'utf8').trim(), exemptFile: f });

    const found: string[] = [];
    const check = (where: string, text: Buffer | string, file?: string) => {
      for (const s of secrets) if (s.exemptFile !== file && text.includes(s.value)) found.push(`${where}: ${s.name}`);
    };
    const swept = [stateDir, outDir, sc.dir].flatMap(filesUnder);
    for (const f of swept) if (!lstatSync(f).isSymbolicLink()) check(f, readFileSync(f), f);
    // the runtime dir holds what the daemons read in clear (not swept), and their logs (swept)
    const runtimeLogs = filesUnder(labPaths(stateDir, LAB).runtime).filter((f) => f.endsWith('.log'));
    expect(runtimeLogs.length).toBeGreaterThan(0);
    for (const f of runtimeLogs) check(f, readFileSync(f), f);
    for (const o of outputs) check(`${o.what} (stdout/stderr)`, o.r.stdout + o.r.stderr);
    for (const [cmd, pid] of cmdlines) check(`/proc/${pid}/cmdline ${cmd.replace(/\0/g, ' ').slice(0, 80)}`, cmd);
    console.log(
      `secret sweep: ${secrets.length} secrets over ${swept.length} files, ${runtimeLogs.length} runtime logs, ${outputs.length} CLI outputs, ${cmdlines.size} command lines; ` +
        `deploy ${((deployed - started) / 1000).toFixed(0)} s, drill ${((drilled - deployed) / 1000).toFixed(0)} s, migration ${((migrated - drilled) / 1000).toFixed(0)} s, ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
    );
    expect([...new Set(found)].sort()).toEqual([]);
  }, 1_800_000);

  test('a device whose runtime files are gone (as after a reboot: tmpfs) is pushed again, not taken for current', async () => {
    const id = 'dc.yulin-dc-r1';
    const dev = labPaths(stateDir, LAB).device(id);
    const pids = (await run('ip', ['netns', 'pids', deviceNs(LAB, id)])).stdout
      .split('\n')
      .map(Number)
      .filter((p) => p > 0);
    expect(pids.length).toBeGreaterThan(0);
    for (const p of pids) process.kill(p, 'SIGKILL');
    for (let i = 0; i < 100 && pids.some((p) => existsSync(`/proc/${p}`)); i++) await sleep(20);
    rmSync(dev.runtime, { recursive: true, force: true });
    const r = await cli('deploy after loss', [...base, '--json', 'deploy', '--target', 'lab', '--lab', LAB, '--auto-approve']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { changed: number; outcomes: Array<{ device: string; action: string }> };
    expect(out.outcomes.filter((o) => o.action !== 'unchanged').map((o) => [o.device, o.action])).toEqual([[id, 'changed']]);
    expect(readFileSync(join(dev.etc, 'frr.conf'), 'utf8')).toMatch(/^router ospf/m);
  }, 600_000);

  test('plan names a rotated key as an update, with no value in its output', async () => {
    const path = 'ospf/area-10.22.0.0/key-1';
    const before = SecretStore.forState(stateDir).get(path)!;
    const fresh = 'Rotated0123abcd';
    expect((await runCli([...base, 'secrets', 'set', path], { input: `${fresh}\n` })).code).toBe(0);
    const r = await cli('plan after rotation', [...base, '--json', 'plan', '--target', 'lab', '--lab', LAB]);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { devices: Array<{ device: string; action: string; diff: string[] }> };
    const updated = plan.devices.filter((d) => d.action === 'update');
    // the devices of Yulin's area: their config text is the same, only the key behind the reference changed
    expect(updated.map((d) => d.device).sort()).toEqual(['dc.yulin-dc-r1', 'yulin-r1', 'yulin-r2']);
    for (const d of updated) expect(d.diff.join('\n')).toMatch(/secret was rotated/);
    expect(r.stdout + r.stderr).not.toContain(before);
    expect(r.stdout + r.stderr).not.toContain(fresh);
  }, 120_000);
});
