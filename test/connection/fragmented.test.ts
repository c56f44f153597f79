// A message in several frames, as ws's send(data, { fin: false }) or python-websockets put it on
// the wire: collected and delivered Strict within aggregateMessageBytes, so a handler written as
// for ws answers it; with the option 0 it is Streamed when it does not arrive whole in one read.
// On every split of the input, with and without permessage-deflate.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Connection } from '../../src/connection/connection.js';
import { withEngineExtras } from '../../src/connection/options.js';
import type { ConnectionOptions } from '../../src/connection/options.js';
import { resolveDeflateOptions, settingsOf } from '../../src/extensions/deflate-options.js';
import type { NegotiatedDeflate } from '../../src/extensions/deflate-options.js';
import { map } from '../../src/flow/flow.js';
import { discardMessage } from '../../src/message/message.js';
import type { Message } from '../../src/message/message.js';
import { settle } from '../helpers/connection-setup.js';
import { duplexPair } from '../helpers/duplex-pair.js';
import { peerFrame } from '../helpers/peer-frames.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { chunkings } from '../helpers/split-feed.js';
import { deflateMessage } from '../extensions/support.js';

const NAME = 'Hello, wörld';
const CLOSE = peerFrame('server', 0x88, Uint8Array.of(0x03, 0xe8));
/** Header bytes of a masked frame of under 126 bytes: a split before them leaves no message open. */
const HEADER_BYTES = 6;

/** `payload` in three frames (the first with `firstByte`'s RSV1 and opcode, no FIN). */
function inThreeFrames(firstByte: number, payload: Uint8Array): Buffer {
  const cut1 = Math.floor(payload.length / 3);
  const cut2 = Math.floor((2 * payload.length) / 3);
  return Buffer.concat([
    peerFrame('server', firstByte, payload.subarray(0, cut1)),
    peerFrame('server', 0x00, payload.subarray(cut1, cut2)),
    peerFrame('server', 0x80, payload.subarray(cut2)),
  ]);
}

/** Both sides' permessage-deflate, each message compressed from an empty context. */
const DEFLATE: NegotiatedDeflate = {
  params: {
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 15,
  },
  settings: settingsOf(resolveDeflateOptions(true)!),
};

interface Fixture {
  /** The fragmented text message, then the text 'next'. */
  input: Buffer;
  /** Where the fragmented message ends in `input`. */
  messageEnd: number;
  options: ConnectionOptions;
}

function fixture(compressed: boolean, aggregateMessageBytes?: number): Fixture {
  const message = compressed
    ? inThreeFrames(0x41, deflateMessage(NAME))
    : inThreeFrames(0x01, Buffer.from(NAME));
  const next = compressed
    ? peerFrame('server', 0xc1, deflateMessage('next'))
    : peerFrame('server', 0x81, 'next');
  const base: ConnectionOptions = { side: 'server', aggregateMessageBytes };
  return {
    input: Buffer.concat([message, next]),
    messageEnd: message.length,
    options: compressed ? withEngineExtras(base, { deflate: DEFLATE }) : base,
  };
}

/**
 * Feeds `chunks` (one read each) to a server connection running the handler a ws user writes
 * (plus the drain rule); resolves with whether each message was Strict, and the replies.
 */
async function answersTo(
  chunks: Uint8Array[],
  options: ConnectionOptions,
): Promise<{ strict: boolean[]; replies: string[] }> {
  const [ours, theirs] = duplexPair();
  const connection = new Connection(ours, options);
  const peer = new RawPeer(theirs, 'client');
  const strict: boolean[] = [];
  connection.runDetached(
    map((m: Message) => {
      strict.push(m.isStrict);
      if (!m.isStrict) discardMessage(m); // the drain rule: an unread body would stall reading
      return m.isText && m.isStrict ? 'got ' + m.text : undefined;
    }),
  );
  for (const chunk of chunks) {
    theirs.write(chunk);
    await settle(1);
  }
  while (strict.length < 2) await settle(1);
  peer.close(1000);
  await connection.closed; // our Close answered: every reply went before it
  const replies = peer.events.flatMap((e) => (e.type === 'message' ? [e.data.toString()] : []));
  return { strict, replies };
}

describe('fragmented messages', () => {
  for (const compressed of [false, true]) {
    const label = compressed ? 'compressed' : 'uncompressed';

    it(`a handler written as for ws answers a small ${label} message in three frames, on every split`, async () => {
      const { input, options } = fixture(compressed);
      for (const { name, chunks } of chunkings(input)) {
        const { strict, replies } = await answersTo(chunks, options);
        assert.deepEqual(strict, [true, true], name);
        assert.deepEqual(replies, [`got ${NAME}`, 'got next'], name);
      }
    });

    it(`with aggregateMessageBytes 0, a ${label} message in three frames is Streamed unless it arrives whole`, async () => {
      const { input, options, messageEnd } = fixture(compressed, 0);
      for (const { name, chunks } of chunkings(input)) {
        const { strict, replies } = await answersTo(chunks, options);
        const expected = [
          ...(strict[0] ? [`got ${NAME}`] : []),
          ...(strict[1] ? ['got next'] : []),
        ];
        assert.deepEqual(replies, expected, `${name}: a Strict message is answered`);
        if (chunks.length === 1) assert.deepEqual(strict, [true, true], name);
        // A compressed message is whole when its inflated output comes in one step, which
        // depends on zlib; an uncompressed one, on where the read ends.
        if (compressed) continue;
        // Split inside a message, past its first frame's header: it is still open when the
        // first read ends.
        const cut = chunks.length === 2 ? chunks[0].length : 0;
        const open = (start: number, end: number): boolean =>
          name === 'byte by byte' || (cut >= start + HEADER_BYTES && cut < end);
        assert.deepEqual(strict, [!open(0, messageEnd), !open(messageEnd, input.length)], name);
      }
    });
  }

  it('a fragmented message past aggregateMessageBytes is Streamed, its collected part first', async () => {
    const payload = Buffer.from('0123456789abcdefghij'); // 20 bytes: the bound is 12
    const input = Buffer.concat([inThreeFrames(0x02, payload), CLOSE]);
    for (const { name, chunks } of chunkings(input)) {
      const [ours, theirs] = duplexPair();
      const connection = new Connection(ours, { side: 'server', aggregateMessageBytes: 12 });
      new RawPeer(theirs, 'client');
      const received: Message[] = [];
      connection.onMessage((message) => void received.push(message));
      for (const chunk of chunks) {
        theirs.write(chunk);
        await settle(1);
      }
      while (received.length === 0) await settle(1);
      const [message] = received;
      assert.ok(message.isBinary, name);
      const parts: Buffer[] = [];
      for await (const part of message.dataStream) parts.push(Buffer.from(part));
      assert.ok(payload.equals(Buffer.concat(parts)), name);
      if (chunks.length === 1) assert.ok(message.isStrict, name);
      if (name === 'byte by byte') {
        // Collected up to the bound one byte per read, then Streamed with that as its first part.
        assert.ok(!message.isStrict, name);
        assert.equal(parts[0].toString(), '0123456789ab', name);
      }
      await connection.closed;
    }
  });
});
