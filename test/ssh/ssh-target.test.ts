/**
 * The ssh target against a router the test builds itself, not through the lab: one network
 * namespace holding FRR (zebra, ospfd, ospf6d, staticd) and sshd with password login, reachable
 * only over its management address on a veth from the host — the path a real Linux/FRR router
 * takes. The login is a secret reference resolved from the sealed store (never a plain file, argv or
 * an environment). Deploy through the target (pinning the host key), redeploy (nothing to do), drift
 * after a hand edit, a key login, then the faults: wrong password, missing credential, changed host
 * key, unreachable router — each a clear error naming the device (and the reference, never the
 * value), the router left on its confirmed config.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_INVENTORY_DIR, loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import { loadTarget } from '../../targets/registry.js';
import type { Target } from '../../targets/types.js';
import { SecretStore } from '../../lib/secret-refs.js';

const DEVICE = 'xian.xincheng.t01-r1';
const NS = `stx-p-ssh${process.pid % 1000}`;
const HOST_IF = `stxpsh${process.pid % 1000}`;
// a /29 on the veth: the unreachable case below uses an address on it that nobody holds (no traffic leaves the host)
const HOST_ADDR = '169.254.250.1';
const ROUTER_ADDR = '169.254.250.2';
const NOBODY = '169.254.250.5';
const PASSWORD = `pw-${process.pid}-test`;
const root = mkdtempSync('/tmp/stx-ssh-test-');
const stateDir = join(root, 'state');
const inventoryDir = join(root, 'inventory');
const dev = join(root, 'router');
const sh = (cmd: string) => execFileSync('sh', ['-ec', cmd], { encoding: 'utf8' });
let target: Target;
const ctx = { stateDir, inventoryDir, instance: 'lab' };

const PASSWORD_PATH = `ssh/${DEVICE}/password`;
const KEY_PATH = 'ssh/keys/noc';

function writeRouters(address: string, credential = ''): void {
  writeFileSync(join(inventoryDir, 'routers.yaml'), `routers:\n  - { device: ${DEVICE}, address: ${address}, platform: frr${credential} }\n`);
}

/** Put (or, with undefined, take out) a value in the sealed network store, as `stacks secrets set` does. */
function setSecret(path: string, value: string | undefined): void {
  const store = SecretStore.forState(stateDir);
  if (value === undefined) store.delete(path);
  else store.set(path, value);
  store.save();
}

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0); // namespaces and daemons: CI runs as root, never skipped
  cpSync(DEFAULT_INVENTORY_DIR, inventoryDir, { recursive: true });
  const province = join(inventoryDir, 'province.yaml');
  writeFileSync(province, readFileSync(province, 'utf8').replace(/^files:\n/m, 'files:\n  routers: routers.yaml\n'));
  writeRouters(ROUTER_ADDR);
  // the default reference of a router without a `credential` in routers.yaml
  setSecret(PASSWORD_PATH, PASSWORD);
  for (const d of ['run', 'etc', 'tmp', 'sshd-run', 'home', 'ssh']) mkdirSync(join(dev, d), { recursive: true });
  const frr = { uid: Number(sh('id -u frr')), gid: Number(sh('id -g frr')) };
  writeFileSync(join(dev, 'etc', 'vtysh.conf'), 'service integrated-vtysh-config\n');
  writeFileSync(join(dev, 'etc', 'frr.conf'), `hostname ${DEVICE.replace(/\./g, '-')}\n`);
  for (const d of ['run', 'etc', 'tmp']) chownSync(join(dev, d), frr.uid, frr.gid);
  chownSync(join(dev, 'etc', 'frr.conf'), frr.uid, frr.gid);
  // root's password and home inside the router only: overlays of /etc/shadow and /etc/passwd
  const hash = sh(`openssl passwd -6 '${PASSWORD}'`).trim();
  writeFileSync(join(dev, 'shadow'), readFileSync('/etc/shadow', 'utf8').replace(/^root:[^:]*:/m, `root:${hash}:`), { mode: 0o600 });
  writeFileSync(join(dev, 'passwd'), readFileSync('/etc/passwd', 'utf8').replace(/^(root:[^:]*:0:0:[^:]*:)[^:]*:/m, `$1${join(dev, 'home')}:`));
  sh(`ssh-keygen -q -t ed25519 -N '' -f ${dev}/ssh/host_key`);
  writeFileSync(
    join(dev, 'ssh', 'sshd_config'),
    [
      `ListenAddress ${ROUTER_ADDR}`,
      `HostKey ${dev}/ssh/host_key`,
      `PidFile ${dev}/ssh/sshd.pid`,
      'PermitRootLogin yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'UseDNS no',
      '',
    ].join('\n'),
  );
  // the router's own interfaces (the rendered config names them), plus its management link
  const topology = buildTopology(await loadInventory(inventoryDir));
  const ifs = topology.devices
    .find((d) => d.id === DEVICE)!
    .interfaces.map((i) => i.name)
    .filter((n) => n !== 'lo');
  sh(`ip netns add ${NS}; ip link add ${HOST_IF} type veth peer name mgmt0 netns ${NS}; ip addr add ${HOST_ADDR}/29 dev ${HOST_IF}; ip link set ${HOST_IF} up`);
  sh(`ip -n ${NS} addr add ${ROUTER_ADDR}/29 dev mgmt0; ip -n ${NS} link set mgmt0 up; ip -n ${NS} link set lo up`);
  for (const i of ifs)
    sh(
      `ip -n ${NS} link add ${i} type veth peer name ${`${i}-p`.slice(0, 15)}; ip -n ${NS} link set ${i} up; ip -n ${NS} link set ${`${i}-p`.slice(0, 15)} up`,
    );
  const daemons = ['zebra', 'ospfd', 'ospf6d', 'staticd']
    .map((d) => `/usr/lib/frr/${d} -d -u frr -g frr -i /run/frr/${d}.pid -f /etc/frr/frr.conf --log file:/var/tmp/${d}.log`)
    .join('\n');
  execFileSync('ip', [
    'netns',
    'exec',
    NS,
    'unshare',
    '-m',
    '--propagation',
    'private',
    'sh',
    '-ec',
    [
      `exec </dev/null >>${dev}/start.log 2>&1`,
      'mkdir -p /run/frr /etc/frr /var/tmp /run/sshd',
      `mount --bind ${dev}/run /run/frr`,
      `mount --bind ${dev}/etc /etc/frr`,
      `mount --bind ${dev}/tmp /var/tmp`,
      `mount --bind ${dev}/sshd-run /run/sshd`,
      `mount --bind ${dev}/shadow /etc/shadow`,
      `mount --bind ${dev}/passwd /etc/passwd`,
      daemons,
      `/usr/sbin/sshd -f ${dev}/ssh/sshd_config -E ${dev}/ssh/sshd.log`,
    ].join('\n'),
  ]);
  target = await loadTarget('ssh');
}, 60_000);

afterAll(() => {
  try {
    // a process may end between the listing and the kill: that is not a failure of the teardown
    sh(`ip netns pids ${NS} | xargs -r kill -9 2>/dev/null || true; ip netns del ${NS}; ip link del ${HOST_IF} 2>/dev/null || true`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

const vtysh = (cmd: string) => execFileSync('vtysh', ['--vty_socket', join(dev, 'run'), '-c', cmd], { encoding: 'utf8' });

/** Every process's command line and environment on this host, sampled while `run` runs: no secret value may show in either. */
async function sampleArgv<T>(run: () => Promise<T>): Promise<{ result: T; argv: Set<string> }> {
  const argv = new Set<string>();
  let done = false;
  const sampler = (async () => {
    while (!done) {
      for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n)))
        try {
          argv.add(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
          argv.add(readFileSync(`/proc/${pid}/environ`, 'utf8').replace(/\0/g, ' '));
        } catch {
          // gone already
        }
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  try {
    return { result: await run(), argv };
  } finally {
    done = true;
    await sampler;
  }
}

/** Every file under `dir`, as text. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));

describe.sequential('ssh target on an FRR router outside the lab', () => {
  test('deploys the rendered config, pinning the host key on first contact', { timeout: 120_000 }, async () => {
    const { result: r, argv } = await sampleArgv(() => target.apply(ctx, { confirmSeconds: 120, checkTimeoutMs: 10_000 }));
    expect(r.outcomes).toMatchObject([{ device: DEVICE, action: 'changed' }]);
    expect(r.ok).toBe(true);
    const running = vtysh('show running-config');
    expect(running).toMatch(/router ospf/);
    // the router runs the resolved OSPF key (generated and sealed on first need), never the reference
    expect(running).not.toContain('{{secret:');
    const secrets = SecretStore.forState(stateDir);
    const keyPath = secrets.paths().find((p) => /^ospf\/area-[\d.]+\/key-\d+$/.test(p));
    expect(keyPath).toBeDefined();
    expect(running).toMatch(/ip ospf message-digest-key \d+ md5 /);
    expect(running).toContain(` md5 ${secrets.get(keyPath!)!}\n`);
    // no value in the target's state, in its report, or on any command line or environment during the deploy
    const values = secrets.allValues();
    expect(values).toContain(PASSWORD);
    const exposed = [...filesUnder(join(stateDir, 'ssh')), JSON.stringify(r), ...argv].filter((t) => values.some((v) => t.includes(v)));
    expect(exposed).toEqual([]);
    expect(readFileSync(join(stateDir, 'ssh', 'lab', 'state.json'), 'utf8')).toContain('{{secret:ospf/');
    const pinned = JSON.parse(readFileSync(join(stateDir, 'ssh', 'lab', 'known_hosts.json'), 'utf8')) as Record<string, string>;
    expect(readFileSync(join(dev, 'ssh', 'host_key.pub'), 'utf8')).toContain(pinned[DEVICE]);
    expect(readFileSync(join(dev, 'etc', 'frr.conf'), 'utf8')).toMatch(/router ospf/);
  });

  test('a second deploy has nothing to do; plan agrees; status reads the facts', { timeout: 60_000 }, async () => {
    expect((await target.apply(ctx, {})).unchanged).toBe(1);
    expect((await target.plan(ctx)).summary.update).toBe(0);
    const s = await target.status(ctx);
    expect(s.healthy).toBe(true);
    expect(s.text).toMatch(/FRRouting/);
    expect((await target.snmpTargets(ctx))?.targets).toMatchObject([{ device: DEVICE, address: ROUTER_ADDR, port: 161 }]);
  });

  test('drift: none, then a hand edit on the router shows', { timeout: 60_000 }, async () => {
    // the intent's references read as the values the router holds: no false drift on the keys
    expect((await target.drift(ctx)).filter((d) => d.commands.length || d.error)).toEqual([]);
    vtysh('show version'); // the socket answers
    execFileSync('vtysh', ['--vty_socket', join(dev, 'run'), '-c', 'conf t', '-c', 'interface up0', '-c', 'ip ospf cost 4321']);
    const d = await target.drift(ctx);
    expect(d[0]!.commands.join('\n')).toMatch(/interface up0\n\s*ip ospf cost/);
    // a key changed by hand is drift, and the report names no value (old or new)
    let where = '';
    let keyLine: RegExpExecArray | null = null;
    for (const line of vtysh('show running-config').split('\n')) {
      if (line.startsWith('interface ')) where = line.slice('interface '.length).trim();
      keyLine = /^\s*ip ospf message-digest-key (\d+) md5 (\S+)$/.exec(line);
      if (keyLine) break;
    }
    expect(keyLine).not.toBeNull();
    const handKey = `hand${process.pid}`;
    execFileSync('vtysh', [
      '--vty_socket',
      join(dev, 'run'),
      '-c',
      'conf t',
      '-c',
      `interface ${where}`,
      '-c',
      `ip ospf message-digest-key ${keyLine![1]} md5 ${handKey}`,
    ]);
    const keyDrift = (await target.drift(ctx))[0]!.commands.join('\n');
    expect(keyDrift).toMatch(/message-digest-key/);
    expect(keyDrift).not.toContain(keyLine![2]!);
    const v = await target.verify({
      inventory: await loadInventory(inventoryDir),
      topology: buildTopology(await loadInventory(inventoryDir)),
      options: {},
      stateDir,
      instance: 'lab',
    });
    expect(v.summary.passed).toBe(false);
  });

  test('a wrong password: a clear error naming the device and the reference; the router keeps its config', { timeout: 60_000 }, async () => {
    setSecret(PASSWORD_PATH, 'not-it-at-all');
    try {
      const r = await target.apply(ctx, { refresh: true });
      expect(r.outcomes[0]).toMatchObject({ device: DEVICE, action: 'failed' });
      const reason = r.outcomes[0]!.reason!;
      expect(reason.startsWith(DEVICE)).toBe(true);
      expect(reason).toContain(`with {{secret:${PASSWORD_PATH}}} refused`);
      expect(JSON.stringify(r)).not.toContain('not-it-at-all');
    } finally {
      setSecret(PASSWORD_PATH, PASSWORD);
    }
    expect(vtysh('show running-config')).toMatch(/router ospf/);
  });

  test('a missing credential refuses the deploy before any router is contacted, naming device and reference', { timeout: 60_000 }, async () => {
    const log = () => readFileSync(join(dev, 'ssh', 'sshd.log'), 'utf8').length;
    setSecret(PASSWORD_PATH, undefined);
    const before = log();
    try {
      const err = await target.apply(ctx, { refresh: true }).then(
        () => undefined,
        (e: unknown) => e as { code?: string; exitCode?: number; message: string },
      );
      expect(err?.code).toBe('E_SECRET_UNRESOLVED');
      expect(err?.exitCode).toBe(2);
      expect(err?.message).toContain(`${DEVICE}: {{secret:${PASSWORD_PATH}}}`);
      expect(err?.message).not.toContain(PASSWORD);
      expect(log()).toBe(before); // sshd saw no connection
      // a plain-JSON credentials file from an older version is refused, not read
      writeFileSync(join(stateDir, 'secrets', 'ssh.json'), JSON.stringify({ default: { password: PASSWORD } }), { mode: 0o600 });
      setSecret(PASSWORD_PATH, PASSWORD);
      await expect(target.apply(ctx, {})).rejects.toMatchObject({ code: 'E_SECRET_FILE' });
    } finally {
      rmSync(join(stateDir, 'secrets', 'ssh.json'), { force: true });
      setSecret(PASSWORD_PATH, PASSWORD);
    }
  });

  test('a literal password in routers.yaml is refused by the loader (exit 2, file and path named)', async () => {
    writeRouters(ROUTER_ADDR, `, credential: { password: ${PASSWORD} }`);
    try {
      const err = await loadInventory(inventoryDir).then(
        () => undefined,
        (e: unknown) => e as { exitCode?: number; message: string; file?: string; path?: string },
      );
      expect(err?.exitCode).toBe(2);
      expect(`${err?.file} ${err?.path} ${err?.message}`).toMatch(/routers\.yaml.*routers.*credential.*password.*secret reference/s);
      expect(err?.message).not.toContain(PASSWORD);
    } finally {
      writeRouters(ROUTER_ADDR);
    }
  });

  test('a private key from the sealed store logs in (held in memory only)', { timeout: 60_000 }, async () => {
    sh(`ssh-keygen -q -t ed25519 -N '' -f ${root}/noc_key`);
    mkdirSync(join(dev, 'home', '.ssh'), { recursive: true, mode: 0o700 });
    writeFileSync(join(dev, 'home', '.ssh', 'authorized_keys'), readFileSync(`${root}/noc_key.pub`));
    const keyText = readFileSync(`${root}/noc_key`);
    rmSync(`${root}/noc_key`); // the store's copy is the only one
    setSecret(KEY_PATH, keyText.toString('base64'));
    writeRouters(ROUTER_ADDR, `, credential: { private_key: '{{secret:${KEY_PATH}}}' }`);
    try {
      const { result: r, argv } = await sampleArgv(() => target.apply(ctx, { refresh: true }));
      expect(r.ok).toBe(true);
      expect(readFileSync(join(dev, 'ssh', 'sshd.log'), 'utf8')).toMatch(/Accepted publickey for root/);
      const secret = keyText.toString('base64').slice(20, 60);
      const exposed = [...filesUnder(join(stateDir, 'ssh')), ...argv].filter((t) => t.includes(secret) || t.includes('PRIVATE KEY'));
      expect(exposed).toEqual([]);
      // a value that is no key is refused naming the reference
      setSecret(KEY_PATH, 'bm90LWEta2V5');
      await expect(target.apply(ctx, { refresh: true })).rejects.toMatchObject({
        code: 'E_SECRET_VALUE',
        message: expect.stringContaining(`{{secret:${KEY_PATH}}}`),
      });
    } finally {
      writeRouters(ROUTER_ADDR);
    }
  });

  test('a changed host key is refused, naming the device', { timeout: 60_000 }, async () => {
    const file = join(stateDir, 'ssh', 'lab', 'known_hosts.json');
    const good = readFileSync(file, 'utf8');
    sh(`ssh-keygen -q -t ed25519 -N '' -f ${root}/other_key`);
    writeFileSync(file, JSON.stringify({ [DEVICE]: readFileSync(`${root}/other_key.pub`, 'utf8').split(' ')[1] }));
    const r = await target.apply(ctx, { refresh: true });
    expect(r.outcomes[0]).toMatchObject({ device: DEVICE, action: 'failed' });
    expect(r.outcomes[0]!.reason).toMatch(/host key that differs/);
    writeFileSync(file, good);
  });

  test('an unreachable router: a timeout naming the device, after retries', { timeout: 60_000 }, async () => {
    writeRouters(NOBODY);
    try {
      const started = Date.now();
      const r = await target.apply(ctx, { refresh: true, targetOptions: { timeoutMs: 1500, retries: 1 } });
      expect(r.outcomes[0]).toMatchObject({ device: DEVICE, action: 'failed' });
      expect(r.outcomes[0]!.reason).toMatch(new RegExp(`${DEVICE.replace(/\./g, '\\.')}.*(did not answer|unreachable)`));
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      writeRouters(ROUTER_ADDR);
    }
    // and the next deploy runs normally
    const again = await target.apply(ctx, { refresh: true });
    expect(again.ok).toBe(true);
  });
});
