// Test support for the routing tests: a router served on a free port for the length of a test.

import { serve } from '../../src/index.js';
import type { Router, ServerErrorHandler, WebSocketServer } from '../../src/index.js';

/** Serves `router` on a free port, runs `test`, closes the server. */
export async function withRouter(
  router: Router,
  test: (server: WebSocketServer, port: number) => Promise<void>,
  onError: ServerErrorHandler = () => undefined,
): Promise<void> {
  const server = await serve({ port: 0, handler: router, onError });
  try {
    await test(server, server.address.port);
  } finally {
    await server.close();
  }
}
