// Interop helpers: one cell of the matrix, a server implementation × a client implementation, as
// a suite. For compression off and on: text and binary messages of every size in SIZES, whole and
// fragmented, echoed and checked by SHA-256; then a clean close started by each side, with a
// code and a reason, checked on both sides.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startClient } from './clients.js';
import type { ClientDriver, ClientName } from './clients.js';
import { chromiumMissing, needs, pythonWebsocketsMissing } from './peers.js';
import { SIZES, formatSize, fragmentsOf, payload, seedOf, sha256 } from './payload.js';
import type { Kind } from './payload.js';
import { startServer } from './servers.js';
import type { ServerName, ServerPeer } from './servers.js';

/** What one cell runs. */
export interface CellOptions {
  server: ServerName;
  client: ClientName;
}

/** The close a client starts, and the one a server starts. */
export const CLIENT_CLOSE = { code: 4001, reason: 'client says goodbye, à bientôt ✓' };
export const SERVER_CLOSE = { code: 4002, reason: 'server says goodbye, à bientôt ✓' };

const KINDS: readonly Kind[] = ['text', 'binary'];
/** A guard against a hang, not a timed assertion: a case normally takes milliseconds. */
const CASE_TIMEOUT_MS = 60_000;
let connectionCount = 0;

/** Registers the suite of one cell of the matrix. */
export function interopCell(options: CellOptions): void {
  const { server: serverName, client: clientName } = options;
  const missing = [serverName, clientName].includes('python')
    ? pythonWebsocketsMissing()
    : clientName === 'chromium'
      ? chromiumMissing()
      : undefined;
  const title = `${serverName} server × ${clientName} client`;
  if (missing !== undefined) {
    // Skipped with the install command; in CI it runs, and fails with it.
    describe(title, () =>
      test('its peer is installed', needs(missing), () => assert.fail(missing)),
    );
    return;
  }
  describe(title, () => {
    let client: ClientDriver | undefined;
    before(async () => {
      client = await startClient(clientName);
    });
    after(() => client?.stop());
    for (const compression of [false, true]) {
      describe(`compression ${compression ? 'on' : 'off'}`, () => {
        let server: ServerPeer | undefined;
        before(async () => {
          server = await startServer(serverName, compression);
        });
        after(() => server?.stop());
        const run = (name: string, body: (cell: Cell) => Promise<void>): void => {
          test(name, { timeout: CASE_TIMEOUT_MS }, () =>
            body(new Cell(server!, client!, compression)),
          );
        };
        for (const fragmented of [false, true]) {
          for (const kind of KINDS) {
            for (const size of SIZES) {
              const name = `${kind} ${formatSize(size)}, ${fragmented ? 'fragmented' : 'whole'}`;
              run(name, (cell) => cell.echo(kind, size, fragmented));
            }
          }
        }
        run(`client closes with ${CLIENT_CLOSE.code} and a reason`, (cell) => cell.clientCloses());
        run(`server closes with ${SERVER_CLOSE.code} and a reason`, (cell) => cell.serverCloses());
      });
    }
  });
}

/** The cases of one cell, against a running server and client. */
class Cell {
  constructor(
    readonly server: ServerPeer,
    readonly client: ClientDriver,
    readonly compression: boolean,
  ) {}

  /**
   * One message there and back: the client sends it (in fragments when `fragmented` and it can),
   * the server echoes it (in fragments when `fragmented`), every byte is compared by SHA-256.
   */
  async echo(kind: Kind, size: number, fragmented: boolean): Promise<void> {
    const bytes = payload(kind, size, seedOf(kind, size));
    const id = nextId();
    const route = fragmented ? '/fragmented' : '/echo';
    const session = await this.client.open(this.server.url(`${route}?id=${id}`), this);
    try {
      this.checkNegotiation(session.extensions);
      const fragments =
        fragmented && this.client.sendsFragments
          ? fragmentsOf(bytes, kind, this.client.splitsCodePoints)
          : [bytes];
      const received = await session.exchange(kind, fragments);
      const seed = seedOf(kind, size);
      assert.deepEqual(received, { kind, size, sha256: sha256(bytes) }, `payload seed ${seed}`);
    } finally {
      await session.close(1000, '');
    }
    assert.deepEqual(await this.server.closeSeen(id), { code: 1000, reason: '' });
  }

  /** The client closes with a code and a reason: both sides see them, and the close is clean. */
  async clientCloses(): Promise<void> {
    const id = nextId();
    const session = await this.client.open(this.server.url(`/echo?id=${id}`), this);
    this.checkNegotiation(session.extensions);
    const seenByClient = await session.close(CLIENT_CLOSE.code, CLIENT_CLOSE.reason);
    assert.equal(seenByClient.code, CLIENT_CLOSE.code, 'the server echoes the close code');
    assert.equal(seenByClient.wasClean, true);
    assert.deepEqual(await this.server.closeSeen(id), CLIENT_CLOSE);
  }

  /** The server closes with a code and a reason: both sides see them, and the close is clean. */
  async serverCloses(): Promise<void> {
    const id = nextId();
    const { code, reason } = SERVER_CLOSE;
    const query = `id=${id}&code=${code}&reason=${encodeURIComponent(reason)}`;
    const session = await this.client.open(this.server.url(`/close?${query}`), this);
    this.checkNegotiation(session.extensions);
    assert.deepEqual(await session.closed(), { code, reason, wasClean: true });
    const seenByServer = await this.server.closeSeen(id);
    assert.equal(seenByServer.code, code, 'the client echoes the close code');
  }

  checkNegotiation(extensions: string): void {
    if (this.compression) {
      assert.match(extensions, /^permessage-deflate\b/, 'permessage-deflate negotiated');
    } else {
      assert.equal(extensions, '', 'no extension negotiated');
    }
  }
}

function nextId(): string {
  connectionCount += 1;
  return `c${process.pid}-${connectionCount}`;
}
