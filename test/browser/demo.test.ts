// The demo that `npm start` serves, in real Chromium: its server is a child process, run as
// `npm start` runs it. Two pages chat in one room (each sees the other's lines and who is
// there), the echo pane tells Strict from Streamed, the stopwatch counts; the page fits a wide
// screen and a phone and works from the keyboard; then the server is stopped and started again
// on the same port, and both pages show that they reconnect and chat on. Screenshots, wide
// (1280×800) and narrow (375×740), are written to build/screenshots/; with
// UPDATE_SCREENSHOTS=1 also to docs/screenshots/, which the README shows.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { chromiumMissing, needs } from '../../interop/helpers/peers.js';
import { launchPage } from './chromium-page.js';
import type { BrowserPage } from './chromium-page.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEMO = join(ROOT, 'build', 'examples', 'demo', 'server.js');
const SHOTS = join(ROOT, 'build', 'screenshots');
const COMMITTED_SHOTS = join(ROOT, 'docs', 'screenshots');

/** What a wait for the page may take at most, on a loaded machine. */
const WAIT = { timeout: 20_000 };

/** The page's document, as far as the waits below read it (the build has no DOM lib). */
interface PageDocument {
  document: {
    querySelector(selector: string): { textContent: string | null } | null;
    querySelectorAll(selector: string): Iterable<{ textContent: string | null }>;
    documentElement: { scrollWidth: number };
    activeElement: { id: string } | null;
  };
}

/** A port nothing listens on, for both runs of the demo. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts the demo as `npm start` does, on `port`; resolves once it prints its URL. */
async function startDemo(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [DEMO], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', TICK_MS: '100' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`open http://127.0.0.1:${port}/`)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the demo exited (${code}):\n${output}`)));
  });
  return child;
}

/** Stops the demo as Ctrl-C would (every page is told 1001), and waits for it to exit. */
async function stopDemo(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  assert.equal(code, 0);
}

/** Waits until a pane's connection badge shows `state`. */
async function stateIs(page: Page, pane: string, state: string): Promise<void> {
  await page.waitForSelector(`#${pane}-state[data-state="${state}"]`, WAIT);
}

/** Says `text` in the chat, from the keyboard: type, then Enter. */
async function say(page: Page, text: string): Promise<void> {
  await page.fill('#chat-text', text);
  await page.press('#chat-text', 'Enter');
}

/** Waits until the chat log holds a line with `text`. */
async function logShows(page: Page, text: string): Promise<void> {
  await page.locator('#chat-log .text', { hasText: text }).first().waitFor(WAIT);
}

/** Waits until the presence list is exactly `names` ("(you)" aside). */
async function peopleAre(page: Page, names: string[]): Promise<void> {
  await page.waitForFunction(
    (expected) => {
      const items = [
        ...(globalThis as unknown as PageDocument).document.querySelectorAll('#people li'),
      ];
      const shown = items.map((item) => (item.textContent ?? '').replace(' (you)', '')).sort();
      return JSON.stringify(shown) === JSON.stringify(expected);
    },
    [...names].sort(),
    WAIT,
  );
}

/** Writes a screenshot into build/screenshots/ (and docs/screenshots/ when updating them). */
async function screenshot(page: Page, name: string): Promise<void> {
  const path = join(SHOTS, name);
  await page.screenshot({ path });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    await mkdir(COMMITTED_SHOTS, { recursive: true });
    await copyFile(path, join(COMMITTED_SHOTS, name));
  }
}

describe('the demo in Chromium', needs(chromiumMissing()), () => {
  let browser: BrowserPage;
  let ada: Page;
  let grace: Page;
  let port: number;
  let demo: ChildProcess;

  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    port = await freePort();
    demo = await startDemo(port);
    browser = await launchPage();
    ada = browser.page;
    grace = await ada.context().newPage();
    await ada.setViewportSize({ width: 1280, height: 800 });
    await grace.setViewportSize({ width: 375, height: 740 });
  });
  after(async () => {
    await browser?.stop();
    if (demo !== undefined) await stopDemo(demo);
  });

  it('two pages chat in one room: each sees the other, and who is there', async () => {
    const room = `http://127.0.0.1:${port}/rooms/lobby`;
    await ada.goto(`${room}?name=Ada`);
    await grace.goto(`${room}?name=Grace`);
    for (const page of [ada, grace]) {
      await stateIs(page, 'chat', 'open');
      await peopleAre(page, ['Ada', 'Grace']);
    }
    await say(ada, 'Hello from the wide screen!');
    await logShows(grace, 'Hello from the wide screen!');
    await say(grace, 'And hello from a phone.');
    await logShows(ada, 'And hello from a phone.');
    assert.equal(
      await ada.locator('#chat-log .mine .text').last().textContent(),
      'Hello from the wide screen!',
    );
  });

  it('the echo pane: a short message is Strict, 4 MiB is Streamed', async () => {
    await stateIs(ada, 'echo', 'open');
    await ada.fill('#echo-text', 'hello, wsflow');
    await ada.press('#echo-text', 'Enter');
    const first = ada.locator('#echo-results tr').first();
    await first.locator('td.strict', { hasText: 'Strict text' }).waitFor(WAIT);
    assert.equal(await first.locator('td').nth(2).textContent(), '13 B');

    await ada.click('#echo-large');
    await ada.locator('#echo-results td.streamed', { hasText: 'Streamed text' }).waitFor(WAIT);
    const large = ada.locator('#echo-results tr').first();
    assert.equal(await large.locator('td').nth(2).textContent(), '4,194,304 B');
    assert.ok(Number(await large.locator('td').nth(3).textContent()) > 1);
  });

  it('the stopwatch counts once started, and stops', async () => {
    await stateIs(ada, 'stopwatch', 'open');
    await ada.click('.stopwatch button[data-command="start"]');
    await ada.waitForFunction(
      () =>
        Number(
          (globalThis as unknown as PageDocument).document.querySelector('#stopwatch-count')
            ?.textContent,
        ) >= 3,
      undefined,
      WAIT,
    );
    await ada.click('.stopwatch button[data-command="stop"]');
    assert.equal(
      await ada.getAttribute('.stopwatch button[data-command="start"]', 'aria-pressed'),
      'false',
    );
  });

  it('fits 1280×800 and a 375 px phone, with no sideways scrolling (screenshots of both)', async () => {
    const width = (page: Page) =>
      page.evaluate(
        () => (globalThis as unknown as PageDocument).document.documentElement.scrollWidth,
      );
    assert.equal(await width(ada), 1280);
    assert.equal(await width(grace), 375);
    await screenshot(ada, 'demo-wide.png');
    await screenshot(grace, 'demo-narrow.png');
  });

  it('works from the keyboard: every field has a label, Tab reaches the message box, Enter sends', async () => {
    for (const label of ['Room', 'Message', 'Your name', 'Message to echo']) {
      assert.equal(await grace.getByLabel(label, { exact: true }).count(), 1, label);
    }
    await grace.locator('body').focus();
    const focused = () =>
      grace.evaluate(
        () => (globalThis as unknown as PageDocument).document.activeElement?.id ?? '',
      );
    for (let tabs = 0; tabs < 10 && (await focused()) !== 'chat-text'; tabs++) {
      await grace.keyboard.press('Tab');
    }
    assert.equal(await focused(), 'chat-text');
    await grace.keyboard.type('Typed, then Enter.');
    await grace.keyboard.press('Enter');
    await logShows(ada, 'Typed, then Enter.');
  });

  it('a server restart: both pages show it, reconnect, and chat on', async () => {
    await stopDemo(demo);
    for (const page of [ada, grace]) await stateIs(page, 'chat', 'reconnecting');
    demo = await startDemo(port);
    for (const page of [ada, grace]) {
      await stateIs(page, 'chat', 'open');
      await peopleAre(page, ['Ada', 'Grace']);
    }
    await say(grace, 'Back after the restart.');
    await logShows(ada, 'Back after the restart.');
    await say(ada, 'Welcome back.');
    await logShows(grace, 'Welcome back.');
    await stateIs(ada, 'echo', 'open');
    await stateIs(ada, 'stopwatch', 'open');
  });

  it('a rename: the others see the new name; a name the schema would refuse is not sent', async () => {
    await grace.fill('#name', 'Grace H');
    await grace.press('#name', 'Enter');
    await peopleAre(ada, ['Ada', 'Grace H']);
    await grace.fill('#name', '<Grace>');
    await grace.press('#name', 'Enter');
    const valid = await grace.$eval(
      '#name',
      (input) => (input as unknown as { validity: { valid: boolean } }).validity.valid,
    );
    assert.equal(valid, false);
    await say(grace, 'Still here, as Grace H.');
    await logShows(ada, 'Still here, as Grace H.');
    await stateIs(grace, 'chat', 'open');
    await peopleAre(ada, ['Ada', 'Grace H']);
  });
});
