/**
 * The management plane of a lab device is the rendered one (issue 11 part 1, lab side), on the
 * smallest lab (the province core: both cores and both exits, real FRR, sshd and snmpd):
 * - each device's snmpd.conf and sshd_config are its rendered host files with the `{{secret:…}}`
 *   references resolved from the sealed store at deploy; no value is in the rendered files, a
 *   daemon's command line or the deploy's logs;
 * - SNMPv3 authPriv with the rendered poller user (credentials the monitoring daemon takes from the
 *   rendered agent config through the lab target) answers from the device's real snmpd; v2c with a
 *   community, and v3 with a wrong key, get nothing;
 * - sshd admits the rendered local user with its password from the store, and refuses a wrong one;
 *   a redeploy keeps each device's shadow until that password changes in the store, then the new
 *   one logs in and the old one no longer does;
 * - sshd runs the rendered PAM stack: the inventory's retries lock the user (pam_faillock) on that
 *   device alone, each device keeping its own tally;
 * - a change to what sshd or snmpd reads at start (an SNMPv3 key in the store, a local user and so
 *   sshd's AllowUsers in management.yaml) reaches the running daemons at the next deploy: they are
 *   reloaded in place (same pids), the new key answers and the old one no longer does, the new user logs in;
 * - after all that, every file and folder under the state dir (which the deploy creates) is private:
 *   no file group/other readable, no folder group/other accessible, bar the named exceptions.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'ssh2';
import { DEFAULT_INVENTORY_DIR } from '../../inventory/load.js';
import { deployLab } from '../../lab/deploy.js';
import { destroyLab, findLeftovers } from '../../lab/destroy.js';
import { labPaths } from '../../lab/names.js';
import { loadLabModel } from '../../lab/model.js';
import { renderedLabHostFiles } from '../../lab/host/management.js';
import { loadTarget } from '../../targets/registry.js';
import { SecretStore } from '../../lib/secret-refs.js';
import { DEFAULT_SESSION_SETTINGS, openSession, pollDevice } from '../../monitors/snmp/session.js';
import type { SnmpCredentials } from '../../monitors/types.js';

const SCOPE = 'cities=0;counties=0;departments=0;datacenters=none';
const LAB = `g${process.pid % 10000}`;
const scratch = mkdtempSync(join(tmpdir(), 'stx-mgmt-'));
// Not made here: the deploy creates the state dir and everything in it, so its modes are stacks' own.
const stateDir = join(scratch, 'state');
const base = { stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, lab: LAB, scope: SCOPE };
const SETTINGS = { ...DEFAULT_SESSION_SETTINGS, timeoutMs: 1000, retries: 0 };

interface DeviceState {
  mgmt: { device: string; host: string };
}
const state = () => JSON.parse(readFileSync(labPaths(stateDir, LAB).state, 'utf8')) as { devices: Record<string, DeviceState> };

async function poll(device: string, credentials: SnmpCredentials) {
  const session = openSession({ address: state().devices[device]!.mgmt.device, port: 161, credentials }, SETTINGS);
  try {
    return await pollDevice(session, device, SETTINGS);
  } finally {
    session.close();
  }
}

/** Log in with a password over SSH and run `id -un`; the error message when the login fails. */
function passwordLogin(host: string, username: string, password: string): Promise<{ user?: string; error?: string }> {
  return new Promise((resolve) => {
    const c = new Client();
    c.on('ready', () =>
      c.exec('id -un', (err, stream) => {
        if (err) return resolve({ error: err.message });
        let out = '';
        stream.on('data', (b: Buffer) => (out += b.toString()));
        stream.on('close', () => {
          c.end();
          resolve({ user: out.trim() });
        });
      }),
    );
    c.on('error', (err) => resolve({ error: err.message }));
    c.connect({ host, port: 22, username, password, tryKeyboard: false, readyTimeout: 10_000 });
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

beforeAll(() => {
  expect(process.getuid?.()).toBe(0); // lab tests run as root (CI does): never skipped
});

afterAll(async () => {
  await destroyLab({ stateDir, lab: LAB });
  expect(await findLeftovers(LAB, labPaths(stateDir, LAB).root)).toEqual({ namespaces: [], interfaces: [], processes: [] });
  rmSync(scratch, { recursive: true, force: true });
}, 120_000);

describe.sequential('the lab runs the rendered management plane', () => {
  let devices: string[] = [];
  let credentials: Map<string, SnmpCredentials>;

  test('snmpd and sshd run the rendered host files; the references are resolved on the device only', { timeout: 300_000 }, async () => {
    const r = await deployLab({ ...base, parallel: 4, confirmSeconds: 300, checkTimeoutMs: 60_000 });
    expect(r.failed + r.rolledBack).toBe(0);
    const scoped = await loadLabModel(DEFAULT_INVENTORY_DIR, SCOPE);
    devices = scoped.devices.map((d) => d.id);
    // Every secret of the network: the management plane's (SNMPv3 keys, local passwords) and the OSPF
    // keys, which `log commands` would write to ospfd's log were it on before they are applied.
    const secrets = SecretStore.forState(stateDir);
    const values = secrets
      .paths()
      .filter((p) => /^(snmp|users|ospf)\//.test(p))
      .map((p) => secrets.get(p)!);
    expect(secrets.paths().some((p) => p.startsWith('ospf/'))).toBe(true);
    const device = scoped.devices[0]!;
    const paths = labPaths(stateDir, LAB).device(device.id);
    const rendered = renderedLabHostFiles(
      scoped.topology,
      device,
      { mgmtAddress: state().devices[device.id]!.mgmt.device, hostAddress: state().devices[device.id]!.mgmt.host },
      paths,
    )!;
    // What would be synthesized names the secrets; the device's own files hold them.
    expect(rendered['snmpd.conf']).toContain('createUser noc SHA "{{secret:snmp/v3/noc/auth}}" AES "{{secret:snmp/v3/noc/priv}}"');
    const onDevice = readFileSync(join(paths.snmp, 'snmpd.conf'), 'utf8');
    expect(onDevice).not.toContain('{{secret:');
    for (const line of rendered['snmpd.conf']!.split('\n').filter((l) => l && !l.includes('{{secret:'))) expect(onDevice).toContain(line);
    expect(onDevice).not.toMatch(/community/);
    const sshd = readFileSync(join(paths.ssh, 'sshd_config'), 'utf8');
    for (const line of rendered.sshd_config!.split('\n').filter(Boolean)) expect(sshd).toContain(line);
    expect(readFileSync(paths.shadow, 'utf8')).toMatch(/^netadmin:\$6\$/m);
    for (const v of [store('snmp/v3/noc/auth'), store('users/netadmin/password')]) expect(values).toContain(v);
    // No value in any log of the lab nor in a daemon's command line.
    const logs = [...filesUnder(labPaths(stateDir, LAB).root), ...filesUnder(labPaths(stateDir, LAB).runtime)].filter((f) => f.endsWith('.log'));
    expect(logs.length).toBeGreaterThan(0);
    for (const f of logs) for (const v of values) expect(readFileSync(f, 'utf8')).not.toContain(v);
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      let cmd = '';
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (cmd.includes(LAB) || cmd.includes(stateDir)) for (const v of values) expect(cmd).not.toContain(v);
    }
  });

  test('SNMPv3 authPriv with the rendered poller user answers; v2c and a wrong key get nothing', { timeout: 120_000 }, async () => {
    const lab = await loadTarget('lab');
    const deployed = await lab.snmpTargets({ stateDir, inventoryDir: '', instance: LAB });
    credentials = new Map(deployed!.targets.map((t) => [t.device, deployed!.credentials!.get(t.device)!]));
    expect([...credentials.keys()].sort()).toEqual([...devices].sort());
    for (const device of devices) {
      const c = credentials.get(device)!;
      expect(c).toMatchObject({ version: 'v3', user: 'noc', authProtocol: 'sha', privProtocol: 'aes' });
      const ok = await poll(device, c);
      expect(ok.ok).toBe(true);
    }
    const device = devices[0]!;
    const c = credentials.get(device)! as Extract<SnmpCredentials, { version: 'v3' }>;
    for (const community of ['public', 'private', 'noc']) expect((await poll(device, { version: 'v2c', community })).ok).toBe(false);
    expect((await poll(device, { ...c, authKey: `${c.authKey}x` })).ok).toBe(false);
    expect((await poll(device, { ...c, user: 'stacks' })).ok).toBe(false);
  });

  test('sshd admits the rendered user with its password and refuses a wrong one', { timeout: 120_000 }, async () => {
    const host = state().devices[devices[0]!]!.mgmt.device;
    const password = store('users/netadmin/password');
    expect(await passwordLogin(host, 'netadmin', password)).toEqual({ user: 'netadmin' });
    const wrong = await passwordLogin(host, 'netadmin', `${password}x`);
    expect(wrong.user).toBeUndefined();
    expect(wrong.error).toMatch(/authentication/i);
    // A user the management plane does not declare is not admitted, whatever its password.
    expect((await passwordLogin(host, 'operator', password)).user).toBeUndefined();
  });

  test("the rendered PAM stack runs: the inventory's retries lock the user on that device only, and a reset of its tally unlocks", {
    timeout: 120_000,
  }, async () => {
    const scoped = await loadLabModel(DEFAULT_INVENTORY_DIR, SCOPE);
    const retries = (await import('../../network/management.js')).managementFor(scoped.topology, scoped.devices[0]!)!.aaa.lockout.retries;
    const [first, second] = devices as [string, string];
    const dev = labPaths(stateDir, LAB).device(first);
    // sshd reads the device's own rendered files through its mount namespace
    expect(readFileSync(dev.pamSshd, 'utf8')).toContain('pam_faillock.so authfail');
    expect(readFileSync(dev.faillockConf, 'utf8')).toContain(`deny = ${retries}`);
    const host = (d: string) => state().devices[d]!.mgmt.device;
    const password = store('users/netadmin/password');
    const tally = () => execFileSync('faillock', ['--dir', dev.faillock, '--user', 'netadmin'], { encoding: 'utf8' });
    execFileSync('faillock', ['--dir', dev.faillock, '--user', 'netadmin', '--reset']); // the earlier test's one failure
    for (let i = 0; i < retries; i++) expect((await passwordLogin(host(first), 'netadmin', `${password}-${i}`)).user).toBeUndefined();
    // pam_faillock counted them in the device's own tally folder (the host's /run/faillock is not it)
    expect(
      tally()
        .split('\n')
        .filter((l) => /^\d{4}-\d\d-\d\d /.test(l)).length,
    ).toBe(retries);
    // locked: the right password no longer logs in there…
    expect((await passwordLogin(host(first), 'netadmin', password)).user).toBeUndefined();
    // …but does on another device, which counts its own failures
    expect(await passwordLogin(host(second), 'netadmin', password)).toEqual({ user: 'netadmin' });
    execFileSync('faillock', ['--dir', dev.faillock, '--user', 'netadmin', '--reset']);
    expect(await passwordLogin(host(first), 'netadmin', password)).toEqual({ user: 'netadmin' });
  });

  test('a redeploy keeps every shadow while its passwords stand and makes again the one whose password changed', { timeout: 300_000 }, async () => {
    const shadows = () => devices.map((d) => readFileSync(labPaths(stateDir, LAB).device(d).shadow, 'utf8'));
    const before = shadows();
    await deployLab({ ...base, parallel: 4, confirmSeconds: 300, checkTimeoutMs: 60_000 });
    expect(shadows()).toEqual(before);
    const secrets = SecretStore.forState(stateDir);
    const old = store('users/netadmin/password');
    const next = randomBytes(12).toString('base64url');
    secrets.set('users/netadmin/password', next);
    secrets.save();
    await deployLab({ ...base, parallel: 4, confirmSeconds: 300, checkTimeoutMs: 60_000 });
    const after = shadows();
    after.forEach((text, i) => expect(text).not.toBe(before[i]));
    const host = state().devices[devices[0]!]!.mgmt.device;
    expect(await passwordLogin(host, 'netadmin', next)).toEqual({ user: 'netadmin' });
    expect((await passwordLogin(host, 'netadmin', old)).user).toBeUndefined();
  });

  test('a changed SNMPv3 key and sshd setting reach the running daemons at the next deploy', { timeout: 300_000 }, async () => {
    const device = devices[0]!;
    const paths = labPaths(stateDir, LAB).device(device);
    const pids = () => ['sshd', 'snmpd'].map((n) => readFileSync(join(paths.pids, `${n}.pid`), 'utf8').trim());
    const before = pids();
    const old = credentials.get(device)!;
    expect((await poll(device, old)).ok).toBe(true);
    // a new poller key in the store (as `stacks secrets rotate snmp` makes one), and a new local user:
    // its shadow and passwd lines are read at login, its AllowUsers entry only by an sshd that re-read its config
    const secrets = SecretStore.forState(stateDir);
    secrets.set('snmp/v3/noc/auth', randomBytes(24).toString('base64url'));
    secrets.save();
    const inventoryDir = join(scratch, 'inventory');
    cpSync(DEFAULT_INVENTORY_DIR, inventoryDir, { recursive: true });
    const mgmt = join(inventoryDir, 'management.yaml');
    const text = readFileSync(mgmt, 'utf8');
    expect(text).toContain('      - { name: noc-ro, privilege: 1 }\n');
    writeFileSync(
      mgmt,
      text.replace('      - { name: noc-ro, privilege: 1 }\n', '      - { name: noc-ro, privilege: 1 }\n      - { name: auditor, privilege: 1 }\n'),
    );
    const r = await deployLab({ ...base, inventoryDir, parallel: 4, confirmSeconds: 300, checkTimeoutMs: 60_000 });
    expect(r.failed + r.rolledBack).toBe(0);
    expect(readFileSync(join(paths.ssh, 'sshd_config'), 'utf8')).toMatch(/^AllowUsers .*auditor@/m);
    // reloaded in place, not restarted
    expect(pids()).toEqual(before);
    const lab = await loadTarget('lab');
    const deployed = await lab.snmpTargets({ stateDir, inventoryDir, instance: LAB });
    const next = deployed!.credentials!.get(device)!;
    expect(next).not.toEqual(old);
    expect((await poll(device, next)).ok).toBe(true);
    expect((await poll(device, old)).ok).toBe(false);
    const host = state().devices[device]!.mgmt.device;
    expect(await passwordLogin(host, 'auditor', store('users/auditor/password'))).toEqual({ user: 'auditor' });
    expect(await passwordLogin(host, 'netadmin', store('users/netadmin/password'))).toEqual({ user: 'netadmin' });
  });

  test('every file and folder the deploy and the daemons made under the state dir is private', () => {
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    const root = labPaths(stateDir, LAB);
    // the walk reaches the secrets, the lab state, a device's configs, keys and its daemons' files
    const dev = root.device(devices[0]!);
    // frr.conf and rollback.conf (the driver's, under its umask 077) hold the OSPF keys
    for (const f of [root.state, root.deployKey, `${root.deployKey}.pub`, join(dev.etc, 'frr.conf'), join(dev.etc, 'rollback.conf'), dev.hostKey, dev.shadow])
      expect(statSync(f).mode & 0o777, f).toBe(0o600);
    expect(looseEntries(stateDir)).toEqual([]);
    // the runtime dir too, and its base; and no device file the daemons read in clear is left in the state dir
    expect(statSync(root.runtime).mode & 0o777).toBe(0o700);
    expect(statSync(join(root.runtime, '..')).mode & 0o777).toBe(0o700);
    expect(looseEntries(root.runtime, '', RUNTIME_LOOSE_ALLOWED)).toEqual([]);
    expect(filesUnder(stateDir).filter((f) => /\/(frr|snmpd|candidate|rollback)\.conf$/.test(f))).toEqual([]);
    // the exceptions are there (a stale pattern would hide nothing and should go)
    for (const a of LOOSE_ALLOWED)
      expect(
        filesUnder(stateDir).some((f) => a.pattern.test(f.slice(stateDir.length + 1))),
        a.why,
      ).toBe(true);
  });
});

/**
 * The state dir's entries others could reach, as `mode path` relative to it: a regular file with a
 * group/other bit, a folder with one, or anything else (socket, fifo, symlink) found there. Each
 * exception is named by a pattern and the reason it must be so.
 */
const FRR = '(zebra|bfdd|ospfd|ospf6d|staticd|vrrpd)';
const DEVICE = 'lab/[^/]+/devices/[^/]+';
const LOOSE_ALLOWED: Array<{ pattern: RegExp; why: string }> = [
  {
    pattern: new RegExp(`^${DEVICE}/run/(${FRR}\\.(pid|vty)|zserv\\.api|bfdd\\.sock|ospf6?d-gr\\.json|ospf6d-at-seq-no\\.dat)$`),
    why: "FRR's own files: it sets its umask (027) and fixed modes (pid 0644, vty sockets 0770 for group frrvty) whatever it inherits; they sit in run/, frr's 0700 folder, which only root and frr enter",
  },
  {
    pattern: /^lab\/[^/]+\/devices\/[^/]+\/passwd$/,
    why: 'bound over /etc/passwd in the device, where frr and the rendered users resolve names; no hashes; its folder is 0700',
  },
];
/** The same for the lab's runtime dir (tmpfs: what the daemons read in clear, and FRR's logs). */
const RUNTIME_LOOSE_ALLOWED: Array<{ pattern: RegExp; why: string }> = [
  {
    pattern: new RegExp(`^devices/[^/]+/tmp/${FRR}\\.log$`),
    why: "FRR's logs: FRR sets its umask (027) whatever it inherits; they sit in tmp/, frr's 0700 folder",
  },
  {
    pattern: /^devices\/[^/]+\/faillock\/[a-z_][a-z0-9_-]*$/,
    why: "pam_faillock's tally files: it opens them 0660 itself (a faillock group may read them); they sit in the device's 0700 faillock/",
  },
];
function looseEntries(dir: string, rel = '', allowed = LOOSE_ALLOWED): string[] {
  return readdirSync(join(dir, rel)).flatMap((n) => {
    const r = rel ? `${rel}/${n}` : n;
    const st = lstatSync(join(dir, r));
    const entry = `${(st.mode & 0o777).toString(8).padStart(4, '0')} ${r}`;
    const loose = st.isDirectory() || st.isFile() ? (st.mode & 0o077) !== 0 : true;
    const own = loose && !allowed.some((a) => a.pattern.test(r)) ? [entry] : [];
    return st.isDirectory() ? [...own, ...looseEntries(dir, r, allowed)] : own;
  });
}

function store(path: string): string {
  const v = SecretStore.forState(stateDir).get(path);
  expect(v, path).toBeDefined();
  return v!;
}
