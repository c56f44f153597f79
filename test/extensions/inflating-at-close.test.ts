// A compressed message that arrived whole, its last read with the peer's Close, a protocol error
// or the end of the transport, is delivered whole once it is inflated. (The assembler was
// aborted while the inflater still fed it the message: what came after was delivered as a
// message of its own, the payload's tail.)

import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { Connection } from '../../src/connection/connection.js';
import { withEngineExtras } from '../../src/connection/options.js';
import { resolveDeflateOptions, settingsOf } from '../../src/extensions/deflate-options.js';
import type { NegotiatedDeflate } from '../../src/extensions/deflate-options.js';
import type { Message } from '../../src/message/message.js';
import { settle } from '../helpers/connection-setup.js';
import { peerFrame } from '../helpers/peer-frames.js';
import { seededBytes } from '../helpers/seeded-bytes.js';
import { deflateMessage } from './support.js';

const DEFLATE: NegotiatedDeflate = {
  params: {
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 15,
  },
  settings: settingsOf(resolveDeflateOptions(true)!),
};

/** A transport whose input the test pushes; what the connection writes is dropped. */
class Feed extends Duplex {
  override _read(): void {}

  override _write(_chunk: unknown, _encoding: string, callback: () => void): void {
    callback();
  }
}

describe('a compressed message still inflating when the input ends', () => {
  // Inflated in many steps: printable bytes compress a little, 300 KB make many output chunks.
  const payload = Buffer.from(seededBytes(300_000, 5, true));
  const frame = peerFrame('client', 0xc2, deflateMessage(payload));
  const endings: [string, Buffer][] = [
    ["the peer's Close", peerFrame('client', 0x88, Uint8Array.of(0x03, 0xe8))],
    ['a protocol error', peerFrame('client', 0x83, 'x')],
    ['the end of the transport', Buffer.alloc(0)],
  ];
  for (const [what, ending] of endings) {
    it(`is delivered whole when it was read with ${what}`, async () => {
      const transport = new Feed();
      const extras = { deflate: DEFLATE };
      const connection = new Connection(transport, withEngineExtras({ side: 'client' }, extras));
      const messages: Message[] = [];
      let first: () => void = () => undefined;
      const arrived = new Promise<void>((resolve) => (first = resolve));
      connection.onMessage((message) => {
        messages.push(message);
        first();
      });
      await settle(2);
      // In reads of 30,000 bytes, the last with the ending: the inflater starts on the first.
      const input = Buffer.concat([frame, ending]);
      for (let at = 0; at < input.length; at += 30_000) {
        transport.push(input.subarray(at, at + 30_000));
      }
      if (ending.length === 0) transport.push(null);
      await arrived;
      await settle();
      transport.push(null);
      await connection.closed;
      assert.equal(messages.length, 1, `${messages.length} messages`);
      const [message] = messages;
      assert.ok(message.isBinary && message.isStrict);
      assert.equal(message.data.length, payload.length);
      assert.ok(payload.equals(message.data));
    });
  }
});
