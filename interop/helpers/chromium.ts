// Interop helpers: headless Chromium (Debian's) as a client of the matrix, driven by playwright-core.
// One browser per suite; a tiny page served on 127.0.0.1 holds a relay that opens WebSockets,
// sends what the test hands it and reports the SHA-256 of what comes back.

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import type { ClientDriver, ClientSeenClose, ClientSession, Received } from './clients.js';
import type { Kind } from './payload.js';
import { CHROMIUM } from './peers.js';

/** The flags Chromium runs with: headless, sandbox-less (root), and quiet on the network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The relay the page defines on `globalThis.relay`. */
interface Relay {
  open(url: string): Promise<{ id: number; extensions: string }>;
  /** `data` is the text itself, or base64 for binary. */
  exchange(id: number, kind: Kind, data: string): Promise<Received>;
  close(id: number, code: number, reason: string): Promise<ClientSeenClose>;
  closed(id: number): Promise<ClientSeenClose>;
}
type RelayHost = { relay: Relay };

const RELAY = `
const sockets = new Map();
let nextId = 1;
function entryOf(id) {
  const entry = sockets.get(id);
  if (entry === undefined) throw new Error('no socket ' + id);
  return entry;
}
function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
async function digest(bytes) {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}
globalThis.relay = {
  open(url) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      const entry = { ws, messages: [], waiting: [], seen: undefined, closeWaiting: [] };
      ws.onmessage = (event) => {
        const waiter = entry.waiting.shift();
        if (waiter === undefined) entry.messages.push(event.data);
        else waiter.resolve(event.data);
      };
      ws.onclose = (event) => {
        entry.seen = { code: event.code, reason: event.reason, wasClean: event.wasClean };
        const error = new Error('closed instead of a reply: ' + event.code + ' ' + event.reason);
        for (const waiter of entry.waiting.splice(0)) waiter.reject(error);
        for (const resolveClose of entry.closeWaiting.splice(0)) resolveClose(entry.seen);
        reject(new Error('closed before it opened: ' + event.code));
      };
      ws.onopen = () => {
        const id = nextId++;
        sockets.set(id, entry);
        resolve({ id, extensions: ws.extensions });
      };
    });
  },
  async exchange(id, kind, data) {
    const entry = entryOf(id);
    const reply = new Promise((resolve, reject) => {
      if (entry.messages.length > 0) resolve(entry.messages.shift());
      else if (entry.seen !== undefined) reject(new Error('closed: ' + entry.seen.code));
      else entry.waiting.push({ resolve, reject });
    });
    entry.ws.send(kind === 'text' ? data : fromBase64(data));
    const message = await reply;
    const text = typeof message === 'string';
    const bytes = text ? new TextEncoder().encode(message) : new Uint8Array(message);
    return { kind: text ? 'text' : 'binary', size: bytes.length, sha256: await digest(bytes) };
  },
  close(id, code, reason) {
    const entry = entryOf(id);
    if (entry.seen === undefined) entry.ws.close(code, reason);
    return this.closed(id);
  },
  closed(id) {
    const entry = entryOf(id);
    if (entry.seen !== undefined) return Promise.resolve(entry.seen);
    return new Promise((resolve) => entry.closeWaiting.push(resolve));
  },
};
`;

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>wsflow interop relay</title>
<script>${RELAY}</script>
`;

/**
 * Launches Chromium with a fresh profile in a temporary directory and opens the relay page.
 * Chromium always offers permessage-deflate: "compression off" means the server declines it.
 */
export async function startChromiumClient(): Promise<ClientDriver> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'wsflow-chromium-'));
  const pageServer = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(PAGE);
  });
  let context: BrowserContext | undefined;
  const stop = async (): Promise<void> => {
    await context?.close();
    await new Promise<void>((resolve) => pageServer.close(() => resolve()));
    await rm(userDataDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    const { port } = pageServer.address() as AddressInfo;
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`http://127.0.0.1:${port}/`);
    return {
      name: 'chromium',
      sendsFragments: false,
      splitsCodePoints: false,
      async open(url): Promise<ClientSession> {
        const opened = await page.evaluate(
          (u) => (globalThis as unknown as RelayHost).relay.open(u),
          url,
        );
        const { id } = opened;
        return {
          extensions: opened.extensions,
          exchange: (kind, fragments) => {
            const bytes = Buffer.concat(fragments);
            const data = kind === 'text' ? bytes.toString('utf8') : bytes.toString('base64');
            return page.evaluate(
              (a) => (globalThis as unknown as RelayHost).relay.exchange(a.id, a.kind, a.data),
              { id, kind, data },
            );
          },
          close: (code, reason) =>
            page.evaluate(
              (a) => (globalThis as unknown as RelayHost).relay.close(a.id, a.code, a.reason),
              { id, code, reason },
            ),
          closed: () =>
            page.evaluate((i) => (globalThis as unknown as RelayHost).relay.closed(i), id),
        };
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
