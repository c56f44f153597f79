// The client's pure parts, without sockets: resolving a WebSocketRequest, Basic Auth, the request
// head, the bounded response-head parser (fed at every split), and judging a response.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HandshakeError, HandshakeErrorCode, basicAuth } from '../../src/index.js';
import { computeAccept } from '../../src/protocol/handshake.js';
import { resolveRequest } from '../../src/client/request.js';
import { judgeResponse } from '../../src/client/response.js';
import { bodyLength, parseResponseHead } from '../../src/client/response-head.js';
import { formatRequestHead } from '../../src/client/transport-handshake.js';

describe('resolveRequest', () => {
  it('accepts ws:, wss:, http: and https:, and knows which are secure', () => {
    const secure = ['ws:', 'wss:', 'http:', 'https:'].map((scheme) => {
      return resolveRequest(`${scheme}//127.0.0.1/`).secure;
    });
    assert.deepEqual(secure, [false, true, false, true]);
  });

  it('turns user info into Basic Auth and drops it from the URL', () => {
    const resolved = resolveRequest('ws://johan:pass%20word@127.0.0.1:8080/path');
    assert.equal(resolved.headers.Authorization, basicAuth('johan', 'pass word'));
    assert.equal(resolved.url.href, 'ws://127.0.0.1:8080/path');
  });

  it('keeps an Authorization header given explicitly over user info', () => {
    const resolved = resolveRequest({
      url: 'ws://a:b@127.0.0.1/',
      extraHeaders: { authorization: 'Bearer token' },
    });
    assert.equal(resolved.headers.authorization, 'Bearer token');
    assert.equal(resolved.headers.Authorization, undefined);
  });

  it('draws a fresh key per resolution and offers the subprotocols in order', () => {
    const request = { url: 'ws://127.0.0.1/', subprotocols: ['v2.chat', 'v1.chat'] };
    const [a, b] = [resolveRequest(request), resolveRequest(request)];
    assert.notEqual(a.key, b.key);
    assert.equal(a.headers['Sec-WebSocket-Protocol'], 'v2.chat, v1.chat');
    assert.equal(a.handshakeTimeoutMs, 10_000);
  });

  it('formats the request head for raw transports, with Host unless given', () => {
    const head = formatRequestHead(
      resolveRequest({ url: 'ws://h.test:81/a b?x=1', extraHeaders: { C: ['1', '2'] } }),
    );
    assert.match(head, /^GET \/a%20b\?x=1 HTTP\/1\.1\r\nHost: h\.test:81\r\n/);
    assert.match(head, /\r\nC: 1\r\nC: 2\r\n\r\n$/);
    const custom = formatRequestHead(
      resolveRequest({ url: 'ws://h.test/', extraHeaders: { Host: 'x' } }),
    );
    assert.equal(custom.match(/host:/gi)?.length, 1);
  });

  it('builds Basic Auth values and refuses a user name with a colon', () => {
    assert.equal(basicAuth('user', 'pass'), 'Basic dXNlcjpwYXNz');
    assert.throws(() => basicAuth('a:b', 'c'), TypeError);
  });
});

describe('parseResponseHead', () => {
  const head = Buffer.from(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSet-Cookie: a=1\r\n' +
      'set-cookie: b=2\r\nX-Space:   padded \t\r\n\r\n\x81\x00',
    'latin1',
  );

  it('parses the head at every split, and tells where the frames start', () => {
    for (let split = 0; split <= head.length; split++) {
      const first = parseResponseHead(head.subarray(0, split));
      const whole = first ?? parseResponseHead(head);
      assert.ok(whole !== undefined);
      if (first === undefined) assert.ok(split < head.length - 2);
      assert.equal(whole.status, 101);
      assert.equal(whole.statusText, 'Switching Protocols');
      assert.deepEqual(whole.headers['set-cookie'], ['a=1', 'b=2']);
      assert.equal(whole.headers['x-space'], 'padded');
      assert.equal(whole.headBytes, head.length - 2);
    }
  });

  it('accepts a status line without a reason phrase', () => {
    const parsed = parseResponseHead(Buffer.from('HTTP/1.0 404\r\n\r\n'));
    assert.deepEqual([parsed?.status, parsed?.statusText], [404, '']);
  });

  const invalid: [string, string][] = [
    ['a bare LF', 'HTTP/1.1 101 OK\nUpgrade: websocket\r\n\r\n'],
    ['a header without a colon', 'HTTP/1.1 101 OK\r\nUpgrade websocket\r\n\r\n'],
    ['a name with a space', 'HTTP/1.1 101 OK\r\nUp grade: websocket\r\n\r\n'],
    ['a control character', 'HTTP/1.1 101 OK\r\nX: a\x00b\r\n\r\n'],
    ['a status out of range', 'HTTP/1.1 099 Nope\r\n\r\n'],
    ['a lowercase version', 'http/1.1 101 OK\r\n\r\n'],
  ];
  for (const [what, text] of invalid) {
    it(`refuses ${what}`, () => {
      assert.throws(
        () => parseResponseHead(Buffer.from(text, 'latin1')),
        (error: unknown) => {
          assert.ok(error instanceof HandshakeError);
          assert.equal(error.code, HandshakeErrorCode.InvalidResponse);
          return true;
        },
      );
    });
  }

  it('stops at its bounds before the head is complete', () => {
    const long = Buffer.from(`HTTP/1.1 101 OK\r\nX: ${'a'.repeat(100)}`);
    assert.equal(parseResponseHead(long, { maxHeadBytes: 200 }), undefined);
    assert.throws(() => parseResponseHead(long, { maxHeadBytes: 64 }), {
      code: HandshakeErrorCode.ResponseTooLarge,
    });
    const many = Buffer.from(`HTTP/1.1 101 OK\r\n${'A: 1\r\n'.repeat(4)}\r\n`);
    assert.throws(() => parseResponseHead(many, { maxHeaderCount: 3 }), {
      code: HandshakeErrorCode.ResponseTooLarge,
    });
  });

  it('knows how much body to read', () => {
    assert.equal(bodyLength({ 'content-length': '12' }), 12);
    assert.equal(bodyLength({}), 'eof');
    assert.equal(bodyLength({ 'transfer-encoding': 'chunked', 'content-length': '3' }), 0);
    assert.equal(bodyLength({ 'content-length': ['1', '2'] }), 0);
    assert.equal(bodyLength({ 'content-length': '-1' }), 0);
  });
});

describe('judgeResponse', () => {
  const request = resolveRequest({
    url: 'ws://127.0.0.1/',
    subprotocols: ['chat'],
    extensions: [{ name: 'x-ext', params: [] }],
  });
  const ok = {
    upgrade: 'WebSocket',
    connection: 'keep-alive, Upgrade',
    'sec-websocket-accept': computeAccept(request.key),
  };

  it('accepts a valid 101 and reports the agreement', () => {
    const headers = {
      ...ok,
      'sec-websocket-protocol': 'chat',
      'sec-websocket-extensions': 'x-ext; a=1',
    };
    const judged = judgeResponse(
      { status: 101, statusText: 'Switching Protocols', headers },
      request,
    );
    assert.ok(judged.valid);
    assert.equal(judged.chosenSubprotocol, 'chat');
    assert.deepEqual(judged.extensions, [{ name: 'x-ext', params: [['a', '1']] }]);
  });

  it('carries the plain answer, body included, in the error it makes', () => {
    const judged = judgeResponse(
      {
        status: 404,
        statusText: 'Not Found',
        headers: { 'content-type': 'text/plain' },
        body: 'gone',
      },
      request,
    );
    assert.ok(!judged.valid);
    assert.equal(judged.body, 'gone');
    assert.deepEqual([judged.cause.status, judged.cause.body], [404, 'gone']);
    assert.equal(judged.cause.headers['content-type'], 'text/plain');
  });

  it('fails a 101 with two subprotocols or a repeated accept', () => {
    const two = judgeResponse(
      { status: 101, statusText: '', headers: { ...ok, 'sec-websocket-protocol': 'chat, chat' } },
      request,
    );
    assert.ok(!two.valid && two.cause.code === HandshakeErrorCode.MultipleSubprotocols);
    const accept = ok['sec-websocket-accept'];
    const repeated = judgeResponse(
      { status: 101, statusText: '', headers: { ...ok, 'sec-websocket-accept': [accept, accept] } },
      request,
    );
    assert.ok(!repeated.valid && repeated.cause.code === HandshakeErrorCode.Accept);
  });
});
