// text() and bytes() over real sockets, with ws as the client: values both ways, the wrong kind
// of message closes with 1003, Streamed messages are collected, and maxBytes closes with 1009.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytes, echo, map, text } from '../../src/index.js';
import { nextText, withFlow } from './support.js';

describe('text()', () => {
  it('hands the flow strings and sends its strings as text', async () => {
    const flow = text().transform(map((line) => `Hello ${line}!`));
    await withFlow(flow, async (client) => {
      client.ws.send('Peter');
      assert.equal(await nextText(client), 'Hello Peter!');
      client.ws.send('Zoë ✓');
      assert.equal(await nextText(client), 'Hello Zoë ✓!');
    });
  });

  it('collects a fragmented (Streamed) message before the flow sees it', async () => {
    await withFlow(text().transform(map((line) => `${line.length}`)), async (client) => {
      client.ws.send('a'.repeat(1000), { fin: false });
      client.ws.send('b'.repeat(1000), { fin: false });
      client.ws.send('c', { fin: true });
      assert.equal(await nextText(client), '2001');
    });
  });

  it('closes with 1003 "text messages only" on a binary message', async () => {
    await withFlow(text().transform(echo()), async (client) => {
      client.ws.send(Buffer.from([1, 2, 3]));
      assert.deepEqual(await client.closed, { code: 1003, reason: 'text messages only' });
    });
  });

  it('closes with 1009 on a message over maxBytes, Strict or Streamed', async () => {
    const flow = text({ maxBytes: 8 }).transform(echo());
    await withFlow(flow, async (client) => {
      client.ws.send('12345678');
      assert.equal(await nextText(client), '12345678');
      client.ws.send('ééééé'); // 5 characters, 10 bytes
      assert.deepEqual(await client.closed, { code: 1009, reason: 'message over 8 bytes' });
    });
    await withFlow(flow, async (client) => {
      client.ws.send('12345', { fin: false });
      client.ws.send('6789', { fin: true });
      assert.deepEqual(await client.closed, { code: 1009, reason: 'message over 8 bytes' });
    });
  });
});

describe('bytes()', () => {
  it('hands the flow Uint8Arrays and sends its Uint8Arrays as binary', async () => {
    const flow = bytes().transform(map((data) => data.slice().reverse()));
    await withFlow(flow, async (client) => {
      client.ws.send(Buffer.from([1, 2, 3]));
      assert.deepEqual(await client.next(), { data: Buffer.from([3, 2, 1]), isBinary: true });
      client.ws.send(Buffer.from([4]), { fin: false });
      client.ws.send(Buffer.from([5, 6]), { fin: true });
      assert.deepEqual(await client.next(), { data: Buffer.from([6, 5, 4]), isBinary: true });
    });
  });

  it('closes with 1003 "binary messages only" on a text message', async () => {
    await withFlow(bytes().transform(echo()), async (client) => {
      client.ws.send('text');
      assert.deepEqual(await client.closed, { code: 1003, reason: 'binary messages only' });
    });
  });

  it('closes with 1009 on a Streamed message over maxBytes', async () => {
    await withFlow(bytes({ maxBytes: 4 }).transform(echo()), async (client) => {
      client.ws.send(Buffer.alloc(3), { fin: false });
      client.ws.send(Buffer.alloc(3), { fin: true });
      assert.deepEqual(await client.closed, { code: 1009, reason: 'message over 4 bytes' });
    });
  });
});
