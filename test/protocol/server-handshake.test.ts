// Tests for the server side of the opening handshake: every rule of the request validation
// (RFC 6455 section 4.2.1) with its status and code, and the raw 101 and rejection responses.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HandshakeErrorCode } from '../../src/errors.js';
import type { HandshakeErrorCode as Code } from '../../src/errors.js';
import {
  buildClientHandshakeHeaders,
  generateKey,
  validateServerResponse,
} from '../../src/protocol/client-handshake.js';
import {
  type AcceptableRequest,
  type UpgradeRequest,
  type HandshakeRejection,
  buildAcceptResponse,
  buildRejectionResponse,
  validateClientRequest,
} from '../../src/protocol/server-handshake.js';
import {
  RFC_ACCEPT,
  RFC_KEY,
  type HeaderEdits,
  readRawResponse,
  request,
} from '../helpers/handshake-fixtures.js';

/** Validates a request that must pass, and returns what it offered. */
function accepted(req: UpgradeRequest): AcceptableRequest {
  const result = validateClientRequest(req);
  assert.ok(result.ok, result.ok ? '' : result.rejection.message);
  return result;
}

/** Validates a request that must be refused with `status` and `code`; returns the rejection. */
function rejected(req: UpgradeRequest, status: number, code: Code): HandshakeRejection {
  const result = validateClientRequest(req);
  assert.equal(result.ok, false, 'expected a rejection');
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.rejection.code, code, result.rejection.message);
  assert.equal(result.rejection.status, status);
  return result.rejection;
}

/** Shorthand: a request with header edits that must be refused. */
function rejectedWith(edits: HeaderEdits, status: number, code: Code): HandshakeRejection {
  return rejected(request(edits), status, code);
}

describe('validateClientRequest', () => {
  it('accepts the request of RFC 6455 section 1.2', () => {
    assert.deepEqual(accepted(request()), {
      ok: true,
      key: RFC_KEY,
      protocols: [],
      extensions: [],
    });
  });

  it('accepts the request built by buildClientHandshakeHeaders, with Host', () => {
    const key = generateKey();
    const headers = buildClientHandshakeHeaders({
      key,
      protocols: ['chat', 'superchat'],
      extensions: [{ name: 'permessage-deflate', params: [['client_max_window_bits', true]] }],
      headers: { Host: 'example.com' },
    });
    const result = accepted({ method: 'GET', httpVersion: '1.1', headers });
    assert.equal(result.key, key);
    assert.deepEqual(result.protocols, ['chat', 'superchat']);
    assert.deepEqual(result.extensions, [
      { name: 'permessage-deflate', params: [['client_max_window_bits', true]] },
    ]);
  });

  it('reads names of any case, the values of names that differ only by case together', () => {
    const headers = {
      Host: 'example.com',
      UPGRADE: 'websocket',
      connection: 'Upgrade',
      'Sec-WebSocket-Key': RFC_KEY,
      'sec-websocket-version': '13',
      'Sec-WebSocket-Protocol': 'chat',
      'sec-websocket-protocol': ['superchat', 'v2'],
    };
    const result = accepted({ method: 'GET', httpVersion: '1.1', headers });
    assert.deepEqual(result.protocols, ['chat', 'superchat', 'v2']);
    rejected(
      { method: 'GET', httpVersion: '1.1', headers: { ...headers, host: 'other.example' } },
      400,
      HandshakeErrorCode.Host,
    );
  });

  it('accepts Connection and Upgrade tokens of any case among other tokens', () => {
    accepted(request({ connection: 'keep-alive, Upgrade' }));
    accepted(request({ connection: 'keep-alive, UPGRADE' }));
    accepted(request({ upgrade: 'WebSocket' }));
    accepted(request({ upgrade: 'h2c, websocket' }));
    accepted(request({ connection: ['keep-alive', 'upgrade'] }));
  });

  it('answers a method other than GET with 405 and Allow: GET', () => {
    const rejection = rejected(request({}, { method: 'POST' }), 405, HandshakeErrorCode.Method);
    assert.deepEqual(rejection.headers, { Allow: 'GET' });
    rejected(request({}, { method: 'get' }), 405, HandshakeErrorCode.Method);
    rejected(request({}, { method: undefined }), 405, HandshakeErrorCode.Method);
  });

  it('refuses HTTP/1.0 and older, accepts later versions', () => {
    for (const httpVersion of ['1.0', '0.9', '', 'x.y', '1.', '.1', '1.1.1', '1111.1']) {
      rejected(request({}, { httpVersion }), 400, HandshakeErrorCode.HttpVersion);
    }
    accepted(request({}, { httpVersion: '2.0' }));
    accepted(request({}, { httpVersion: '1.2' }));
  });

  it('refuses a missing, empty or repeated Host', () => {
    rejectedWith({ host: undefined }, 400, HandshakeErrorCode.Host);
    rejectedWith({ host: '' }, 400, HandshakeErrorCode.Host);
    rejectedWith({ host: ['a', 'b'] }, 400, HandshakeErrorCode.Host);
  });

  it('refuses a missing Upgrade or one without websocket', () => {
    for (const upgrade of [undefined, '', 'websockets', 'h2c', 'websocket/13']) {
      rejectedWith({ upgrade }, 400, HandshakeErrorCode.Upgrade);
    }
  });

  it('refuses a missing Connection or one without the upgrade token', () => {
    for (const connection of [undefined, '', 'upgraded', 'keep-alive', 'close, up-grade']) {
      rejectedWith({ connection }, 400, HandshakeErrorCode.Connection);
    }
  });

  it('answers a missing or other version with 426 and Sec-WebSocket-Version: 13', () => {
    for (const version of [undefined, '8', '12', '14', '13, 8', ['13', '13'], ' 13', '013']) {
      const rejection = rejectedWith(
        { 'sec-websocket-version': version },
        426,
        HandshakeErrorCode.Version,
      );
      assert.equal(rejection.headers['Sec-WebSocket-Version'], '13');
      assert.equal(rejection.headers.Upgrade, 'websocket');
    }
  });

  it('refuses keys that do not decode to exactly 16 bytes', () => {
    for (const bytes of [0, 15, 17, 32]) {
      rejectedWith(
        { 'sec-websocket-key': Buffer.alloc(bytes, 7).toString('base64') },
        400,
        HandshakeErrorCode.Key,
      );
    }
  });

  it('refuses keys that are not strict base64', () => {
    const bad = [
      'dGhlIHNhbXBsZSBub25jZQ', // no padding
      'dGhlIHNhbXBsZSBub25jZR==', // trailing bits set
      'dGhl_HNhbXBsZSBub25jZQ==', // base64url
      'dGhlIHNhbXBsZSBub25j!Q==', // junk
    ];
    for (const key of bad) rejectedWith({ 'sec-websocket-key': key }, 400, HandshakeErrorCode.Key);
  });

  it('refuses a missing or repeated key', () => {
    rejectedWith({ 'sec-websocket-key': undefined }, 400, HandshakeErrorCode.Key);
    rejectedWith({ 'sec-websocket-key': [RFC_KEY, RFC_KEY] }, 400, HandshakeErrorCode.Key);
  });

  it('returns the offered subprotocols in order, merged across lines', () => {
    const result = accepted(request({ 'sec-websocket-protocol': ['chat, , superchat', 'v2'] }));
    assert.deepEqual(result.protocols, ['chat', 'superchat', 'v2']);
  });

  it('refuses a malformed Sec-WebSocket-Protocol with 400', () => {
    for (const value of ['chat; v2', 'super chat', 'chât']) {
      rejectedWith({ 'sec-websocket-protocol': value }, 400, HandshakeErrorCode.InvalidHeader);
    }
  });

  it('refuses a subprotocol offered twice', () => {
    rejectedWith(
      { 'sec-websocket-protocol': 'chat, superchat, chat' },
      400,
      HandshakeErrorCode.DuplicateSubprotocol,
    );
  });

  it('refuses a malformed Sec-WebSocket-Extensions with 400', () => {
    for (const value of ['permessage-deflate;', 'a; b="c d"', 'a b']) {
      rejectedWith({ 'sec-websocket-extensions': value }, 400, HandshakeErrorCode.InvalidHeader);
    }
  });

  it('refuses a malformed Connection or Upgrade list with 400', () => {
    rejectedWith({ connection: 'Upgrade;' }, 400, HandshakeErrorCode.InvalidHeader);
    rejectedWith({ upgrade: 'websocket/' }, 400, HandshakeErrorCode.InvalidHeader);
  });

  it('explains a rejection in its body without echoing header values', () => {
    const rejection = rejectedWith(
      { 'sec-websocket-extensions': 'a; b="<script>"' },
      400,
      HandshakeErrorCode.InvalidHeader,
    );
    assert.match(rejection.body, /^Failed to open a WebSocket connection: .+\.\n$/);
    assert.ok(rejection.body.includes(rejection.message));
    assert.doesNotMatch(rejection.body, /script/);
  });

  it('survives hostile 1 MB headers', () => {
    const mb = 1024 * 1024;
    rejectedWith({ connection: 'a, '.repeat(mb / 3) }, 400, HandshakeErrorCode.Connection);
    rejectedWith({ upgrade: 'a/'.repeat(mb / 2) }, 400, HandshakeErrorCode.InvalidHeader);
    rejectedWith(
      { 'sec-websocket-extensions': 'x; y="' + '\\a'.repeat(mb / 2) },
      400,
      HandshakeErrorCode.InvalidHeader,
    );
    const many = accepted(request({ 'sec-websocket-protocol': 'p,'.repeat(1) + ', '.repeat(mb) }));
    assert.deepEqual(many.protocols, ['p']);
  });
});

describe('buildAcceptResponse', () => {
  it('renders the 101 response of RFC 6455 section 1.3', () => {
    assert.equal(
      buildAcceptResponse({ key: RFC_KEY }),
      'HTTP/1.1 101 Switching Protocols\r\n' +
        'Upgrade: websocket\r\n' +
        'Connection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${RFC_ACCEPT}\r\n` +
        '\r\n',
    );
  });

  it('adds the chosen subprotocol, the extensions and user headers', () => {
    const raw = buildAcceptResponse({
      key: RFC_KEY,
      subprotocol: 'chat',
      offeredProtocols: ['superchat', 'chat'],
      extensions: [{ name: 'permessage-deflate', params: [['server_no_context_takeover', true]] }],
      headers: { 'Set-Cookie': ['a=1', 'b=2'], 'X-Server': 'wsflow' },
    });
    const { status, headers, body } = readRawResponse(raw);
    assert.equal(status, 101);
    assert.equal(headers['sec-websocket-protocol'], 'chat');
    assert.equal(
      headers['sec-websocket-extensions'],
      'permessage-deflate; server_no_context_takeover',
    );
    assert.deepEqual(headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(headers['x-server'], 'wsflow');
    assert.equal(body, '');
  });

  it('renders a response the client validation accepts', () => {
    const key = generateKey();
    const offeredExtensions = [{ name: 'permessage-deflate', params: [] }];
    const raw = buildAcceptResponse({
      key,
      subprotocol: 'v2',
      offeredProtocols: ['v1', 'v2'],
      extensions: offeredExtensions,
    });
    const { status, headers } = readRawResponse(raw);
    const result = validateServerResponse(
      { status, headers },
      { key, offeredProtocols: ['v1', 'v2'], offeredExtensions },
    );
    assert.deepEqual(result, { subprotocol: 'v2', extensions: offeredExtensions });
  });

  it('refuses a subprotocol the client did not offer', () => {
    assert.throws(
      () => buildAcceptResponse({ key: RFC_KEY, subprotocol: 'chat', offeredProtocols: ['v2'] }),
      RangeError,
    );
    assert.throws(() => buildAcceptResponse({ key: RFC_KEY, subprotocol: 'chat' }), RangeError);
  });

  it('refuses a subprotocol that is not a token', () => {
    assert.throws(
      () =>
        buildAcceptResponse({ key: RFC_KEY, subprotocol: 'a\r\nb', offeredProtocols: ['a\r\nb'] }),
      TypeError,
    );
  });

  it('refuses header values with CR or LF (response splitting)', () => {
    for (const value of ['a\r\nSet-Cookie: x=1', 'a\nSet-Cookie: x=1', 'a\rb', 'a\0b']) {
      assert.throws(
        () => buildAcceptResponse({ key: RFC_KEY, headers: { 'X-Test': value } }),
        TypeError,
        JSON.stringify(value),
      );
      assert.throws(
        () => buildAcceptResponse({ key: RFC_KEY, headers: { 'X-Test': ['ok', value] } }),
        TypeError,
      );
    }
  });

  it('refuses header names that are not tokens', () => {
    for (const name of ['X Test', 'X-Test:', 'X\r\nTest', '']) {
      assert.throws(
        () => buildAcceptResponse({ key: RFC_KEY, headers: { [name]: 'v' } }),
        TypeError,
        JSON.stringify(name),
      );
    }
  });

  it('refuses user headers that the handshake owns', () => {
    for (const name of [
      'Sec-WebSocket-Accept',
      'connection',
      'UPGRADE',
      'Sec-WebSocket-Protocol',
    ]) {
      assert.throws(
        () => buildAcceptResponse({ key: RFC_KEY, headers: { [name]: 'x' } }),
        TypeError,
        name,
      );
    }
  });

  it('refuses an invalid key', () => {
    assert.throws(() => buildAcceptResponse({ key: 'dGhlIHNhbXBsZSBub25jZR==' }), TypeError);
  });
});

describe('buildRejectionResponse', () => {
  it('renders a text/plain response with Content-Length and Connection: close', () => {
    assert.equal(
      buildRejectionResponse({ status: 400, body: 'Bad\n' }),
      'HTTP/1.1 400 Bad Request\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\n' +
        'Content-Length: 4\r\n' +
        'Connection: close\r\n' +
        '\r\n' +
        'Bad\n',
    );
  });

  it('counts the body in UTF-8 bytes', () => {
    const { headers, body } = readRawResponse(buildRejectionResponse({ status: 403, body: 'né€' }));
    assert.equal(headers['content-length'], String(Buffer.byteLength('né€')));
    assert.equal(headers['content-length'], '6');
    assert.equal(body, 'né€');
  });

  it('renders a validation rejection, keeping its headers', () => {
    const result = validateClientRequest(request({ 'sec-websocket-version': '8' }));
    assert.ok(!result.ok);
    const { statusLine, headers, body } = readRawResponse(buildRejectionResponse(result.rejection));
    assert.equal(statusLine, 'HTTP/1.1 426 Upgrade Required');
    assert.equal(headers['sec-websocket-version'], '13');
    assert.equal(headers.upgrade, 'websocket');
    assert.equal(headers.connection, 'Upgrade, close');
    assert.equal(body, result.rejection.body);
  });

  it('lets the caller replace Content-Type', () => {
    const { headers } = readRawResponse(
      buildRejectionResponse({ status: 401, headers: { 'content-type': 'application/json' } }),
    );
    assert.equal(headers['content-type'], 'application/json');
  });

  it('keeps the space before an empty reason phrase', () => {
    assert.ok(buildRejectionResponse({ status: 418 }).startsWith('HTTP/1.1 418 \r\n'));
  });

  it('refuses Content-Length, Transfer-Encoding and Connection from the caller', () => {
    for (const name of ['Content-Length', 'transfer-encoding', 'Connection']) {
      assert.throws(
        () => buildRejectionResponse({ status: 400, headers: { [name]: '1' } }),
        TypeError,
        name,
      );
    }
  });

  it('refuses header values with CR or LF (response splitting)', () => {
    assert.throws(
      () => buildRejectionResponse({ status: 302, headers: { Location: '/a\r\nSet-Cookie: x' } }),
      TypeError,
    );
  });

  it('refuses statuses outside 200-599', () => {
    for (const status of [101, 199, 600, 40.5, Number.NaN]) {
      assert.throws(() => buildRejectionResponse({ status }), RangeError, String(status));
    }
  });
});
