// Compressed messages that arrive in the same read as a bad frame are inflated, delivered and
// answered before the Close, as uncompressed ones are (test/connection/messages-before-error).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { map, serve } from '../../src/index.js';
import type { Message, WebSocketServer } from '../../src/index.js';
import { peerFrame } from '../helpers/peer-frames.js';
import { RawDeflateClient, deflateMessage, inflateMessage } from './support.js';

const COMPRESSED_TEXT = 0xc1;

/** What the server sent until its Close: the texts, then `close <code>`. */
async function untilClose(client: RawDeflateClient): Promise<string[]> {
  const seen: string[] = [];
  for (;;) {
    const frame = await client.frame();
    if (frame.opcode === 0x8) return [...seen, `close ${frame.payload.readUInt16BE(0)}`];
    seen.push((frame.rsv1 ? inflateMessage(frame.payload) : frame.payload).toString());
  }
}

describe('compressed messages before a protocol error', () => {
  let server: WebSocketServer;
  before(async () => {
    const reply = (m: Message) => `got ${m.isText && m.isStrict ? m.text : '?'}`;
    server = await serve({ port: 0, flow: map(reply), perMessageDeflate: true });
  });
  after(() => server.close());

  for (const [name, size] of [
    ['small', 1],
    ['large', 200_000],
  ] as const) {
    it(`are answered before the Close (${name} messages)`, async () => {
      const client = await RawDeflateClient.open(server.address.port, 'permessage-deflate');
      const a = 'a'.repeat(size);
      const b = 'b'.repeat(size);
      client.socket.write(
        Buffer.concat([
          peerFrame('server', COMPRESSED_TEXT, deflateMessage(a)),
          peerFrame('server', COMPRESSED_TEXT, deflateMessage(b)),
          peerFrame('server', 0x83, 'x'), // a reserved opcode: 1002
        ]),
      );
      assert.deepEqual(await untilClose(client), [`got ${a}`, `got ${b}`, 'close 1002']);
      client.socket.destroy();
    });
  }
});
