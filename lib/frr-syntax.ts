/**
 * The FRR syntax gate (an edge: it runs a program, so it lives outside the pure renderers): does FRR 8.4's own parser accept a config? `vtysh --dryrun --inputfile FILE`
 * (`-C -f`) parses every line against the real command tables of zebra, ospfd, ospf6d, staticd…
 * without any daemon running, prints `line N: % Unknown command[node]: TEXT` (or Ambiguous /
 * Command incomplete) on stderr for every bad line and exits 2.
 *
 * One vtysh process costs ~45 ms, so 2,052 files one by one take a minute and a half. vtysh's
 * parse of a line is cheap, so files are checked in batches: several configs concatenated into one
 * input, each preceded by a top-level separator line (a `hostname` command: whatever node the
 * previous file ended in, vtysh climbs back to the config node to run it, so no file's lines are
 * parsed in another file's context), with line numbers mapped back to each file. Batches run in
 * parallel. When a batch fails without saying where, its files are checked one by one.
 */
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { runtimeError } from './errors.js';

const VTYSH = process.env.STACKS_VTYSH ?? '/usr/bin/vtysh';

export interface SyntaxInput {
  device: string;
  /** Where the config is (or would be) written, for messages: a synth path or `<lab>/<device>`. */
  path: string;
  text: string;
}

export interface SyntaxFinding {
  device: string;
  path: string;
  /** 1-based line in the file; 0 when vtysh failed without naming a line. */
  line: number;
  /** The offending line as the file has it. */
  text: string;
  /** vtysh's verdict, e.g. `% Unknown command[17]`. */
  message: string;
}

export interface SyntaxResult {
  files: number;
  findings: SyntaxFinding[];
  /** vtysh processes run. */
  processes: number;
  seconds: number;
}

export interface SyntaxOptions {
  /**
   * Files per vtysh run. Default: the files spread evenly over the parallel runs — a vtysh process
   * costs ~45 ms of CPU to start (loading every daemon's command tables) and ~10 µs per line after
   * that, so fewer, larger runs are cheaper (2,052 files: 2 s of CPU in one run, 100 s one by one).
   */
  batchSize?: number;
  /** vtysh runs at once (default: the machine's parallelism). */
  parallel?: number;
}

const SEPARATOR = 'hostname stacks-syntax-gate';
const LINE_REPORT = /^line (\d+): (.*?)(?::\s(.*))?$/;

interface VtyshRun {
  code: number;
  stderr: string;
  stdout: string;
}

/**
 * The batch goes to vtysh on its stdin (`--inputfile /dev/stdin`), never through a file: a
 * deploy's candidates hold the resolved secrets, which must not land in a temporary file. Through
 * `cat`, because Node gives a child a socket for stdin, which vtysh cannot open as a file (ENXIO);
 * cat's stdout is a real pipe. A missing vtysh shows as exit 127.
 */
function vtysh(input: string, name: string): Promise<VtyshRun> {
  return new Promise((resolve, reject) => {
    const argv = ['-c', 'cat | exec "$0" --dryrun --inputfile /dev/stdin', VTYSH];
    const child = execFile('/bin/sh', argv, { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code: number | string | undefined = err ? (err as NodeJS.ErrnoException & { code?: number | string }).code : 0;
      if (typeof code === 'string' || (code === 127 && /not found|No such file/.test(stderr))) {
        reject(runtimeError('E_VTYSH', `cannot run ${VTYSH}: ${stderr.trim() || err!.message}`, 'install FRR: scripts/ensure-system-packages.sh frr'));
        return;
      }
      if (err && (err as { killed?: boolean }).killed) {
        reject(runtimeError('E_VTYSH', `${VTYSH} --dryrun timed out on ${name}`));
        return;
      }
      resolve({ code: code ?? 1, stdout, stderr });
    });
    // vtysh may exit before reading it all (a missing binary, a crash): the callback reports that
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

/** Check one batch: returns findings, or undefined when vtysh failed without naming any line. */
async function checkBatch(index: number, files: readonly SyntaxInput[]): Promise<SyntaxFinding[] | undefined> {
  const starts: number[] = [];
  const chunks: string[] = [];
  let line = 1;
  for (const f of files) {
    chunks.push(SEPARATOR);
    line++;
    starts.push(line);
    const text = f.text.endsWith('\n') ? f.text : `${f.text}\n`;
    chunks.push(text.slice(0, -1));
    line += text.split('\n').length - 1;
  }
  const r = await vtysh(chunks.join('\n') + '\n', `batch ${index}`);
  const findings: SyntaxFinding[] = [];
  for (const raw of `${r.stderr}\n${r.stdout}`.split('\n')) {
    const m = LINE_REPORT.exec(raw.trimEnd());
    if (!m) continue;
    const global = Number(m[1]);
    let i = starts.length - 1;
    while (i > 0 && starts[i]! > global) i--;
    const f = files[i]!;
    const local = global - starts[i]! + 1;
    findings.push({ device: f.device, path: f.path, line: local, text: (f.text.split('\n')[local - 1] ?? m[3] ?? '').trimEnd(), message: m[2]!.trim() });
  }
  if (r.code !== 0 && findings.length === 0) return undefined;
  return findings;
}

export async function checkFrrSyntax(inputs: readonly SyntaxInput[], opts: SyntaxOptions = {}): Promise<SyntaxResult> {
  const started = Date.now();
  const parallel = Math.max(1, opts.parallel ?? availableParallelism());
  const size = Math.max(1, opts.batchSize ?? Math.ceil(inputs.length / parallel));
  const batches: SyntaxInput[][] = [];
  for (let i = 0; i < inputs.length; i += size) batches.push(inputs.slice(i, i + size));
  let processes = 0;
  const findings: SyntaxFinding[][] = new Array(batches.length);
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const b = next++;
      processes++;
      const got = await checkBatch(b, batches[b]!);
      if (got) {
        findings[b] = got;
        continue;
      }
      // vtysh failed but named no line: find the file(s) one at a time.
      const each: SyntaxFinding[] = [];
      for (const [k, f] of batches[b]!.entries()) {
        processes++;
        const one = await checkBatch(b * size + k + 1_000_000, [f]);
        each.push(...(one ?? [{ device: f.device, path: f.path, line: 0, text: '', message: 'vtysh --dryrun rejected the file without naming a line' }]));
      }
      findings[b] = each;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, batches.length) }, worker));
  return { files: inputs.length, findings: findings.flat(), processes, seconds: (Date.now() - started) / 1000 };
}

/** `device path:line: message: text`, one finding per line, for errors and text output. */
export function describeFinding(f: SyntaxFinding): string {
  return `${f.device} ${f.path}:${f.line}: ${f.message}${f.text ? `: ${f.text.trim()}` : ''}`;
}
