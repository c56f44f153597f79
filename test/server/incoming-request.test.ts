// serve() builds the upgrade request from its own head reader through node:http's undocumented
// IncomingMessage.prototype._addHeaderLines (src/server/incoming-request.ts). These tests fail
// loudly when a Node release renames it or changes what it does, before any user meets it.

import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { parseRequestHead } from '../../src/http/request-head.js';
import { headersFromLines, toIncomingMessage } from '../../src/server/incoming-request.js';

const HEAD = Buffer.from(
  'GET /chat?room=1 HTTP/1.1\r\nHost: example.test\r\nhost: other.test\r\n' +
    'Cookie: a=1\r\ncookie: b=2\r\nX-Repeated: one\r\nx-repeated: two\r\n' +
    'Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
  'latin1',
);

describe("node:http's IncomingMessage, as serve() fills it", () => {
  it('still has _addHeaderLines, which serve() needs to build request headers', () => {
    const addHeaderLines = (IncomingMessage.prototype as unknown as Record<string, unknown>)
      ._addHeaderLines;
    assert.equal(
      typeof addHeaderLines,
      'function',
      `this Node release (${process.version}) has no IncomingMessage.prototype._addHeaderLines: ` +
        'src/server/incoming-request.ts must build the headers another way',
    );
  });

  it("gets node:http's rules for repeated fields from it", () => {
    const head = parseRequestHead(HEAD, HEAD.length, 100);
    const request = toIncomingMessage(head, new Socket());
    assert.equal(request.method, 'GET');
    assert.equal(request.url, '/chat?room=1');
    assert.equal(request.httpVersion, '1.1');
    assert.deepEqual(request.rawHeaders, head.rawHeaders);
    assert.equal(request.headers.host, 'example.test', 'the first Host wins');
    assert.equal(request.headers.cookie, 'a=1; b=2', 'cookies are joined with "; "');
    assert.equal(request.headers['x-repeated'], 'one, two', 'other fields with ", "');
    assert.deepEqual(request.headersDistinct['x-repeated'], ['one', 'two']);
  });

  it('builds the same headers from the lines alone, for a request no longer kept', () => {
    const head = parseRequestHead(HEAD, HEAD.length, 100);
    const request = toIncomingMessage(head, new Socket());
    assert.deepEqual(headersFromLines(head.rawHeaders), request.headers);
    assert.equal(headersFromLines(head.rawHeaders).host, 'example.test');
  });
});
