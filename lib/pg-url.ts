/**
 * PostgreSQL connection URLs without their passwords in the places others can read: a URL with a
 * password is refused on the command line (every local user sees argv in `ps` and /proc/PID/cmdline)
 * and every error that mentions a URL shows it redacted. Pass passwords through STACKS_PG_URL,
 * PGPASSWORD or ~/.pgpass instead.
 */
import { inputError, runtimeError, StacksError } from './errors.js';

const SCHEMES = /^(postgres|postgresql):\/\//;

/** The URL with its password (and anything that looks like one) replaced by `***`. */
export function redactUrl(url: string): string {
  // userinfo "user:password@" wherever it sits — also after a mistyped scheme such as "postgres:/".
  return url.replace(/(^|[/:])([^/:?#@]*):([^@/?#]*)@/, (_m, lead: string, user: string) => `${lead}${user}:***@`).replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/** Only the scheme of something that is not a URL we understand: its rest could be anything secret. */
const schemeOnly = (url: string) => `${/^[a-z][a-z0-9+.-]*:?/i.exec(url)?.[0] ?? ''}…`;

export function passwordOf(url: string): string | undefined {
  const m = /(?:^|[/:])[^/:?#@]*:([^@/?#]*)@/.exec(url);
  const q = /[?&]password=([^&#]*)/i.exec(url);
  const pw = m?.[1] || q?.[1];
  return pw ? decodeURIComponentSafe(pw) : undefined;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Check a URL given on the command line: right scheme, no password. Never echoes the URL's secret. */
export function checkUrlOption(flag: string, url: string): string {
  if (!SCHEMES.test(url))
    throw inputError(
      'E_PG_URL',
      '(command line)',
      flag,
      `"${schemeOnly(url)}" is not a PostgreSQL URL (expected postgres:// or postgresql://)`,
      'use postgres://user@host:5432/db',
    );
  if (passwordOf(url) !== undefined) {
    throw inputError(
      'E_PG_URL_PASSWORD',
      '(command line)',
      flag,
      `the URL carries a password, which every local user can read in the process list (${redactUrl(url)})`,
      'put the URL in STACKS_PG_URL, or the password in PGPASSWORD or ~/.pgpass, and drop it from the command line',
    );
  }
  return url;
}

/** Check a URL from the environment (a password is fine there): the scheme only, redacted in errors. */
export function checkUrlEnv(name: string, url: string): string {
  if (!SCHEMES.test(url))
    throw inputError(
      'E_PG_URL',
      name,
      '(environment)',
      `"${schemeOnly(url)}" is not a PostgreSQL URL (expected postgres:// or postgresql://)`,
      'use postgres://user:password@host:5432/db',
    );
  return url;
}

/** A connection failure as a runtime error whose message cannot contain the password. */
export function connectionError(what: string, url: string, cause: unknown): StacksError {
  const pw = passwordOf(url);
  let message = cause instanceof Error ? cause.message : String(cause);
  if (pw) message = message.split(pw).join('***');
  message = message.split(url).join(redactUrl(url));
  // The cause is kept off the error: its stack and fields may quote the connection string.
  return runtimeError('E_PG_CONNECT', `cannot open ${what} at ${redactUrl(url)}: ${message}`, 'check the server is up and the URL (STACKS_PG_URL)');
}
