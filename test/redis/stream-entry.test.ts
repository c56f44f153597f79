// wsflow/redis without a server: how messages are written into a stream entry and read back,
// stream IDs compared, and topic keys made.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkKeyPrefix, topicKey } from '../../src/redis/keys.js';
import { isAfter } from '../../src/redis/reader.js';
import { entryFields, parseEntry } from '../../src/redis/stream-entry.js';

/** The fields as Redis returns them: every value a bulk string (bytes). */
function asReply(id: string, fields: (string | Uint8Array)[]): [Buffer, Buffer[]] {
  return [Buffer.from(id), fields.map((field) => Buffer.from(field))];
}

describe('stream entries', () => {
  it('read back the publisher, the batch and each message with its kind and except', () => {
    const fields = entryFields('node1', 7, [
      { kind: 'text', data: Buffer.from('hé') },
      { kind: 'binary', data: Uint8Array.of(0, 255), except: 'n.3' },
    ]);
    assert.deepEqual(fields.slice(0, 4), ['p', 'node1', 's', '7']);
    const entry = parseEntry(asReply('1700000000000-1', fields));
    assert.equal(entry.id, '1700000000000-1');
    assert.equal(entry.publisher, 'node1');
    assert.equal(entry.batch, 7);
    assert.deepEqual(
      entry.messages.map((m) => [m.kind, Buffer.from(m.data).toString('hex'), m.except]),
      [
        ['text', Buffer.from('hé').toString('hex'), undefined],
        ['binary', '00ff', 'n.3'],
      ],
    );
  });

  it('refuses an entry that is not one of ours', () => {
    assert.throws(() => parseEntry(asReply('1-0', ['name', 'value'])), TypeError);
    assert.throws(() => parseEntry(null), TypeError);
  });
});

describe('stream IDs', () => {
  it('compare by milliseconds, then by sequence, as numbers', () => {
    assert.equal(isAfter('1700000000001-0', '1700000000000-9'), true);
    assert.equal(isAfter('10-0', '9-5'), true);
    assert.equal(isAfter('9-10', '9-9'), true);
    assert.equal(isAfter('9-9', '9-9'), false);
    assert.equal(isAfter('9-0', '0-0'), true);
    assert.equal(isAfter('0-0', '9-0'), false);
  });
});

describe('topic keys', () => {
  it('make the topic the hash tag, and refuse a prefix with braces', () => {
    assert.equal(topicKey('wsflow:', 'news'), 'wsflow:{news}');
    assert.throws(() => checkKeyPrefix('app:{x}:'), TypeError);
    assert.equal(checkKeyPrefix('app:'), 'app:');
  });
});
