// Command line, `wsflow serve --static DIR`: plain HTTP requests answered with the files of a
// directory (GET and HEAD; index.html for a directory; nothing outside DIR).

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
};

/**
 * A request listener serving the files under `root`.
 *
 * @param root - An absolute directory.
 * @returns The listener, for an http.Server's 'request' event.
 */
export function staticFiles(
  root: string,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    serveFile(root, request, response).catch(() => {
      if (!response.headersSent) answer(response, 500, 'Internal Server Error\n');
      else response.destroy();
    });
  };
}

async function serveFile(
  root: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return answer(response, 405, 'Method Not Allowed\n');
  }
  const path = filePath(root, request.url ?? '/');
  const found = path === undefined ? undefined : await existingFile(path);
  if (found === undefined) return answer(response, 404, 'Not Found\n');
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(found.path).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': found.size,
  });
  if (request.method === 'HEAD') return void response.end();
  createReadStream(found.path)
    .on('error', () => response.destroy())
    .pipe(response);
}

/** The file a request target names under root, or undefined when it would leave root. */
function filePath(root: string, target: string): string | undefined {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(target, 'http://localhost').pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0')) return undefined;
  const path = resolve(join(root, pathname));
  return path === root || path.startsWith(root + sep) ? path : undefined;
}

/** The file itself, or the index.html of a directory; undefined when neither exists. */
async function existingFile(path: string): Promise<{ path: string; size: number } | undefined> {
  try {
    const stats = await stat(path);
    if (stats.isFile()) return { path, size: stats.size };
    if (!stats.isDirectory()) return undefined;
    const index = join(path, 'index.html');
    const indexStats = await stat(index);
    return indexStats.isFile() ? { path: index, size: indexStats.size } : undefined;
  } catch {
    return undefined;
  }
}

function answer(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}
