// Test support for transformers: a serve() server running one flow, and a ws client on it.

import type { ClientOptions } from 'ws';
import { serve } from '../../src/index.js';
import type {
  AttachOptions,
  MessageFlow,
  WebSocketServer,
  WebSocketUpgrade,
} from '../../src/index.js';
import { openClient } from '../server/support.js';
import type { OpenClient } from '../server/support.js';

/**
 * Serves `flow` on a free port, opens a ws client on it and runs `test`; closes both after.
 *
 * @param flow - the server's flow.
 * @param test - gets the open client and the server.
 * @param options - server options (limits).
 * @param clientOptions - ws client options.
 */
export async function withFlow(
  flow: MessageFlow,
  test: (client: OpenClient, server: WebSocketServer) => Promise<void>,
  options: AttachOptions = {},
  clientOptions: ClientOptions = {},
): Promise<void> {
  await withServer(await serve({ ...options, flow, port: 0 }), test, clientOptions);
}

/**
 * Like {@link withFlow}, for a flow used once (a pair): `makeFlow` builds one per connection.
 *
 * @param makeFlow - builds the flow of a connection.
 * @param test - gets the open client and the server.
 */
export async function withFlowPerConnection(
  makeFlow: () => MessageFlow,
  test: (client: OpenClient, server: WebSocketServer) => Promise<void>,
): Promise<void> {
  const handler = (upgrade: WebSocketUpgrade): void => void upgrade.handleMessages(makeFlow());
  await withServer(await serve({ handler, port: 0 }), test, {});
}

async function withServer(
  server: WebSocketServer,
  test: (client: OpenClient, server: WebSocketServer) => Promise<void>,
  clientOptions: ClientOptions,
): Promise<void> {
  try {
    const client = await openClient(server.url, [], clientOptions);
    try {
      await test(client, server);
    } finally {
      client.ws.terminate();
    }
  } finally {
    await server.close({ timeoutMs: 1000 });
  }
}

/** The next message's text, asserting it was a text message. */
export async function nextText(client: OpenClient): Promise<string> {
  const { data, isBinary } = await client.next();
  if (isBinary) throw new Error(`expected text, got ${data.byteLength} binary bytes`);
  return data.toString('utf8');
}
