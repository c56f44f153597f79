// webSocketClientLayer over transports the caller gives: a WHATWG byte pair, and in-memory pairs
// whose far end answers byte by byte — frames right after the 101, plain answers with or without
// a length, heads past their bounds or grammar, silence.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { Duplex } from 'node:stream';
import { after, describe, it } from 'node:test';
import {
  HandshakeError,
  HandshakeErrorCode,
  attachWebSocket,
  concat,
  echo,
  maybe,
  webSocketClientLayer,
} from '../../src/index.js';
import type { Message } from '../../src/index.js';
import { duplexPair } from '../helpers/duplex-pair.js';
import { acceptOn } from './fake-server.js';
import { describeMessage, readAllMessages } from './support.js';

const URL = 'ws://in-memory.test/chat?room=1';
const closers: (() => void)[] = [];
after(() => closers.forEach((close) => close()));

/** Joins the layer to one end of a pair whose other end answers with `answer`. */
function joinedToFake(answer?: (key: string) => string | Buffer, after?: Uint8Array) {
  const [ours, theirs] = duplexPair();
  const accepted = acceptOn(theirs, { answer, after });
  const flow = webSocketClientLayer({ url: URL, handshakeTimeoutMs: 2000 }).join(ours);
  return { flow, accepted, ours, theirs };
}

/** Starts the flow with an empty, never-ending source and returns what it receives. */
function run(flow: ReturnType<typeof joinedToFake>['flow']): Promise<string[]> {
  const received = readAllMessages(concat(maybe<string>().source).pipeThrough(flow));
  received.catch(() => undefined);
  return received;
}

describe('webSocketClientLayer', () => {
  it('runs over a WHATWG pair of byte streams', async () => {
    const server = createServer();
    attachWebSocket(server, (upgrade) => void upgrade.handleMessages(echo()));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => server.close());
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    const flow = webSocketClientLayer('ws://127.0.0.1/').join(Duplex.toWeb(socket));
    const { source, complete } = maybe<string>();
    const received: string[] = [];
    await concat(['over web streams'], source)
      .pipeThrough(flow)
      .pipeTo(
        new WritableStream<Message>({
          write: async (message) => {
            received.push(await describeMessage(message));
            complete();
          },
        }),
      );
    assert.deepEqual(received, ['over web streams']);
  });

  it('writes the request head: path, query, Host and the handshake headers', async () => {
    const { flow, accepted } = joinedToFake();
    void run(flow);
    const { request } = await accepted;
    assert.match(request, /^GET \/chat\?room=1 HTTP\/1\.1\r\nHost: in-memory\.test\r\n/);
    assert.match(request, /\r\nUpgrade: websocket\r\n/);
    assert.match(request, /\r\nSec-WebSocket-Version: 13\r\n/);
  });

  it('reads frames that arrive with the 101, in the same write', async () => {
    const early = Buffer.from([0x81, 5, ...Buffer.from('early')]);
    const { flow, accepted } = joinedToFake(undefined, early);
    const received: string[] = [];
    const reading = flow.readable.getReader();
    received.push(await describeMessage((await reading.read()).value as Message));
    assert.deepEqual(received, ['early']);
    assert.ok((await flow.upgradeResponse).valid);
    (await accepted).connection?.close();
  });

  it('reads a refusal body by its Content-Length, or to the end of the transport', async () => {
    const withLength = joinedToFake(
      () => 'HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n\r\nNot Found\nextra bytes',
    );
    await run(withLength.flow).catch(() => undefined);
    const response = await withLength.flow.upgradeResponse;
    assert.ok(!response.valid);
    assert.deepEqual(
      [response.status, response.statusText, response.body],
      [404, 'Not Found', 'Not Found\n'],
    );
    const toEnd = joinedToFake(() => 'HTTP/1.1 403 Forbidden\r\n\r\nGo away');
    void run(toEnd.flow);
    await toEnd.accepted;
    toEnd.theirs.end();
    const refused = await toEnd.flow.upgradeResponse;
    assert.ok(!refused.valid);
    assert.deepEqual([refused.status, refused.body], [403, 'Go away']);
    await assert.rejects(toEnd.flow.closed, (error) => error === refused.cause);
  });

  const broken: [string, () => string, string][] = [
    [
      'a head over 16 KiB',
      () => `HTTP/1.1 101 OK\r\nX-Big: ${'a'.repeat(17000)}\r\n\r\n`,
      HandshakeErrorCode.ResponseTooLarge,
    ],
    [
      'over 100 header fields',
      () => `HTTP/1.1 101 OK\r\n${'X-A: 1\r\n'.repeat(101)}\r\n`,
      HandshakeErrorCode.ResponseTooLarge,
    ],
    [
      'a status line that is not HTTP/1.x',
      () => 'HTTP/2 101 OK\r\n\r\n',
      HandshakeErrorCode.InvalidResponse,
    ],
    [
      'an obs-fold line',
      () => 'HTTP/1.1 101 OK\r\nUpgrade: a\r\n websocket\r\n\r\n',
      HandshakeErrorCode.InvalidResponse,
    ],
  ];
  for (const [what, answer, code] of broken) {
    it(`fails a response head with ${what}, and destroys the transport`, async () => {
      const { flow, ours } = joinedToFake(answer);
      const received = run(flow);
      await assert.rejects(flow.upgradeResponse, (error: unknown) => {
        assert.ok(error instanceof HandshakeError);
        assert.equal(error.code, code);
        return true;
      });
      await assert.rejects(received, HandshakeError);
      assert.equal(ours.destroyed, true);
    });
  }

  it('fails when the transport ends before the response head, or never answers', async () => {
    const ended = joinedToFake(() => 'HTTP/1.1 1');
    void run(ended.flow);
    await ended.accepted;
    ended.theirs.end();
    await assert.rejects(ended.flow.upgradeResponse, { code: HandshakeErrorCode.Network });
    const [ours] = duplexPair();
    const silent = webSocketClientLayer({ url: URL, handshakeTimeoutMs: 50 }).join(ours);
    void run(silent);
    await assert.rejects(silent.upgradeResponse, { code: HandshakeErrorCode.Timeout });
  });

  it('makes one connection per join, and refuses what is not a transport', async () => {
    const layer = webSocketClientLayer(URL);
    const keys = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const [ours, theirs] = duplexPair();
      const accepted = acceptOn(theirs);
      void run(layer.join(ours));
      keys.add(/sec-websocket-key: (\S+)/i.exec((await accepted).request)?.[1] ?? '');
      (await accepted).connection?.close();
    }
    assert.equal(keys.size, 2);
    assert.throws(() => layer.join({} as never), TypeError);
  });
});
