// The demo's plain HTTP side, beside its sockets on one serve() (`httpHandler`): the page of a
// room, with the URL of each socket written into it by reverse routing, and the static files it
// loads: its script and styles from examples/demo/public/, and wsflow/browser, the bundle
// `npm run build:all` writes to build/browser.js.

import { readFileSync, readdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpRequestHandler } from '../../src/index.js';
import { ROOM_NAME } from './chat-protocol.js';
import type { DemoRoutes } from './routes.js';

/** The page and its files, read from the source tree (build/examples/demo → examples/demo). */
const PUBLIC = fileURLToPath(new URL('../../../examples/demo/public/', import.meta.url));
const BROWSER_BUNDLE = fileURLToPath(new URL('../../browser.js', import.meta.url));

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The page's scripts may talk to this server alone, and nothing inline runs. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; base-uri 'none'";

/** A file served as it is, read once. */
interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

/** Every file of public/ but the page, and the browser client, by the path they are served on. */
function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(PUBLIC)) {
    if (name === 'index.html') continue;
    const type = TYPES[extname(name)] ?? 'application/octet-stream';
    assets.set(`/assets/${name}`, { type, body: readFileSync(join(PUBLIC, name)) });
  }
  assets.set('/assets/wsflow-browser.js', {
    type: TYPES['.js'],
    body: readFileSync(BROWSER_BUNDLE),
  });
  return assets;
}

/** Escapes text for an HTML attribute or text node. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The HTTP handler of the demo: `/` leads to the lobby, `/rooms/<room>` is the page of a room,
 * `/assets/...` its files; anything else is 404.
 *
 * @param routes - The demo's router: the page's socket URLs are built by its `url()`.
 */
export function demoPages(routes: DemoRoutes): HttpRequestHandler {
  const template = readFileSync(join(PUBLIC, 'index.html'), 'utf8');
  const assets = loadAssets();

  /** The page of `room`, each socket URL absolute (ws: or wss:, as the page was asked for). */
  const page = (room: string, request: IncomingMessage): string => {
    const from = { from: request };
    const values: Record<string, string> = {
      room,
      chatSocket: routes.url('chat', { room }, from),
      echoSocket: routes.url('echo', {}, from),
      stopwatchSocket: routes.url('stopwatch', {}, from),
    };
    return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => escapeHtml(values[key] ?? ''));
  };

  return (request: IncomingMessage, response: ServerResponse) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    const send = (status: number, type: string, body: string | Buffer): void => {
      response.writeHead(status, {
        'Content-Type': type,
        'Cache-Control': 'no-cache',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
      });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (pathname === '/') {
      response.writeHead(302, { Location: '/rooms/lobby' }).end();
      return;
    }
    const room = /^\/rooms\/([^/]+)$/.exec(pathname)?.[1];
    if (room !== undefined && ROOM_NAME.test(room)) {
      send(200, TYPES['.html'], page(room, request));
      return;
    }
    const asset = assets.get(pathname);
    if (asset !== undefined) {
      send(200, asset.type, asset.body);
      return;
    }
    send(404, 'text/plain; charset=utf-8', 'Not Found: rooms are /rooms/<a-z, 0-9 and ->\n');
  };
}
