// Slow subscribers over real sockets: a peer that stops reading is handled by its policy
// (drop the message, drop the oldest, close with 1008 or 1013), the others receive every message
// in order, publishing never waits, and what the hub holds for each stays under its bound.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hub, Router, accept, map } from '../../src/index.js';
import type { HubMember } from '../../src/index.js';
import { fillSocketBuffers, policiesBoundedAt } from './slow-consumers.js';
import { Subscriber, texts, withRoutes } from './support.js';

const BOUND = 64 * 1024;
const MESSAGES = 300;
const PAD = 'x'.repeat(1000);

const POLICIES = policiesBoundedAt(BOUND);

describe('Hub: slow subscribers', () => {
  it('applies each policy to a subscriber that does not read; the others get everything', async () => {
    const hub = new Hub();
    const members = new Map<string, HubMember>();
    const router = new Router().route('/feed/:policy', (request) => {
      const { policy } = request.params;
      return accept(
        hub.join(
          (member) => {
            members.set(policy, member);
            member.subscribe('feed');
            return map(() => undefined);
          },
          { limits: POLICIES[policy] },
        ),
      );
    });
    await withRoutes(router, async (_server, port) => {
      const fast = await Promise.all([1, 2, 3].map(() => Subscriber.open(port, '/feed/fast')));
      const slow = new Map<string, Subscriber>();
      for (const policy of Object.keys(POLICIES)) {
        slow.set(policy, await Subscriber.open(port, `/feed/${policy}`, { paused: true }));
      }
      while (hub.subscriberCount('feed') < 7) await new Promise((resolve) => setImmediate(resolve));
      const fillers = new Map<string, number>();
      for (const policy of slow.keys()) {
        fillers.set(policy, await fillSocketBuffers(members.get(policy) as HubMember));
      }

      let mostHeld = 0;
      for (let i = 0; i < MESSAGES; i++) {
        hub.publish('feed', `${i} ${PAD}`);
        for (const policy of slow.keys()) {
          const held = (members.get(policy) as HubMember).bufferedBytes;
          mostHeld = Math.max(mostHeld, held);
        }
        // Let the fast ones read now and then, as a live server would.
        if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      assert.ok(mostHeld <= BOUND, `held ${mostHeld} bytes for one subscriber, over ${BOUND}`);
      assert.equal(hub.subscriberCount('feed'), 5, 'the two closed ones left the topic');
      assert.equal(hub.stats().closedSlow, 2);
      assert.ok(hub.stats().bufferedBytes <= 4 * BOUND);

      const expected = Array.from({ length: MESSAGES }, (_, i) => i);
      for (const subscriber of fast) {
        assert.deepEqual(numbers(await subscriber.receive(MESSAGES)), expected);
      }

      for (const [policy, subscriber] of slow) {
        const fillFrames = fillers.get(policy) as number;
        subscriber.resume();
        const member = members.get(policy) as HubMember;
        if (policy.startsWith('close')) {
          const close = await subscriber.closeFrame();
          assert.equal(close?.payload.readUInt16BE(0), Number(policy.slice(6)));
          const got = numbers(subscriber.frames);
          assert.deepEqual(got, expected.slice(0, got.length), `${policy}: a prefix`);
          assert.ok(got.length < MESSAGES);
          continue;
        }
        // Everything the hub let through arrives; nothing more comes once the queue is empty.
        const dropped = member.droppedMessages;
        assert.ok(dropped > 0, `${policy}: dropped some`);
        await subscriber.receive(fillFrames + MESSAGES - dropped);
        const got = numbers(subscriber.frames);
        assert.equal(got.length, MESSAGES - dropped);
        assert.deepEqual(
          [...got].sort((a, b) => a - b),
          got,
          `${policy}: in order`,
        );
        if (policy === 'drop-message') {
          assert.deepEqual(got, expected.slice(0, got.length), 'the newest ones were dropped');
        } else {
          assert.equal(got.at(-1), MESSAGES - 1, 'the latest one arrived');
          assert.notDeepEqual(got, expected.slice(0, got.length), 'older ones were dropped');
        }
      }
      for (const subscriber of [...fast, ...slow.values()]) subscriber.close();
    });
    await hub.close();
  });
});

/** The sequence numbers of the text frames. */
function numbers(frames: Parameters<typeof texts>[0]): number[] {
  return texts(frames).map((text) => Number(text.slice(0, text.indexOf(' '))));
}
