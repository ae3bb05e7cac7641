/**
 * Errors a user can act on. Every failure that reaches the CLI is a StacksError with a code,
 * the file and path it concerns, and a hint; the CLI maps `kind` to the exit codes in DESIGN.md.
 */
export type ErrorKind = 'input' | 'policy' | 'runtime';

export const EXIT = { ok: 0, policy: 1, input: 2, runtime: 3 } as const;

export interface StacksErrorOptions {
  code: string;
  message: string;
  kind?: ErrorKind;
  file?: string;
  /** JSON-path-like location inside the file, e.g. `cities[3].counties[0].id`. */
  path?: string;
  hint?: string;
  cause?: unknown;
}

export class StacksError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly file?: string;
  readonly path?: string;
  readonly hint?: string;

  constructor(opts: StacksErrorOptions) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'StacksError';
    this.code = opts.code;
    this.kind = opts.kind ?? 'input';
    this.file = opts.file;
    this.path = opts.path;
    this.hint = opts.hint;
  }

  get exitCode(): number {
    return EXIT[this.kind];
  }

  /** One line a person reads first: where, then what. */
  describe(): string {
    const where = [this.file, this.path].filter(Boolean).join(': ');
    const hint = this.hint ? `\n  hint: ${this.hint}` : '';
    return `${this.code}: ${where ? `${where}: ` : ''}${this.message}${hint}`;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, kind: this.kind, message: this.message, file: this.file, path: this.path, hint: this.hint };
  }
}

/** How many problems one report lists (the count of the rest is given). */
export const MAX_REPORTED = 50;

/** Several input problems found in one pass: reported together so a person fixes them in one go. */
export class StacksErrors extends StacksError {
  readonly errors: StacksError[];
  constructor(errors: StacksError[]) {
    const first = errors[0];
    super({
      code: first?.code ?? 'E_INPUT',
      kind: first?.kind ?? 'input',
      file: first?.file,
      path: first?.path,
      message: errors.length === 1 ? (first?.message ?? '') : `${errors.length} problems, first: ${first?.message}`,
      hint: first?.hint,
    });
    this.errors = errors;
  }

  /** At most MAX_REPORTED problems, then how many more: 50 MB of bad rows must not print 143 MB. */
  override describe(): string {
    const shown = this.errors.slice(0, MAX_REPORTED).map((e) => e.describe());
    const rest = this.errors.length - shown.length;
    if (rest > 0) shown.push(`… and ${rest} more problems (${this.errors.length} in all; the first ${MAX_REPORTED} are shown)`);
    return shown.join('\n');
  }

  override toJSON(): Record<string, unknown> {
    return { code: this.code, kind: this.kind, count: this.errors.length, errors: this.errors.slice(0, MAX_REPORTED).map((e) => e.toJSON()) };
  }
}

export function inputError(code: string, file: string, path: string, message: string, hint?: string): StacksError {
  return new StacksError({ code, file, path, message, hint, kind: 'input' });
}

export function runtimeError(code: string, message: string, hint?: string, cause?: unknown): StacksError {
  return new StacksError({ code, message, hint, cause, kind: 'runtime' });
}
