// rawHeader reads one field from a request's raw lines as node:http's `request.headers` would
// give it (repeated fields joined or the first kept), so a guard need not build `headers`.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { rawHeader } from '../../src/routing/raw-header.js';
import { rawExchange } from '../server/support.js';

/** The request node:http parses from `head` (request line and header lines). */
async function parsed(head: string): Promise<IncomingMessage> {
  let seen: IncomingMessage | undefined;
  const server = createServer((request, response) => {
    seen = request;
    response.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await rawExchange(port, `${head}\r\nConnection: close\r\n\r\n`);
  server.close();
  assert.ok(seen !== undefined);
  return seen;
}

describe('rawHeader', () => {
  it('gives what request.headers gives, for single and repeated fields', async () => {
    const request = await parsed(
      [
        'GET / HTTP/1.1',
        'Host: 127.0.0.1',
        'origin: https://a.example',
        'ORIGIN: https://b.example',
        'Authorization: Basic first',
        'authorization: Basic second',
        'Cookie: a=1',
        'cookie: b=2',
        'X-Once: one',
      ].join('\r\n'),
    );
    const names = ['origin', 'authorization', 'cookie', 'x-once', 'x-missing'];
    const fromRaw = names.map((name) => rawHeader(request, name));
    assert.deepEqual(fromRaw, [
      'https://a.example, https://b.example',
      'Basic first',
      'a=1; b=2',
      'one',
      undefined,
    ]);
    assert.deepEqual(
      fromRaw,
      names.map((name) => request.headers[name]),
    );
  });

  it('falls back to headers for a request made by hand', () => {
    const request = { rawHeaders: [], headers: { origin: 'https://x.example' } };
    assert.equal(rawHeader(request as unknown as IncomingMessage, 'origin'), 'https://x.example');
  });
});
