/**
 * Rules a user adds without a code change: JavaScript modules (`.js`/`.mjs`) the inventory names
 * (province.yaml `policy.rules`, by default its `policies/` folder: inventory/policy-files.ts), each exporting one rule or an array of them in the `definePolicy` shape of
 * policies/types.ts (id, title, severity, description, requires, check; optionally clauses and
 * helpUri). Why modules and not a declarative form: a rule over a topology is a small program (walk
 * links, compare sites), the built-in rules are written exactly so, and a user copying one gets
 * the same power; a YAML rule language would need its own loops and functions. (TypeScript files
 * would need a loader Node 20 lacks: compile them, or write JS with JSDoc types.)
 *
 * Each file runs in its own worker thread: a rule that throws is reported with its file, and one
 * that never returns (at import or in check) is stopped after a timeout — neither can hang or
 * crash `stacks policy`. The worker gets only the inputs its rules name (structured clones).
 */
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { inputError } from '../lib/errors.js';
import type { AnyPolicy, PolicyInputName, PolicyInputs, Severity, Violation } from './types.js';

export const DEFAULT_RULE_TIMEOUT_MS = 10_000;

interface UserRuleMeta {
  id: string;
  title: string;
  severity: Severity;
  description: string;
  requires: PolicyInputName[];
  clauses?: string[];
  helpUri?: string;
}

/** The worker: import the file, describe its rules, wait for the inputs, run every check. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fail = (e) => parentPort.postMessage({ ok: false, message: e && e.message ? String(e.message) : String(e) });
(async () => {
  let rules;
  try {
    const mod = await import(workerData.url);
    rules = mod.default ?? mod.rules ?? mod.policy;
    if (!Array.isArray(rules)) rules = [rules];
  } catch (e) { return fail(e); }
  const meta = [];
  for (const [i, r] of rules.entries()) {
    if (!r || typeof r !== 'object' || typeof r.check !== 'function') return fail({ message: 'export ' + i + ' is not a rule (an object with id, title, severity, description, requires and a check function)' });
    meta.push({ id: r.id, title: r.title, severity: r.severity, description: r.description, requires: r.requires, clauses: r.clauses, helpUri: r.helpUri });
  }
  parentPort.postMessage({ ok: true, meta });
  parentPort.once('message', (inputs) => {
    const out = {};
    for (const r of rules) {
      try { out[r.id] = r.check(inputs); } catch (e) { return parentPort.postMessage({ ok: false, rule: r.id, message: e && e.message ? String(e.message) : String(e) }); }
    }
    parentPort.postMessage({ ok: true, out });
  });
})();
`;

type Reply = { ok: true; meta?: UserRuleMeta[]; out?: Record<string, unknown> } | { ok: false; rule?: string; message: string };

function nextReply(worker: Worker, file: string, timeoutMs: number, phase: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(
        inputError(
          'E_RULE_TIMEOUT',
          file,
          '(rule file)',
          `${phase} did not finish within ${timeoutMs / 1000} s (a loop that never returns?)`,
          'fix the rule, or raise --rule-timeout',
        ),
      );
    }, timeoutMs);
    const done = () => clearTimeout(timer);
    worker.once('message', (m: Reply) => {
      done();
      resolve(m);
    });
    worker.once('error', (e) => {
      done();
      reject(inputError('E_RULE_FAILED', file, '(rule file)', `${phase} failed: ${e.message}`));
    });
  });
}

const KNOWN_INPUTS = new Set<string>(['inventory', 'topology', 'cloud', 'deviceConfigs', 'terraformJson']);

function checkMeta(m: UserRuleMeta, file: string, i: number, taken: Set<string>): void {
  const at = `rules[${i}]`;
  if (typeof m.id !== 'string' || !/^[A-Z]{2,5}-\d{3}$/.test(m.id))
    throw inputError('E_RULE_SHAPE', file, `${at}.id`, `"${String(m.id)}" is not a rule id like ORG-001`);
  if (taken.has(m.id)) throw inputError('E_RULE_SHAPE', file, `${at}.id`, `rule ${m.id} is already defined`, 'user rules take ids of their own (e.g. ORG-001)');
  if (m.severity !== 'hard' && m.severity !== 'soft') throw inputError('E_RULE_SHAPE', file, `${at}.severity`, 'must be "hard" or "soft"');
  if (typeof m.title !== 'string' || !m.title || typeof m.description !== 'string')
    throw inputError('E_RULE_SHAPE', file, `${at}.title`, 'needs a title and a description');
  if (!Array.isArray(m.requires) || m.requires.some((r) => !KNOWN_INPUTS.has(r)))
    throw inputError('E_RULE_SHAPE', file, `${at}.requires`, `must list inputs among ${[...KNOWN_INPUTS].join(', ')}`);
}

interface UserRuleFile {
  file: string;
  rules: UserRuleMeta[];
  /** Run every rule of the file over `inputs` (only what they require is sent). */
  run(inputs: PolicyInputs): Promise<Map<string, Violation[]>>;
  close(): Promise<void>;
}

async function loadUserRuleFile(file: string, taken: Set<string>, timeoutMs = DEFAULT_RULE_TIMEOUT_MS): Promise<UserRuleFile> {
  const worker = new Worker(WORKER, { eval: true, workerData: { url: pathToFileURL(file).href }, stdout: false, stderr: false });
  worker.unref();
  const first = await nextReply(worker, file, timeoutMs, 'loading the rule file');
  if (!first.ok) {
    await worker.terminate();
    throw inputError('E_RULE_FAILED', file, '(rule file)', `cannot load: ${first.message}`);
  }
  const rules = first.meta ?? [];
  rules.forEach((m, i) => checkMeta(m, file, i, taken));
  for (const m of rules) taken.add(m.id);
  return {
    file,
    rules,
    async run(inputs) {
      const names = new Set(rules.flatMap((r) => r.requires));
      const sent: Record<string, unknown> = {};
      for (const n of names) sent[n] = (inputs as Record<string, unknown>)[n];
      worker.postMessage(sent);
      const reply = await nextReply(worker, file, timeoutMs, 'checking');
      await worker.terminate();
      if (!reply.ok) throw inputError('E_RULE_FAILED', file, reply.rule ? `rule ${reply.rule}` : '(rule file)', `the rule threw: ${reply.message}`);
      const out = new Map<string, Violation[]>();
      for (const r of rules) {
        const v = reply.out?.[r.id];
        if (!Array.isArray(v) || v.some((x) => !x || typeof (x as Violation).resource !== 'string' || typeof (x as Violation).message !== 'string')) {
          throw inputError('E_RULE_SHAPE', file, `rule ${r.id}`, 'check() must return an array of { resource, message }');
        }
        out.set(r.id, v as Violation[]);
      }
      return out;
    },
    close: async () => void (await worker.terminate()),
  };
}

/**
 * Load every rule file and give back rules the runner can run: their check returns what the worker
 * computed (`prepare` must run first, with the same inputs the runner gets).
 */
export async function loadUserRules(
  files: readonly string[],
  builtIn: readonly string[],
  timeoutMs?: number,
): Promise<{ rules: AnyPolicy[]; prepare(inputs: PolicyInputs): Promise<void>; close(): Promise<void> }> {
  const taken = new Set(builtIn);
  const loaded: UserRuleFile[] = [];
  try {
    for (const f of files) loaded.push(await loadUserRuleFile(f, taken, timeoutMs));
  } catch (err) {
    await Promise.all(loaded.map((l) => l.close()));
    throw err;
  }
  const results = new Map<string, Violation[]>();
  const rules: AnyPolicy[] = loaded.flatMap((l) =>
    l.rules.map((m) => ({
      id: m.id,
      title: m.title,
      severity: m.severity,
      description: m.description,
      requires: m.requires,
      ...(m.clauses ? { clauses: m.clauses } : {}),
      ...(m.helpUri ? { helpUri: m.helpUri } : {}),
      check: () => (results.get(m.id) ?? []).map((v) => ({ resource: v.resource, message: v.message, location: { file: l.file } })),
    })),
  );
  return {
    rules,
    async prepare(inputs) {
      for (const l of loaded) {
        const available = l.rules.filter((r) => r.requires.every((n) => (inputs as Record<string, unknown>)[n] !== undefined));
        if (!available.length) {
          await l.close();
          continue;
        }
        for (const [id, v] of await l.run(inputs)) results.set(id, v);
      }
    },
    close: async () => void (await Promise.all(loaded.map((l) => l.close()))),
  };
}
