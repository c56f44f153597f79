// The close-cause snippet of docs/operations.md, run as written (test/docs/snippets.test.ts checks
// that it is the page's): a client that sends more than maxMessageBytes is logged as a limit.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { echo, serve } from '../../src/index.js';
import type { CloseCause } from '../../src/index.js';
import { until } from '../client/support.js';

describe('docs/operations.md: close causes', () => {
  it('logs what ended each connection: a message over the limit', async (t) => {
    const lines: string[] = [];
    t.mock.method(console, 'log', (line: string) => lines.push(line));
    // #region docs/operations.md
    /** One log line per close: what ended it, the Close frames, and the detail that says why. */
    function describeCause(cause: CloseCause): string {
      const detail =
        cause.limit !== undefined
          ? ` ${cause.limit.name}=${cause.limit.value}`
          : cause.timer !== undefined
            ? ` ${cause.timer.name}=${cause.timer.ms}`
            : cause.error instanceof Error
              ? ` ${(cause.error as Error & { code?: string }).code ?? cause.error.message}`
              : '';
      const frames = `sent ${cause.sent?.code ?? '-'}, received ${cause.received?.code ?? '-'}`;
      return `${cause.kind} while ${cause.phase} (${frames})${detail}`;
    }

    const server = await serve({
      port: 0,
      maxMessageBytes: 1024,
      handler: (upgrade) => {
        const connection = upgrade.handleMessages(echo());
        connection.onClosed(({ code, cause }) => console.log(`${code}: ${describeCause(cause)}`));
      },
    });
    // A client that sends 2 KiB: "1006: limit while open (sent 1009, received -) maxMessageBytes=1024"
    // #endregion
    try {
      const client = new WebSocket(server.url);
      await new Promise((resolve) => client.once('open', resolve));
      client.send(Buffer.alloc(2048));
      await new Promise((resolve) => client.once('close', resolve));
      await until(() => lines.length === 1);
      assert.deepEqual(lines, [
        '1006: limit while open (sent 1009, received -) maxMessageBytes=1024',
      ]);
    } finally {
      await server.close();
    }
  });
});
