// serve(): a standalone server on a loopback port, exercised with ws as the reference client.

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { TextMessage, echo, map, serve } from '../../src/index.js';
import type { Message } from '../../src/index.js';
import { openClient, rawExchange } from './support.js';

describe('serve', () => {
  it('echoes text as text and binary as binary', async () => {
    const server = await serve({ port: 0, flow: echo() });
    try {
      const client = await openClient(server.url);
      client.ws.send('hello');
      assert.deepEqual(await client.next(), { data: Buffer.from('hello'), isBinary: false });
      client.ws.send(Buffer.from([1, 2, 3]));
      assert.deepEqual(await client.next(), { data: Buffer.from([1, 2, 3]), isBinary: true });
      client.ws.close(1000);
      assert.equal((await client.closed).code, 1000);
    } finally {
      await server.close();
    }
  });

  it('runs a map flow, emitting nothing for undefined', async () => {
    const greet = map((message: Message) =>
      message.isText && message.isStrict ? TextMessage.strict(`Hello ${message.text}!`) : undefined,
    );
    const server = await serve({ port: 0, flow: greet });
    try {
      const client = await openClient(server.url);
      client.ws.send(Buffer.from('ignored'));
      client.ws.send('Peter');
      assert.equal((await client.next()).data.toString(), 'Hello Peter!');
      client.ws.close();
      await client.closed;
    } finally {
      await server.close();
    }
  });

  it('reports its address, URL and live connections', async () => {
    const server = await serve({ port: 0, host: '127.0.0.1', flow: echo() });
    try {
      assert.equal(server.address.address, '127.0.0.1');
      assert.ok(server.address.port > 0);
      assert.equal(server.url, `ws://127.0.0.1:${server.address.port}`);
      assert.equal(server.connections.size, 0);
      const client = await openClient(server.url);
      client.ws.send('x');
      await client.next();
      assert.equal(server.connections.size, 1);
      client.ws.close();
      await client.closed;
      const [connection] = [...server.connections];
      if (connection !== undefined) await connection.closed;
      assert.equal(server.connections.size, 0);
    } finally {
      await server.close();
    }
  });

  it('answers a plain HTTP request with 426 Upgrade Required', async () => {
    const server = await serve({ port: 0, flow: echo() });
    try {
      const request = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';
      const response = await rawExchange(server.address.port, request);
      assert.equal(response.status, 426);
      assert.equal(response.headers['upgrade'], 'websocket');
      assert.equal(response.headers['sec-websocket-version'], '13');
      assert.match(response.body, /WebSocket/);
    } finally {
      await server.close();
    }
  });

  it('close() sends 1001 to every client, waits for them and stops listening', async () => {
    const server = await serve({ port: 0, flow: echo() });
    const port = server.address.port;
    const clients = await Promise.all([openClient(server.url), openClient(server.url)]);
    for (const client of clients) {
      client.ws.send('ready');
      await client.next();
    }
    assert.equal(server.connections.size, 2);
    const closing = server.close();
    assert.equal(server.close(), closing, 'close() is idempotent');
    await closing;
    assert.equal(server.connections.size, 0);
    for (const client of clients) {
      assert.deepEqual(await client.closed, { code: 1001, reason: 'server shutting down' });
    }
    const socket = connect(port, '127.0.0.1');
    const [error] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
    assert.equal(error.code, 'ECONNREFUSED');
  });

  it('rejects when the port is taken', async () => {
    const first = await serve({ port: 0, flow: echo() });
    try {
      await assert.rejects(serve({ port: first.address.port, flow: echo() }), {
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });

  it('passes Connection options on: a message over maxMessageBytes closes with 1009', async () => {
    const server = await serve({ port: 0, flow: echo(), maxMessageBytes: 8 });
    try {
      const client = await openClient(server.url);
      client.ws.send('12345678');
      assert.equal((await client.next()).data.toString(), '12345678');
      client.ws.send('123456789');
      assert.equal((await client.closed).code, 1009);
    } finally {
      await server.close();
    }
  });

  it('needs a flow or a handler', async () => {
    await assert.rejects(serve({ port: 0 } as never), TypeError);
  });
});
