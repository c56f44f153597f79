// Reverse routing: a named route's URL from its parameters, percent-encoded; relative, or
// absolute with ws: or wss: from the request that served the page (a proxy's headers only when
// trusted).

import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { Router, accept, echo } from '../../src/index.js';

const router = new Router()
  .route('/chat/:room', () => accept(echo()), { name: 'chat' })
  .route('/files/*path', () => accept(echo()), { name: 'files' })
  .route('/', () => accept(echo()), { name: 'root' });

/** A request as node:http hands it to a page handler, with these headers, over TLS or not. */
function pageRequest(headers: Record<string, string>, tls = false): IncomingMessage {
  const socket = new Socket();
  if (tls) Object.defineProperty(socket, 'encrypted', { value: true });
  const request = new IncomingMessage(socket);
  request.headers = headers;
  return request;
}

describe('Router.url', () => {
  it('builds a relative URL, each parameter percent-encoded', () => {
    assert.equal(router.url('chat', { room: 'café au lait' }), '/chat/caf%C3%A9%20au%20lait');
    assert.equal(router.url('chat', { room: 'a/b?#' }), '/chat/a%2Fb%3F%23');
    assert.equal(router.url('files', { path: 'docs/a b.txt' }), '/files/docs/a%20b.txt');
    assert.equal(router.url('root', {}), '/');
    assert.equal(
      router.url('chat', { room: 'x' }, { query: { tag: ['a', 'b'], q: 'é&' } }),
      '/chat/x?tag=a&tag=b&q=%C3%A9%26',
    );
  });

  it('refuses a missing or empty parameter, a dot segment and an unknown name', () => {
    assert.throws(() => router.url('chat', {} as { room: string }), /needs a value for room/);
    assert.throws(() => router.url('chat', { room: '' }), /needs a value/);
    assert.throws(() => router.url('chat', { room: '..' }), /dot segment/);
    assert.throws(() => router.url('files', { path: 'a/../b' }), /dot segment/);
    assert.throws(() => (router as Router).url('nope' as never, {} as never), /No route/);
  });

  it('round-trips through the matcher', async () => {
    const { decodeTarget } = await import('../../src/routing/decode.js');
    const url = router.url('chat', { room: 'a/b c%' });
    assert.deepEqual(decodeTarget(url).segments, ['chat', 'a/b c%']);
  });

  it('builds an absolute URL from the page request: ws over plain HTTP, wss over TLS', () => {
    const plain = pageRequest({ host: 'example.com:8080' });
    assert.equal(
      router.url('chat', { room: 'x' }, { from: plain }),
      'ws://example.com:8080/chat/x',
    );
    const tls = pageRequest({ host: 'example.com' }, true);
    assert.equal(router.url('chat', { room: 'x' }, { from: tls }), 'wss://example.com/chat/x');
  });

  it('reads Forwarded and X-Forwarded-* only from a trusted proxy', () => {
    const proxied = pageRequest({
      host: 'backend:8080',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'chat.example.com',
    });
    assert.equal(router.url('chat', { room: 'x' }, { from: proxied }), 'ws://backend:8080/chat/x');
    assert.equal(
      router.url('chat', { room: 'x' }, { from: proxied, trustProxy: true }),
      'wss://chat.example.com/chat/x',
    );
    const forwarded = pageRequest({
      host: 'backend',
      forwarded: 'for=1.2.3.4;proto=https;host="example.org", for=5.6.7.8;proto=http',
    });
    assert.equal(
      router.url('root', {}, { from: forwarded, trustProxy: true }),
      'wss://example.org/',
    );
  });

  it('refuses a Host that is missing or not a host', () => {
    assert.throws(() => router.url('root', {}, { from: pageRequest({}) }), /no usable Host/);
    const evil = pageRequest({ host: 'evil.com/path?' });
    assert.throws(() => router.url('root', {}, { from: evil }), /no usable Host/);
  });
});
