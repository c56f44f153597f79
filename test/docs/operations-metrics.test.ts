// The diagnostics-channel snippet of docs/operations.md, run as written (test/docs/snippets.test.ts
// checks that it is the page's): a request for another path is logged as refused, and a
// connection's close with its cause and duration.

import assert from 'node:assert/strict';
import { subscribe } from 'node:diagnostics_channel';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { DiagnosticChannels, echo, serve } from '../../src/index.js';
import type { ConnectionCloseDiagnostic, HandshakeRejectedDiagnostic } from '../../src/index.js';
import { until } from '../client/support.js';

describe('docs/operations.md: metrics and tracing', () => {
  it('logs refused handshakes and closes from the diagnostics channels', async (t) => {
    const lines: string[] = [];
    t.mock.method(console, 'log', (line: string) => lines.push(line));
    // #region docs/operations.md
    subscribe(DiagnosticChannels.connectionClose, (message) => {
      const { side, code, cause, durationMs } = message as ConnectionCloseDiagnostic;
      console.log(`${side} closed ${code} (${cause.kind}) after ${Math.round(durationMs ?? 0)} ms`);
    });
    subscribe(DiagnosticChannels.handshakeRejected, (message) => {
      const { status, reason, path } = message as HandshakeRejectedDiagnostic;
      console.log(`refused ${path}: ${status} ${reason}`);
    });
    const server = await serve({ port: 0, path: '/chat', flow: echo() });
    // A client of /news: "refused /news: 404 not-found"
    // #endregion
    try {
      const refused = new WebSocket(`${server.url}/news`);
      await new Promise((resolve) => refused.once('error', resolve));
      const client = new WebSocket(`${server.url}/chat`);
      await new Promise((resolve) => client.once('open', resolve));
      client.close(1000);
      await until(() => lines.length === 2);
      assert.equal(lines[0], 'refused /news: 404 not-found');
      assert.match(lines[1], /^server closed 1000 \(peer\) after \d+ ms$/);
    } finally {
      await server.close();
    }
  });
});
