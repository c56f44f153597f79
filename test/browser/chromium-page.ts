// Headless Chromium (Debian's, through playwright-core) with one page, for the browser client's
// tests; the page is whatever the test's own server serves.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../interop/helpers/chromium.js';
import { CHROMIUM } from '../../interop/helpers/peers.js';

/** The bundle `npm run build:all` makes (build/browser.js), as a page would fetch it. */
export const BUNDLE = fileURLToPath(new URL('../../browser.js', import.meta.url));

/** A browser with one page; `stop` closes it and removes its profile. */
export interface BrowserPage {
  readonly page: Page;
  stop(): Promise<void>;
}

/** Launches Chromium with a fresh profile in a temporary directory. */
export async function launchPage(): Promise<BrowserPage> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'wsflow-browser-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    async stop() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
