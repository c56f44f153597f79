// Interop helpers: the clients of the matrix behind one interface — wsflow, ws (npm),
// python-websockets (a child process driven over JSON lines) and Chromium (./chromium.ts). Each
// sends a message it is given, reads the next one, and reports its kind, size and SHA-256.

import { WebSocket as WsClient } from 'ws';
import { ClientCloseEvent, openWebSocket } from '../../src/index.js';
import type { WebSocketClient as WsflowSocket } from '../../src/index.js';
import { startChromiumClient } from './chromium.js';
import type { Kind } from './payload.js';
import { sha256 } from './payload.js';
import { JsonLinesProcess, PYTHON, peerScript } from './peers.js';
import { PEER_MAX_PAYLOAD, messageBytes } from './servers.js';

/** The client implementations of the matrix. */
export type ClientName = 'wsflow' | 'ws' | 'python' | 'chromium';

/** What a client received: compared with what was sent. */
export interface Received {
  kind: Kind;
  size: number;
  sha256: string;
}

/** A close as the client saw it: the server's Close frame, and whether the handshake completed. */
export interface ClientSeenClose {
  code: number;
  reason: string;
  wasClean: boolean;
}

/** One open connection of a client. */
export interface ClientSession {
  /** The Sec-WebSocket-Extensions header of the server's 101, '' when none. */
  readonly extensions: string;
  /**
   * Sends one message of `kind` made of `fragments` (one frame when there is one) and resolves
   * with the next message received.
   */
  exchange(kind: Kind, fragments: Buffer[]): Promise<Received>;
  /** Starts the close handshake; resolves with the server's Close once the connection ended. */
  close(code: number, reason: string): Promise<ClientSeenClose>;
  /** Waits for the connection to end (the server closes); resolves with the server's Close. */
  closed(): Promise<ClientSeenClose>;
}

/** A client implementation, started once per suite. */
export interface ClientDriver {
  readonly name: ClientName;
  /** False when the client cannot send a message in fragments (a browser). */
  readonly sendsFragments: boolean;
  /** True when its text fragments may end inside a character (it sends raw bytes). */
  readonly splitsCodePoints: boolean;
  /** Opens a connection, offering permessage-deflate when `compression`. */
  open(url: string, options: { compression: boolean }): Promise<ClientSession>;
  /** Stops the client (its process or browser). */
  stop(): Promise<void>;
}

/** Starts a client. */
export function startClient(name: ClientName): Promise<ClientDriver> {
  if (name === 'wsflow') return Promise.resolve(wsflowClient);
  if (name === 'ws') return Promise.resolve(wsClient);
  if (name === 'python') return startPythonClient();
  return startChromiumClient();
}

const wsflowClient: ClientDriver = {
  name: 'wsflow',
  sendsFragments: true,
  splitsCodePoints: false,
  async open(url, { compression }) {
    const socket = await openWebSocket({ url, perMessageDeflate: compression });
    const header = socket.headers['sec-websocket-extensions'];
    return new WsflowSession(socket, Array.isArray(header) ? header.join(', ') : (header ?? ''));
  },
  stop: () => Promise.resolve(),
};

class WsflowSession implements ClientSession {
  readonly extensions: string;
  readonly #socket: WsflowSocket;

  constructor(socket: WsflowSocket, extensions: string) {
    this.#socket = socket;
    this.extensions = extensions;
  }

  async exchange(kind: Kind, fragments: Buffer[]): Promise<Received> {
    const socket = this.#socket;
    const reply = socket.receive();
    reply.catch(() => undefined);
    const values = fragments.map((f) => (kind === 'text' ? f.toString('utf8') : f));
    if (values.length === 1) {
      await socket.send(values[0]);
    } else {
      for (let i = 0; i < values.length; i++) {
        await socket.send(values[i], { fin: i === values.length - 1, continuation: i > 0 });
      }
    }
    const message = await reply;
    if (message instanceof ClientCloseEvent) {
      throw new Error(`closed instead of a reply: ${message.code} ${message.reason}`);
    }
    const bytes = await messageBytes(message);
    return { kind: message.isText ? 'text' : 'binary', size: bytes.length, sha256: sha256(bytes) };
  }

  async close(code: number, reason: string): Promise<ClientSeenClose> {
    const { code: seen, reason: seenReason, wasClean } = await this.#socket.close(code, reason);
    return { code: seen, reason: seenReason, wasClean };
  }

  async closed(): Promise<ClientSeenClose> {
    const { code, reason, wasClean } = await this.#socket.closed;
    return { code, reason, wasClean };
  }
}

const wsClient: ClientDriver = {
  name: 'ws',
  sendsFragments: true,
  splitsCodePoints: true,
  open: (url, { compression }) => WsSession.open(url, compression),
  stop: () => Promise.resolve(),
};

class WsSession implements ClientSession {
  readonly #socket: WsClient;
  readonly #replies: { resolve: (r: Received) => void; reject: (e: Error) => void }[] = [];
  readonly #closed: Promise<ClientSeenClose>;

  private constructor(socket: WsClient) {
    this.#socket = socket;
    socket.on('message', (data, isBinary) => {
      const bytes = data as Buffer;
      const received: Received = {
        kind: isBinary ? 'binary' : 'text',
        size: bytes.length,
        sha256: sha256(bytes),
      };
      this.#replies.shift()?.resolve(received);
    });
    this.#closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        const seen = { code, reason: reason.toString('utf8'), wasClean: code !== 1006 };
        for (const reply of this.#replies.splice(0)) {
          reply.reject(new Error(`closed instead of a reply: ${code} ${seen.reason}`));
        }
        resolve(seen);
      }),
    );
  }

  get extensions(): string {
    return this.#socket.extensions;
  }

  static open(url: string, compression: boolean): Promise<WsSession> {
    const socket = new WsClient(url, {
      perMessageDeflate: compression,
      maxPayload: PEER_MAX_PAYLOAD,
    });
    const session = new WsSession(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(session));
      socket.once('error', reject);
    });
  }

  async exchange(kind: Kind, fragments: Buffer[]): Promise<Received> {
    const reply = new Promise<Received>((resolve, reject) =>
      this.#replies.push({ resolve, reject }),
    );
    fragments.forEach((fragment, i) =>
      this.#socket.send(fragment, { binary: kind === 'binary', fin: i === fragments.length - 1 }),
    );
    return reply;
  }

  close(code: number, reason: string): Promise<ClientSeenClose> {
    if (this.#socket.readyState === WsClient.OPEN) this.#socket.close(code, reason);
    return this.#closed;
  }

  closed(): Promise<ClientSeenClose> {
    return this.#closed;
  }
}

async function startPythonClient(): Promise<ClientDriver> {
  const [peer] = await JsonLinesProcess.start<{ ready: true }>(PYTHON, [
    peerScript('python_client.py'),
  ]);
  return {
    name: 'python',
    sendsFragments: true,
    splitsCodePoints: false,
    async open(url, { compression }) {
      const { extensions } = await peer.request<{ extensions: string }>({
        op: 'open',
        url,
        compression,
      });
      return {
        extensions,
        exchange: (kind, fragments) =>
          peer.request<Received>({
            op: 'exchange',
            kind,
            fragments: fragments.map((f) => f.toString('base64')),
          }),
        close: (code, reason) => peer.request<ClientSeenClose>({ op: 'close', code, reason }),
        closed: () => peer.request<ClientSeenClose>({ op: 'closed' }),
      };
    },
    stop: () => peer.stop(),
  };
}
