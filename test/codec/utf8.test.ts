// Codec tests: UTF-8 validation — whole buffers, and the incremental validator that must fail
// at the first byte that makes the input impossible, under any split of the input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { isValidUtf8, Utf8Validator } from '../../src/codec/utf8.js';
import { hex } from '../helpers/frame-bits.js';
import { chunkings } from '../helpers/split-feed.js';

/** Feeds one byte at a time; returns the index of the byte where write() failed, or -1. */
function firstFailure(bytes: Uint8Array): number {
  const v = new Utf8Validator();
  for (let i = 0; i < bytes.length; i++) if (!v.write(bytes, i, i + 1)) return i;
  return -1;
}

test('whole buffers: valid text, and the classic invalid forms', () => {
  assert.equal(isValidUtf8(Buffer.from('κόσμε, 𝄞 and ascii')), true);
  assert.equal(isValidUtf8(new Uint8Array(0)), true);
  for (const bad of [hex`c0 80`, hex`ed a0 80`, hex`f4 90 80 80`, hex`e2 82`, hex`ff`]) {
    assert.equal(isValidUtf8(bad), false, bad.toString('hex'));
  }
});

// [name, bytes, index of the first impossible byte]
const impossible: [string, Buffer, number][] = [
  ['C0 can never start a sequence (overlong 2-byte)', hex`41 c0 80`, 1],
  ['C1 can never start a sequence', hex`c1 bf`, 0],
  ['F5 is beyond U+10FFFF', hex`41 42 f5 80 80 80`, 2],
  ['FF is never UTF-8', hex`ff`, 0],
  ['a lone continuation byte', hex`41 80`, 1],
  ['E0 80: an overlong 3-byte form fails at its second byte', hex`e0 80 80`, 1],
  ['E0 9F: still overlong', hex`e0 9f bf`, 1],
  ['ED A0: a UTF-16 surrogate fails at its second byte', hex`ed a0 80`, 1],
  ['ED BF: a low surrogate', hex`ed bf bf`, 1],
  ['F0 8F: an overlong 4-byte form', hex`f0 8f bf bf`, 1],
  ['F4 90: above U+10FFFF', hex`f4 90 80 80`, 1],
  ['a sequence interrupted by ASCII', hex`e2 82 41`, 2],
  ['a sequence interrupted by a new lead byte', hex`c3 c3 a9`, 1],
  ['a valid prefix then garbage far in', Buffer.concat([Buffer.from('x'.repeat(40)), hex`fe`]), 40],
];

for (const [name, bytes, at] of impossible) {
  test(`incremental: ${name} → fails at byte ${at}`, () => {
    assert.equal(firstFailure(bytes), at);
  });
}

test('incremental: boundary code points are accepted', () => {
  for (const ok of [
    hex`7f`,
    hex`c2 80`,
    hex`df bf`,
    hex`e0 a0 80`,
    hex`ed 9f bf`,
    hex`ee 80 80`,
    hex`f0 90 80 80`,
    hex`f4 8f bf bf`,
  ]) {
    const v = new Utf8Validator();
    assert.equal(v.write(ok), true, ok.toString('hex'));
    assert.equal(v.end(), true, ok.toString('hex'));
  }
});

test('incremental: a sequence cut short by the end of the message fails at end()', () => {
  for (const truncated of [hex`c3`, hex`e2 82`, hex`f0 9f 98`, hex`41 f4 8f bf`]) {
    const v = new Utf8Validator();
    assert.equal(v.write(truncated), true, 'still a valid prefix');
    assert.equal(v.complete, false);
    assert.equal(v.end(), false, truncated.toString('hex'));
  }
});

test('incremental: stays failed after an impossible byte until reset', () => {
  const v = new Utf8Validator();
  assert.equal(v.write(hex`ff`), false);
  assert.equal(v.write(Buffer.from('fine')), false);
  assert.equal(v.failed, true);
  v.reset();
  assert.equal(v.write(Buffer.from('fine')), true);
});

test('incremental: a code point split at every byte boundary, bulk and DFA paths', () => {
  const text = Buffer.from('€uro 𝄞 '.repeat(8) + 'naïve κόσμε');
  for (const { name, chunks } of chunkings(text)) {
    const v = new Utf8Validator();
    assert.ok(
      chunks.every((c) => v.write(c)),
      name,
    );
    assert.equal(v.end(), true, name);
  }
});

test('validate(part, last) resets after the last part and checks truncation', () => {
  const v = new Utf8Validator();
  assert.equal(v.validate(hex`e2 82`, false), true);
  assert.equal(v.validate(hex`ac`, true), true);
  assert.equal(v.validate(hex`e2 82`, true), false, 'cut short at the end of the message');
  assert.equal(v.validate(Buffer.from('next message'), true), true);
});

test('property: the incremental verdict equals buffer.isUtf8 under any split', () => {
  const byteSoup = fc.array(
    fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0x41),
    ),
    { maxLength: 60 },
  );
  const textOrSoup = fc.oneof(
    byteSoup.map((a) => Uint8Array.from(a)),
    fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => new Uint8Array(Buffer.from(s))),
  );
  fc.assert(
    fc.property(textOrSoup, fc.array(fc.nat(), { maxLength: 4 }), (bytes, rawCuts) => {
      const cuts = [...new Set(rawCuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const v = new Utf8Validator();
      let ok = true;
      let from = 0;
      for (const cut of [...cuts, bytes.length]) {
        ok = v.write(bytes, from, cut) && ok;
        from = cut;
      }
      assert.equal(ok && v.end(), isUtf8(bytes));
    }),
    { numRuns: 1000 },
  );
});
