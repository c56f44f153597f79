// Framing once: the plain frame, compressed frames shared by every subscriber with the same
// deflate setting and no context takeover, and which negotiations allow sharing at all. Also the
// checks of a subscriber's limits.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { constants, inflateRawSync } from 'node:zlib';
import { TopicFrames, sharedDeflateOf } from '../../src/hub/topic-frames.js';
import { resolveSubscriberLimits } from '../../src/hub/subscriber-limits.js';
import { toTopicMessage } from '../../src/hub/topic-message.js';
import { BinaryMessage, SubscriberDefaults, TextMessage } from '../../src/index.js';

const settings = { level: -1, memLevel: 8, threshold: 16 };
const negotiated = (serverNoContextTakeover: boolean, serverMaxWindowBits = 15) => ({
  params: { serverNoContextTakeover, serverMaxWindowBits },
  settings,
});

function inflate(payload: Uint8Array): string {
  const input = Buffer.concat([payload, Buffer.from([0, 0, 0xff, 0xff])]);
  return inflateRawSync(input, { finishFlush: constants.Z_SYNC_FLUSH }).toString();
}

describe('TopicFrames', () => {
  it('frames a message once: header and payload in one buffer', () => {
    const frames = new TopicFrames({ kind: 'text', data: Buffer.from('hi') });
    assert.deepEqual([...frames.plain()], [0x81, 2, 0x68, 0x69]);
    assert.equal(frames.plain(), frames.plain(), 'made once');
    assert.equal(frames.for(undefined), frames.plain());
    const big = new TopicFrames({ kind: 'binary', data: new Uint8Array(70_000) });
    assert.deepEqual([...big.plain().subarray(0, 2)], [0x82, 127]);
    assert.equal(big.plain().length, 10 + 70_000);
  });

  it('compresses once per deflate setting, with RSV1, and not under the threshold', () => {
    const text = 'all the news that fits '.repeat(20);
    const frames = new TopicFrames({ kind: 'text', data: Buffer.from(text) });
    const a = sharedDeflateOf(negotiated(true));
    const b = sharedDeflateOf(negotiated(true));
    const narrow = sharedDeflateOf(negotiated(true, 10));
    const compressed = frames.for(a);
    assert.equal(frames.for(b), compressed, 'the same setting shares one frame');
    assert.notEqual(frames.for(narrow), compressed, 'another window, another frame');
    assert.equal(compressed[0], 0xc1, 'FIN, RSV1, text');
    const length = compressed[1] & 0x7f;
    assert.ok(length < text.length);
    assert.equal(inflate(compressed.subarray(2)), text);
    const small = new TopicFrames({ kind: 'text', data: Buffer.from('tiny') });
    assert.equal(small.for(a), small.plain(), 'under the threshold: plain');
    const empty = new TopicFrames({ kind: 'binary', data: new Uint8Array(0) });
    assert.equal(empty.for({ ...(a as NonNullable<typeof a>), threshold: 0 })[0], 0xc2);
  });

  it('shares only where the server resets its context after every message, with a 9 to 15 bit window', () => {
    assert.equal(sharedDeflateOf(undefined), undefined, 'no deflate');
    assert.equal(sharedDeflateOf(negotiated(false)), undefined, 'context takeover');
    assert.equal(sharedDeflateOf(negotiated(true, 8)), undefined, 'zlib widens 8 bits to 9');
    assert.equal(sharedDeflateOf(negotiated(true, 9))?.windowBits, 9);
  });
});

describe('toTopicMessage', () => {
  it('takes strings, bytes and Strict messages; refuses Streamed ones and other values', () => {
    assert.deepEqual(toTopicMessage('é', 'm1'), {
      kind: 'text',
      data: Buffer.from('é'),
      except: 'm1',
    });
    const bytes = Uint8Array.of(1, 2);
    assert.equal(toTopicMessage(bytes).data, bytes, 'bytes are shared, not copied');
    assert.equal(toTopicMessage(TextMessage.strict('t')).kind, 'text');
    assert.equal(toTopicMessage(BinaryMessage.strict(bytes)).kind, 'binary');
    assert.throws(() => toTopicMessage(BinaryMessage.streamed([bytes])), /toStrict/);
    assert.throws(() => toTopicMessage(null as unknown as string), TypeError);
  });
});

describe('subscriber limits', () => {
  it('fills in the defaults, the base first, and refuses what makes no sense', () => {
    assert.deepEqual(resolveSubscriberLimits(), SubscriberDefaults);
    const base = resolveSubscriberLimits({ onLimit: 'close', closeCode: 1008 });
    assert.deepEqual(resolveSubscriberLimits({ maxBufferedBytes: 10 }, base), {
      maxBufferedBytes: 10,
      onLimit: 'close',
      closeCode: 1008,
    });
    assert.throws(() => resolveSubscriberLimits({ maxBufferedBytes: -1 }), RangeError);
    assert.throws(() => resolveSubscriberLimits({ maxBufferedBytes: NaN }), RangeError);
    const policy = 'drop-newest' as 'drop-message';
    assert.throws(() => resolveSubscriberLimits({ onLimit: policy }), /onLimit/);
    assert.throws(() => resolveSubscriberLimits({ closeCode: 1000 as 1008 }), /1008 or 1013/);
  });
});
