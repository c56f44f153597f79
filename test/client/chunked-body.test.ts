// The chunked body of a refusal, read by the handshake over the client's own socket.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeChunked } from '../../src/client/chunked-body.js';

const WIRE = Buffer.from('3\r\ngo \r\n4;ext=1\r\naway\r\n0\r\nTrailer: x\r\n\r\n', 'latin1');

describe('decodeChunked', () => {
  it('decodes a whole body, extensions and trailers skipped', () => {
    const { body, complete } = decodeChunked(WIRE, 1024);
    assert.deepEqual([body.toString(), complete], ['go away', true]);
  });

  it('keeps what arrived at every split, complete only with the last chunk', () => {
    for (let split = 0; split < WIRE.length; split++) {
      const { body, complete } = decodeChunked(WIRE.subarray(0, split), 1024);
      assert.ok('go away'.startsWith(body.toString()), `split ${split}: ${body.toString()}`);
      assert.equal(complete, split >= WIRE.indexOf('0\r\n') + 3, `split ${split}`);
    }
  });

  it('stops at its bound, and at a size line that does not parse', () => {
    assert.deepEqual(
      [decodeChunked(WIRE, 4).body.toString(), decodeChunked(WIRE, 4).complete],
      ['go a', true],
    );
    const broken = decodeChunked(Buffer.from('2\r\nok\r\nzz\r\nmore'), 1024);
    assert.deepEqual([broken.body.toString(), broken.complete], ['ok', true]);
  });
});
