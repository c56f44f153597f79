// wsflow/redis without a server: Redis Cluster's hash slots as the backend computes them, and
// the slot groups that gather topics into a few slots, one in each even share of the slot space.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TopicKeys } from '../../src/redis/keys.js';
import { SLOTS, crc16, keySlot, slotGroupOf, slotGroupTag } from '../../src/redis/slots.js';

describe('hash slots', () => {
  it('are CRC16/XMODEM modulo 16384, of the hash tag when there is one', () => {
    assert.equal(crc16(Buffer.from('123456789')), 0x31c3); // the check value of CRC16/XMODEM
    // As `CLUSTER KEYSLOT` answers.
    assert.equal(keySlot('a'), 15495);
    assert.equal(keySlot('b'), 3300);
    assert.equal(keySlot('foo'), 12182);
    assert.equal(keySlot('{a}'), 15495);
    assert.equal(keySlot('wsflow:{a}:nodes'), 15495);
    assert.equal(keySlot('{user1000}.following'), keySlot('{user1000}.followers'));
    // An empty tag: the whole key is hashed.
    assert.notEqual(keySlot('foo{}{bar}'), keySlot('bar'));
    assert.equal(keySlot('foo{{bar}}zap'), keySlot('{bar'));
  });

  it('gather topics into groups whose tags lie in the middle of their share of the slots', () => {
    for (const groups of [1, 3, 7, 16, 1024]) {
      const share = SLOTS / groups;
      for (const group of groups === 1024
        ? [0, 511, 1023]
        : Array.from({ length: groups }, (_, i) => i)) {
        const slot = keySlot(`{${slotGroupTag(group, groups)}}`);
        assert.ok(
          slot >= group * share && slot < (group + 1) * share,
          `${group}/${groups}: ${slot}`,
        );
      }
    }
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[slotGroupOf(`topic-${i}`, 3)]++;
    assert.ok(
      counts.every((count) => count > 900),
      `spread: ${counts}`,
    );
  });

  it('make the keys of a topic in its group, the presence hash beside the stream', () => {
    const keys = new TopicKeys('app:', 3);
    const stream = keys.stream('news');
    assert.match(stream, /^app:\{\d+\}:news$/);
    assert.equal(keys.presence('news'), `${stream}:nodes`);
    assert.equal(keySlot(keys.presence('news')), keySlot(stream));
    assert.equal(new TopicKeys('app:').stream('news'), 'app:{news}');
    assert.throws(() => new TopicKeys('app:', 0), TypeError);
    assert.throws(() => new TopicKeys('app:', 1025), TypeError);
    assert.throws(() => new TopicKeys('a{b'), TypeError);
  });
});
