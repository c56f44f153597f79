// The opening handshake over HTTP/2 (RFC 8441) as data: the check of an extended CONNECT, the
// 200 that accepts it, the response that refuses it, and the client's check of the answer.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateExtendedConnectResponse } from '../../src/protocol/client-handshake.js';
import {
  buildExtendedConnectAccept,
  buildHttp2Rejection,
  isExtendedConnect,
  validateExtendedConnect,
} from '../../src/protocol/extended-connect.js';
import { HandshakeError } from '../../src/index.js';

const request = {
  ':method': 'CONNECT',
  ':protocol': 'websocket',
  ':scheme': 'https',
  ':path': '/chat',
  ':authority': 'example.com',
  'sec-websocket-version': '13',
};

describe('extended CONNECT (RFC 8441)', () => {
  it('is a CONNECT with :protocol websocket, in any case', () => {
    assert.equal(isExtendedConnect(request), true);
    assert.equal(isExtendedConnect({ ...request, ':protocol': 'WebSocket' }), true);
    assert.equal(isExtendedConnect({ ...request, ':protocol': 'connect-udp' }), false);
    assert.equal(isExtendedConnect({ ...request, ':method': 'GET' }), false);
  });

  it('accepts a request with its offers, and needs no Sec-WebSocket-Key', () => {
    const result = validateExtendedConnect({
      ...request,
      'sec-websocket-protocol': 'chat, superchat',
      'sec-websocket-extensions': 'permessage-deflate; client_max_window_bits',
    });
    assert.ok(result.ok);
    assert.deepEqual(result.protocols, ['chat', 'superchat']);
    assert.deepEqual(
      result.extensions.map((extension) => extension.name),
      ['permessage-deflate'],
    );
  });

  it('refuses what RFC 8441 and RFC 6455 refuse, with 400 or 405', () => {
    const cases: [Record<string, string>, number, string][] = [
      [{ ...request, ':method': 'GET' }, 405, 'WSFLOW_ERR_HANDSHAKE_METHOD'],
      [{ ...request, ':protocol': 'connect-udp' }, 400, 'WSFLOW_ERR_HANDSHAKE_UPGRADE'],
      [{ ...request, ':authority': '' }, 400, 'WSFLOW_ERR_HANDSHAKE_HOST'],
      [{ ...request, 'sec-websocket-version': '8' }, 400, 'WSFLOW_ERR_HANDSHAKE_VERSION'],
      [
        { ...request, 'sec-websocket-protocol': 'chat, chat' },
        400,
        'WSFLOW_ERR_HANDSHAKE_DUPLICATE_SUBPROTOCOL',
      ],
      [{ ...request, 'sec-websocket-protocol': 'a b' }, 400, 'WSFLOW_ERR_HANDSHAKE_INVALID_HEADER'],
    ];
    for (const [headers, status, code] of cases) {
      const result = validateExtendedConnect(headers);
      assert.equal(result.ok, false, JSON.stringify(headers));
      if (result.ok) continue;
      assert.deepEqual([result.rejection.status, result.rejection.code], [status, code]);
    }
    const version = validateExtendedConnect({ ...request, 'sec-websocket-version': '8' });
    assert.ok(!version.ok);
    // No 426: it must carry Upgrade, which HTTP/2 forbids.
    assert.deepEqual(version.rejection.headers, { 'sec-websocket-version': '13' });
  });

  it('answers 200 with the choices, in lower case, and refuses connection-specific headers', () => {
    assert.deepEqual(
      buildExtendedConnectAccept({
        subprotocol: 'chat',
        offeredProtocols: ['chat'],
        extensions: [{ name: 'permessage-deflate', params: [] }],
        headers: { 'X-Trace': 'abc', 'Set-Cookie': ['a=1', 'b=2'] },
      }),
      {
        ':status': 200,
        'sec-websocket-protocol': 'chat',
        'sec-websocket-extensions': 'permessage-deflate',
        'x-trace': 'abc',
        'set-cookie': ['a=1', 'b=2'],
      },
    );
    assert.throws(() => buildExtendedConnectAccept({ subprotocol: 'chat' }), RangeError);
    for (const name of ['Connection', 'Upgrade', 'Keep-Alive', 'Transfer-Encoding', ':status']) {
      assert.throws(() => buildExtendedConnectAccept({ headers: { [name]: 'x' } }), TypeError);
    }
    assert.throws(() => buildExtendedConnectAccept({ headers: { 'x-a': 'b\r\nc' } }), TypeError);
  });

  it('refuses with a :status, a text body and its length; HTTP/1.1-only fields left out', () => {
    const { headers, body } = buildHttp2Rejection({
      status: 426,
      headers: { Upgrade: 'websocket', 'WWW-Authenticate': 'Bearer' },
      body: 'nö\n',
    });
    assert.deepEqual(headers, {
      ':status': 426,
      'content-type': 'text/plain; charset=utf-8',
      'www-authenticate': 'Bearer',
      'content-length': 4,
    });
    assert.equal(body.toString('utf8'), 'nö\n');
    assert.throws(() => buildHttp2Rejection({ status: 199 }), RangeError);
    assert.throws(
      () => buildHttp2Rejection({ status: 403, headers: { 'Content-Length': '1' } }),
      TypeError,
    );
  });

  it('the client takes a 200 and checks the choices against its offer', () => {
    const agreed = validateExtendedConnectResponse(
      { status: 200, headers: { 'sec-websocket-protocol': 'chat' } },
      { offeredProtocols: ['chat'] },
    );
    assert.deepEqual(agreed, { subprotocol: 'chat', extensions: [] });
    for (const [status, headers] of [
      [101, {}],
      [204, {}],
      [200, { 'sec-websocket-protocol': 'other' }],
      [200, { 'sec-websocket-extensions': 'x-unknown' }],
    ] as const) {
      assert.throws(
        () => validateExtendedConnectResponse({ status, headers }, { offeredProtocols: ['chat'] }),
        HandshakeError,
      );
    }
  });
});
