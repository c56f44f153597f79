// Tests for the client side of the opening handshake: key and accept, the request headers, and
// every rule of the response validation (RFC 6455 section 4.1), each with its stable code.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'node:test';
import { HandshakeError, HandshakeErrorCode, WebSocketError } from '../../src/errors.js';
import {
  buildClientHandshakeHeaders,
  generateKey,
  validateServerResponse,
} from '../../src/protocol/client-handshake.js';
import { computeAccept, isValidKey } from '../../src/protocol/handshake.js';
import { RFC_ACCEPT, RFC_KEY, response } from '../helpers/handshake-fixtures.js';

/** Runs `fn`, asserts it throws a HandshakeError with `code`, and returns the error. */
function assertHandshakeError(fn: () => unknown, code: string): HandshakeError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof HandshakeError, `expected a HandshakeError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

const offer = { key: RFC_KEY };

describe('computeAccept', () => {
  it('matches the example of RFC 6455 section 1.3', () => {
    assert.equal(computeAccept(RFC_KEY), RFC_ACCEPT);
  });
});

describe('generateKey', () => {
  it('returns the base64 of 16 bytes', () => {
    const key = generateKey();
    assert.equal(key.length, 24);
    assert.equal(Buffer.from(key, 'base64').length, 16);
    assert.ok(isValidKey(key));
  });

  it('returns a fresh key each time', () => {
    assert.equal(new Set(Array.from({ length: 32 }, generateKey)).size, 32);
  });
});

describe('isValidKey', () => {
  it('accepts the RFC sample key', () => {
    assert.ok(isValidKey(RFC_KEY));
  });

  it('refuses keys of 15 or 17 bytes', () => {
    assert.equal(isValidKey(Buffer.alloc(15, 1).toString('base64')), false);
    assert.equal(isValidKey(Buffer.alloc(17, 1).toString('base64')), false);
  });

  it('refuses base64 that is not strict', () => {
    const bad = [
      'dGhlIHNhbXBsZSBub25jZQ', // no padding
      'dGhlIHNhbXBsZSBub25jZR==', // trailing bits set: decodes to the same bytes
      'dGhlIHNhbXBsZSBub25jZQ-=', // base64url alphabet, wrong padding
      'dGhl_HNhbXBsZSBub25jZQ==', // base64url character
      'dGhlIHNhbXBsZSBub25jZ Q=', // space inside
      ' dGhlIHNhbXBsZSBub25jZQ==', // leading space
      'dGhlIHNhbXBsZSBub25j!Q==', // junk a lenient decoder skips
      '',
    ];
    for (const key of bad) assert.equal(isValidKey(key), false, key);
  });

  it('agrees with strict decoding (decode, re-encode, compare) on keys of 24 characters', () => {
    const strict = (key: string): boolean => {
      const bytes = Buffer.from(key, 'base64');
      return bytes.length === 16 && bytes.toString('base64') === key;
    };
    const alphabet = 'ABQgwz09+/=-_ \u00e9'.split('');
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .uint8Array({ minLength: 16, maxLength: 16 })
            .map((b) => Buffer.from(b).toString('base64')),
          fc
            .array(fc.constantFrom(...alphabet), { minLength: 24, maxLength: 24 })
            .map((c) => c.join('')),
          fc.uint8Array({ minLength: 16, maxLength: 16 }).chain((b) =>
            fc
              .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(...alphabet))
              .map(([at, c]) => {
                const key = Buffer.from(b).toString('base64');
                return key.slice(0, at) + c + key.slice(at + 1);
              }),
          ),
        ),
        (key) => assert.equal(isValidKey(key), strict(key), key),
      ),
      { numRuns: 2000 },
    );
  });
});

describe('buildClientHandshakeHeaders', () => {
  it('returns the headers of RFC 6455 section 4.1', () => {
    assert.deepEqual(buildClientHandshakeHeaders({ key: RFC_KEY }), {
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Key': RFC_KEY,
      'Sec-WebSocket-Version': '13',
    });
  });

  it('offers subprotocols and extensions when given', () => {
    const headers = buildClientHandshakeHeaders({
      key: RFC_KEY,
      protocols: ['chat', 'superchat'],
      extensions: [{ name: 'permessage-deflate', params: [['client_max_window_bits', true]] }],
    });
    assert.equal(headers['Sec-WebSocket-Protocol'], 'chat, superchat');
    assert.equal(headers['Sec-WebSocket-Extensions'], 'permessage-deflate; client_max_window_bits');
  });

  it('leaves out empty offers', () => {
    const headers = buildClientHandshakeHeaders({ key: RFC_KEY, protocols: [], extensions: [] });
    assert.equal('Sec-WebSocket-Protocol' in headers, false);
    assert.equal('Sec-WebSocket-Extensions' in headers, false);
  });

  it('adds user headers after its own', () => {
    const headers = buildClientHandshakeHeaders({
      key: RFC_KEY,
      headers: { Origin: 'https://example.com', 'X-Many': ['a', 'b'] },
    });
    assert.equal(headers.Origin, 'https://example.com');
    assert.deepEqual(headers['X-Many'], ['a', 'b']);
    assert.deepEqual(Object.keys(headers).slice(-2), ['Origin', 'X-Many']);
  });

  it('refuses user headers that the handshake owns, whatever their case', () => {
    for (const name of [
      'Connection',
      'upgrade',
      'SEC-WEBSOCKET-KEY',
      'Sec-WebSocket-Version',
      'sec-websocket-protocol',
      'Sec-WebSocket-Extensions',
    ]) {
      assert.throws(
        () => buildClientHandshakeHeaders({ key: RFC_KEY, headers: { [name]: 'x' } }),
        TypeError,
        name,
      );
    }
  });

  it('refuses user headers with CR or LF, or a name that is not a token', () => {
    const build = (headers: Record<string, string>) => () =>
      buildClientHandshakeHeaders({ key: RFC_KEY, headers });
    assert.throws(build({ 'X-A': 'a\r\nX-B: b' }), TypeError);
    assert.throws(build({ 'X A': 'a' }), TypeError);
  });

  it('refuses invalid subprotocol names', () => {
    for (const name of ['', 'super chat', 'a,b', 'chât', 'a"b']) {
      assert.throws(
        () => buildClientHandshakeHeaders({ key: RFC_KEY, protocols: [name] }),
        TypeError,
        JSON.stringify(name),
      );
    }
  });

  it('refuses a subprotocol offered twice', () => {
    assert.throws(
      () => buildClientHandshakeHeaders({ key: RFC_KEY, protocols: ['chat', 'chat'] }),
      TypeError,
    );
  });

  it('refuses an invalid key', () => {
    assert.throws(() => buildClientHandshakeHeaders({ key: 'short' }), TypeError);
  });

  it('refuses extensions that do not format', () => {
    assert.throws(
      () =>
        buildClientHandshakeHeaders({ key: RFC_KEY, extensions: [{ name: 'a b', params: [] }] }),
      TypeError,
    );
  });
});

describe('validateServerResponse', () => {
  it('accepts a valid response', () => {
    assert.deepEqual(validateServerResponse(response(), offer), {
      subprotocol: undefined,
      extensions: [],
    });
  });

  it('accepts Upgrade and Connection tokens of any case, among others', () => {
    const edits = { upgrade: 'h2c, WebSocket', connection: 'keep-alive, UPGRADE' };
    assert.doesNotThrow(() => validateServerResponse(response(edits), offer));
  });

  it('reads header names of any case', () => {
    const headers = {
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Accept': RFC_ACCEPT,
      'Sec-WebSocket-Protocol': 'chat',
    };
    const result = validateServerResponse(
      { status: 101, headers },
      { key: RFC_KEY, offeredProtocols: ['chat'] },
    );
    assert.equal(result.subprotocol, 'chat');
  });

  it('refuses a status other than 101, carrying status, headers and body', () => {
    const error = assertHandshakeError(
      () =>
        validateServerResponse(
          { status: 403, headers: { 'x-reason': 'nope' }, body: 'Forbidden\n' },
          offer,
        ),
      HandshakeErrorCode.Status,
    );
    assert.ok(error instanceof WebSocketError);
    assert.equal(error.status, 403);
    assert.deepEqual(error.headers, { 'x-reason': 'nope' });
    assert.equal(error.body, 'Forbidden\n');
    assert.match(error.message, /403/);
  });

  it('refuses a response with no status', () => {
    assertHandshakeError(
      () => validateServerResponse({ ...response(), status: undefined }, offer),
      HandshakeErrorCode.Status,
    );
  });

  it('refuses a missing or wrong Upgrade', () => {
    for (const upgrade of [undefined, 'websockets', 'h2c', 'websocket/13']) {
      assertHandshakeError(
        () => validateServerResponse(response({ upgrade }), offer),
        HandshakeErrorCode.Upgrade,
      );
    }
  });

  it('refuses a missing Connection or one without the upgrade token', () => {
    for (const connection of [undefined, 'upgraded', 'keep-alive', 'close']) {
      assertHandshakeError(
        () => validateServerResponse(response({ connection }), offer),
        HandshakeErrorCode.Connection,
      );
    }
  });

  it('refuses a wrong, missing or repeated Sec-WebSocket-Accept', () => {
    const wrong = computeAccept(generateKey());
    for (const accept of [wrong, undefined, [RFC_ACCEPT, RFC_ACCEPT], RFC_ACCEPT.toLowerCase()]) {
      assertHandshakeError(
        () => validateServerResponse(response({ 'sec-websocket-accept': accept }), offer),
        HandshakeErrorCode.Accept,
      );
    }
  });

  it('checks the accept against the key that was sent', () => {
    assertHandshakeError(
      () => validateServerResponse(response(), { key: generateKey() }),
      HandshakeErrorCode.Accept,
    );
  });

  it('returns the subprotocol the server chose among those offered', () => {
    const result = validateServerResponse(response({ 'sec-websocket-protocol': 'superchat' }), {
      key: RFC_KEY,
      offeredProtocols: ['chat', 'superchat'],
    });
    assert.equal(result.subprotocol, 'superchat');
  });

  it('refuses a subprotocol that was not offered', () => {
    const chosen = response({ 'sec-websocket-protocol': 'other' });
    assertHandshakeError(
      () => validateServerResponse(chosen, { key: RFC_KEY, offeredProtocols: ['chat'] }),
      HandshakeErrorCode.SubprotocolNotOffered,
    );
    assertHandshakeError(
      () => validateServerResponse(chosen, offer),
      HandshakeErrorCode.SubprotocolNotOffered,
    );
  });

  it('compares subprotocols with their case', () => {
    assertHandshakeError(
      () =>
        validateServerResponse(response({ 'sec-websocket-protocol': 'Chat' }), {
          key: RFC_KEY,
          offeredProtocols: ['chat'],
        }),
      HandshakeErrorCode.SubprotocolNotOffered,
    );
  });

  it('refuses two subprotocols, in one header or in two', () => {
    const offered = { key: RFC_KEY, offeredProtocols: ['chat', 'superchat'] };
    for (const value of ['chat, superchat', ['chat', 'superchat']]) {
      assertHandshakeError(
        () => validateServerResponse(response({ 'sec-websocket-protocol': value }), offered),
        HandshakeErrorCode.MultipleSubprotocols,
      );
    }
  });

  it('returns the extensions the server accepted, with its parameters', () => {
    const result = validateServerResponse(
      response({ 'sec-websocket-extensions': 'permessage-deflate; server_max_window_bits=10' }),
      { key: RFC_KEY, offeredExtensions: [{ name: 'permessage-deflate', params: [] }] },
    );
    assert.deepEqual(result.extensions, [
      { name: 'permessage-deflate', params: [['server_max_window_bits', '10']] },
    ]);
  });

  it('refuses an extension that was not offered', () => {
    const accepted = response({ 'sec-websocket-extensions': 'permessage-deflate, x-other' });
    const offered = {
      key: RFC_KEY,
      offeredExtensions: [{ name: 'permessage-deflate', params: [] }],
    };
    assertHandshakeError(
      () => validateServerResponse(accepted, offered),
      HandshakeErrorCode.ExtensionNotOffered,
    );
    assertHandshakeError(
      () => validateServerResponse(accepted, offer),
      HandshakeErrorCode.ExtensionNotOffered,
    );
  });

  it('refuses malformed list headers, carrying the response', () => {
    const malformed = [
      { upgrade: 'web socket' },
      { connection: 'Upgrade;' },
      { 'sec-websocket-protocol': 'chat;' },
      { 'sec-websocket-extensions': 'permessage-deflate; x="' },
    ];
    for (const edits of malformed) {
      const error = assertHandshakeError(
        () => validateServerResponse(response(edits), { key: RFC_KEY, offeredProtocols: ['chat'] }),
        HandshakeErrorCode.InvalidHeader,
      );
      assert.equal(error.status, 101);
      assert.equal(error.headers.upgrade, response(edits).headers.upgrade);
      assert.ok(error.cause instanceof HandshakeError);
    }
  });

  it('survives a hostile 1 MB header', () => {
    assertHandshakeError(
      () => validateServerResponse(response({ connection: 'a,'.repeat(512 * 1024) }), offer),
      HandshakeErrorCode.Connection,
    );
    assertHandshakeError(
      () =>
        validateServerResponse(
          response({ 'sec-websocket-extensions': 'x;' + ' '.repeat(1024 * 1024) + ';' }),
          offer,
        ),
      HandshakeErrorCode.InvalidHeader,
    );
  });
});
