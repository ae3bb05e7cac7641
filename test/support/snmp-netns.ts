/**
 * Real snmpd agents, each in a network namespace this helper creates, reachable from the host over
 * a management veth (10.24<tag>.<i>.0/30), with veth links between namespaces so that a link can be
 * taken down for real. snmpd's DisMan monitor (every second) sends linkDown/linkUp to a trap sink
 * on the host. Everything carries the `stxmon` prefix and is removed by stop() (and by sweep()
 * after a crash).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface AgentCredentials {
  user: string;
  authKey: string;
  privKey: string;
  community: string;
}

interface NsAgent {
  index: number;
  ns: string;
  /** Address the host polls (the namespace's end of the management veth). */
  address: string;
  hostIf: string;
  dir: string;
}

interface NsLink {
  a: number;
  b: number;
  ifA: string;
  ifB: string;
}

export interface NsLabOptions {
  /** 1..9: keeps concurrently running test files apart (names, 10.24<tag>.x.y addresses). */
  tag: number;
  count: number;
  /** Pairs of agent indexes to join with a veth link. */
  links: Array<[number, number]>;
  credentials: AgentCredentials;
  trapSink?: { port: number; version: 'v2c' | 'v3' };
}

const PREFIX_ROOT = 'stxmon';
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** The trap sink: the host side of agent 0's management veth (local to the host for every agent). */
export const sinkAddress = (tag: number) => `10.24${tag}.0.1`;

/** Remove every namespace and host veth a lab with this tag may have left behind. */
export function sweep(tag: number): void {
  const PREFIX = `${PREFIX_ROOT}${tag}`;
  const nss = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(`${PREFIX}-`));
  for (const ns of nss) {
    try {
      const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split('\n').filter(Boolean);
      for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* already gone */
    }
    try {
      ip('netns', 'del', ns);
    } catch {
      /* already gone */
    }
  }
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1])
    .filter((n): n is string => !!n && n.startsWith(`${PREFIX}h`));
  for (const l of links) {
    try {
      ip('link', 'del', l);
    } catch {
      /* removed with its peer */
    }
  }
}

function snmpdConf(agent: NsAgent, c: AgentCredentials, hostSinkAddress: string, sink?: NsLabOptions['trapSink']): string {
  const lines = [
    `agentAddress udp:${agent.address}:161`,
    `createUser ${c.user} SHA "${c.authKey}" AES "${c.privKey}"`,
    `rouser ${c.user} authpriv`,
    `rocommunity ${c.community} ${hostSinkAddress.replace(/\.1$/, '.0')}/16`,
    `sysName ${agent.ns}`,
    // snmpd's internal queries run at authNoPriv: the internal user must be allowed at "auth".
    'iquerySecName internalmon',
    'agentSecName internalmon',
    'createUser internalmon SHA "internal-monitor-key" AES "internal-monitor-key"',
    'rouser internalmon auth',
    'notificationEvent linkUpTrap .1.3.6.1.6.3.1.1.5.4 .1.3.6.1.2.1.2.2.1.1 .1.3.6.1.2.1.2.2.1.7 .1.3.6.1.2.1.2.2.1.8',
    'notificationEvent linkDownTrap .1.3.6.1.6.3.1.1.5.3 .1.3.6.1.2.1.2.2.1.1 .1.3.6.1.2.1.2.2.1.7 .1.3.6.1.2.1.2.2.1.8',
    'monitor -r 1 -e linkUpTrap "up" .1.3.6.1.2.1.2.2.1.8 != 2',
    'monitor -r 1 -e linkDownTrap "down" .1.3.6.1.2.1.2.2.1.8 == 2',
  ];
  if (sink?.version === 'v2c') lines.push(`trap2sink ${hostSinkAddress}:${sink.port} ${c.community}`);
  if (sink?.version === 'v3')
    lines.push(`trapsess -v 3 -u ${c.user} -l authPriv -a SHA -A ${c.authKey} -x AES -X ${c.privKey} ${hostSinkAddress}:${sink.port}`);
  return lines.join('\n') + '\n';
}

export interface NsLab {
  agents: NsAgent[];
  links: NsLink[];
  /** Take one end of a link administratively down (the far end goes operationally down). */
  setLink(link: NsLink, up: boolean): void;
  stopAgent(i: number): void;
  startAgent(i: number): Promise<void>;
  stop(): void;
}

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startNsLab(opts: NsLabOptions): Promise<NsLab> {
  const PREFIX = `${PREFIX_ROOT}${opts.tag}`;
  const net = `10.24${opts.tag}`;
  const hostSinkAddress = sinkAddress(opts.tag);
  sweep(opts.tag);
  const root = mkdtempSync(join(tmpdir(), 'stacks-nslab-'));
  const agents: NsAgent[] = [];
  for (let i = 0; i < opts.count; i++) {
    const ns = `${PREFIX}-${i}`;
    const hostIf = `${PREFIX}h${i}`;
    const dir = join(root, `a${i}`);
    ip('netns', 'add', ns);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'mgmt0', 'netns', ns);
    ip('addr', 'add', `${net}.${i}.1/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', ns, 'addr', 'add', `${net}.${i}.2/30`, 'dev', 'mgmt0');
    ip('-n', ns, 'link', 'set', 'mgmt0', 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'route', 'add', 'default', 'via', `${net}.${i}.1`);
    agents.push({ index: i, ns, address: `${net}.${i}.2`, hostIf, dir });
  }
  const links: NsLink[] = opts.links.map(([a, b], k) => {
    const ifA = `l${k}a`;
    const ifB = `l${k}b`;
    ip('link', 'add', ifA, 'netns', agents[a]!.ns, 'type', 'veth', 'peer', 'name', ifB, 'netns', agents[b]!.ns);
    ip('-n', agents[a]!.ns, 'link', 'set', ifA, 'up');
    ip('-n', agents[b]!.ns, 'link', 'set', ifB, 'up');
    return { a, b, ifA, ifB };
  });
  // A fresh veth gains carrier a moment after `up`: an agent polled before then reports the link
  // down, and a test would see a fault it did not cause. Start from a settled lab.
  for (const l of links) {
    for (const [ns, dev] of [
      [agents[l.a]!.ns, l.ifA],
      [agents[l.b]!.ns, l.ifB],
    ] as const) {
      await waitFor(
        () => /\bstate UP\b/.test(execFileSync('ip', ['-n', ns, '-o', 'link', 'show', 'dev', dev], { encoding: 'utf8' })),
        10_000,
        `carrier on ${dev} in ${ns}`,
      );
    }
  }
  const startAgent = async (i: number) => {
    const a = agents[i]!;
    execFileSync('mkdir', ['-p', join(a.dir, 'persist')]);
    writeFileSync(join(a.dir, 'snmpd.conf'), snmpdConf(a, opts.credentials, hostSinkAddress, opts.trapSink), { mode: 0o600 });
    rmSync(join(a.dir, 'pid'), { force: true });
    const child = spawn(
      'ip',
      ['netns', 'exec', a.ns, 'snmpd', '-f', '-Lf', join(a.dir, 'log'), '-C', '-c', join(a.dir, 'snmpd.conf'), '-p', join(a.dir, 'pid'), '-m', ''],
      {
        env: { ...process.env, SNMP_PERSISTENT_DIR: join(a.dir, 'persist') },
        stdio: 'ignore',
        detached: true,
      },
    );
    child.unref();
    await waitFor(() => existsSync(join(a.dir, 'pid')) && readFileSync(join(a.dir, 'pid'), 'utf8').trim() !== '', 10_000, `snmpd in ${a.ns}`);
  };
  const stopAgent = (i: number) => {
    const pidFile = join(agents[i]!.dir, 'pid');
    if (!existsSync(pidFile)) return;
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
    } catch {
      /* gone */
    }
    rmSync(pidFile, { force: true });
  };
  await Promise.all(agents.map((_, i) => startAgent(i)));
  return {
    agents,
    links,
    setLink: (l, up) => ip('-n', agents[l.a]!.ns, 'link', 'set', l.ifA, up ? 'up' : 'down'),
    stopAgent,
    startAgent,
    stop: () => {
      for (let i = 0; i < agents.length; i++) stopAgent(i);
      sweep(opts.tag);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
