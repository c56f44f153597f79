// The snippets of docs/sansio.md, run as written (test/docs/snippets.test.ts checks that they are
// the page's): a server Protocol fed by a client Protocol, in memory, with no transport at all.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HandshakeError } from '../../src/index.js';
import {
  Protocol,
  buildAcceptResponse,
  buildClientHandshakeHeaders,
  buildRejectionResponse,
  generateKey,
  validateClientRequest,
  validateServerResponse,
} from '../../src/protocol/index.js';
import type {
  MessageKind,
  ProtocolError,
  ProtocolHandler,
  UpgradeRequest,
} from '../../src/protocol/index.js';

/** What the server's transport was asked to do. */
const transport = {
  written: [] as Uint8Array[],
  ended: false,
  write(bytes: Uint8Array): void {
    this.written.push(bytes);
  },
  end(): void {
    this.ended = true;
  },
};

const log: unknown[][] = [];
const console = { log: (...values: unknown[]) => log.push(values) };

// #region docs/sansio.md
/** Collects whole messages: strings for text, bytes for binary. */
class Collector implements ProtocolHandler {
  readonly messages: (string | Uint8Array)[] = [];
  #kind: MessageKind = 'text';
  #parts: Uint8Array[] = [];

  onMessageStart(kind: MessageKind): void {
    this.#kind = kind;
    this.#parts = [];
  }
  onMessageData(chunk: Uint8Array, last: boolean): void {
    this.#parts.push(chunk.slice()); // a copy: the chunk is a view of the input
    if (!last) return;
    const payload = Buffer.concat(this.#parts);
    this.messages.push(this.#kind === 'text' ? payload.toString('utf8') : payload);
  }
  onPing(): void {} // the Pong is queued already (autoPong, the default)
  onPong(): void {}
  onPeerClose(code: number, reason: string): void {
    console.log('the peer closed', code, reason); // our answering Close is queued already
  }
  onProtocolError(error: ProtocolError): void {
    console.log('failed', error.closeCode, error.code); // e.g. 1002 WSFLOW_ERR_EXPECTED_MASK
  }
}
// #endregion

// #region docs/sansio.md
/** The answer to an upgrade request: a 101 to go on with, or a refusal to send before closing. */
function answer(request: UpgradeRequest): { accepted: boolean; response: string } {
  const result = validateClientRequest(request); // { method, httpVersion, headers }
  if (!result.ok) return { accepted: false, response: buildRejectionResponse(result.rejection) };
  const { key, protocols } = result; // the key, and the subprotocols offered, in order
  const subprotocol = protocols.includes('chat') ? 'chat' : undefined;
  const response = buildAcceptResponse({ key, subprotocol, offeredProtocols: protocols });
  return { accepted: true, response };
}
// #endregion

/** The Collector's handling, and the payload of each Pong pushed to `pongs`. */
function pongRecorder(pongs: string[]): ProtocolHandler {
  const collector = new Collector();
  return {
    onMessageStart: (kind) => collector.onMessageStart(kind),
    onMessageData: (chunk, last) => collector.onMessageData(chunk, last),
    onPing: () => undefined,
    onPong: (payload) => void pongs.push(Buffer.from(payload).toString()),
    onPeerClose: (code, reason) => collector.onPeerClose(code, reason),
    onProtocolError: (error) => collector.onProtocolError(error),
  };
}

describe('docs/sansio.md', () => {
  it('a client protocol talks to a server protocol through onBytes, in memory', () => {
    // #region docs/sansio.md
    const collector = new Collector();
    const server = new Protocol({ side: 'server', handler: collector, maxMessageBytes: 1 << 20 });

    /** Bytes arrived: feed them, write what the protocol has to send, close when it says so. */
    function onBytes(chunk: Uint8Array): void {
      server.receiveData(chunk);
      for (const bytes of server.takeOutgoing()) transport.write(bytes);
      if (server.closeTransportExpected()) transport.end();
    }

    /** The transport ended: the outcome is known. */
    function onEnd(): void {
      server.receiveEof();
      console.log(server.closeOutcome); // { code, reason, wasClean, closedBy, cause }
    }
    // #endregion

    // #region docs/sansio.md
    const client = new Protocol({ side: 'client', handler: new Collector() });
    client.sendText('Hello');
    client.sendBinary(Uint8Array.of(1, 2, 3), false); // the first frame of a fragmented message
    client.sendPing('are you there?'); // control frames may go between fragments
    client.sendContinuation(Uint8Array.of(4), true); // the last frame
    client.sendClose(1000, 'bye');
    for (const bytes of client.takeOutgoing()) onBytes(bytes);
    console.log(collector.messages); // [ 'Hello', <Buffer 01 02 03 04> ]
    // #endregion

    assert.deepEqual(collector.messages, ['Hello', Buffer.from([1, 2, 3, 4])]);
    assert.deepEqual(log, [
      ['the peer closed', 1000, 'bye'],
      [['Hello', Buffer.from([1, 2, 3, 4])]],
    ]);
    assert.equal(transport.ended, true);
    // What the server wrote is the client's input: a Pong, then the answering Close.
    const pongs: string[] = [];
    const answer = new Protocol({ side: 'client', handler: pongRecorder(pongs) });
    for (const bytes of transport.written) answer.receiveData(bytes);
    assert.deepEqual(pongs, ['are you there?']);
    assert.deepEqual(log.at(-1), ['the peer closed', 1000, '']); // the server's answer
    log.length = 0;
    onEnd();
    assert.deepEqual(log.at(-1), [
      {
        code: 1000,
        reason: 'bye',
        wasClean: true,
        closedBy: 'remote',
        cause: {
          kind: 'peer',
          phase: 'open',
          sent: { code: 1000, reason: '' },
          received: { code: 1000, reason: 'bye' },
        },
      },
    ]);
  });

  it('reports a protocol error: an unmasked frame to a server', () => {
    log.length = 0;
    const server = new Protocol({ side: 'server', handler: new Collector() });
    server.receiveData(Uint8Array.of(0x81, 0x01, 0x41)); // FIN, text, unmasked, "A"
    assert.deepEqual(log, [['failed', 1002, 'WSFLOW_ERR_EXPECTED_MASK']]);
    assert.equal(server.closeTransportExpected(), true);
  });

  it('the opening handshake, server and client, as data', () => {
    /** The client's request as a server's HTTP parser would hand it over. */
    const requestOf = (headers: Record<string, string | string[]>): UpgradeRequest => ({
      method: 'GET',
      httpVersion: '1.1',
      headers: Object.fromEntries(
        Object.entries({ Host: 'example.com', ...headers }).map(([n, v]) => [n.toLowerCase(), v]),
      ),
    });
    /** A response head parsed as a client's HTTP parser would. */
    const parse = (text: string): { status: number; headers: Record<string, string> } => {
      const [statusLine, ...lines] = text.split('\r\n\r\n')[0].split('\r\n');
      const fields = lines.map((line) => line.split(': ') as [string, string]);
      const headers = Object.fromEntries(fields.map(([n, v]) => [n.toLowerCase(), v]));
      return { status: Number(statusLine.split(' ')[1]), headers };
    };

    // The server above answers, in memory, the request the client's snippet builds (read when
    // validateServerResponse reads the response, so after `headers` exists).
    const answered = (): ReturnType<typeof parse> => parse(answer(requestOf(headers)).response);
    const response = {
      get status() {
        return answered().status;
      },
      get headers() {
        return answered().headers;
      },
    };
    // #region docs/sansio.md
    const key = generateKey();
    const headers = buildClientHandshakeHeaders({ key, protocols: ['chat'] });
    // Write `GET /chat HTTP/1.1`, a Host header and `headers`; read and parse the response head:
    const { subprotocol } = validateServerResponse(
      { status: response.status, headers: response.headers },
      { key, offeredProtocols: ['chat'] },
    ); // throws a HandshakeError for anything but a valid 101
    // #endregion
    assert.equal(response.status, 101);
    assert.equal(subprotocol, 'chat');

    const refused = answer({ ...requestOf(headers), method: 'POST' });
    assert.equal(refused.accepted, false);
    assert.match(refused.response, /^HTTP\/1\.1 405 /);
    assert.throws(
      () => validateServerResponse(parse(refused.response), { key }),
      (error) => error instanceof HandshakeError && error.code === 'WSFLOW_ERR_HANDSHAKE_STATUS',
    );
  });
});
