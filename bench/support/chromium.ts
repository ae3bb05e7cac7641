/**
 * Real headless Chromium for the NOC page's test and bench: Debian's `chromium` (scripts/
 * system-packages.txt) driven by puppeteer-core, which downloads no browser of its own. DevTools
 * speaks over a pipe (no debugging port is opened) and every host name but loopback resolves to
 * nothing, so the browser reaches only the daemon the test started. Fails, never skips, when the
 * browser is missing: CI installs it.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

export const CHROMIUM = process.env.STACKS_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (scripts/system-packages.txt)`);
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    pipe: true,
    args: [
      // root (CI) cannot use Chromium's user-namespace sandbox here
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-extensions',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      '--window-size=1600,1000',
    ],
    defaultViewport: { width: 1600, height: 1000 },
  });
}
