// A thousand subscribers on real sockets to 127.0.0.1, four of which never read (one per
// policy): every other subscriber receives every message in order, each slow one is handled by
// its policy, and what the hub holds for a slow one never passes its bound, though three times
// more is published to it than the bound allows.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hub, Router, accept, map } from '../../src/index.js';
import type { HubMember } from '../../src/index.js';
import { fillSocketBuffers, policiesBoundedAt } from './slow-consumers.js';
import { Subscriber, texts, withRoutes } from './support.js';

const SUBSCRIBERS = 1000;
const BOUND = 32 * 1024;
const MESSAGES = 1000;
const PAD = 'p'.repeat(100);

const POLICIES = policiesBoundedAt(BOUND);

describe('Hub: a thousand subscribers', () => {
  it(
    'fans out to every reader in order while the four that never read are bounded',
    { timeout: 60_000 },
    async () => {
      const hub = new Hub();
      const members = new Map<string, HubMember>();
      const router = new Router().route('/feed/:policy', (request) => {
        const { policy } = request.params;
        return accept(
          hub.join(
            (member) => {
              if (policy !== 'fast') members.set(policy, member);
              member.subscribe('feed');
              return map(() => undefined);
            },
            { limits: POLICIES[policy] },
          ),
        );
      });
      await withRoutes(
        router,
        async (_server, port) => {
          const slow = new Map<string, Subscriber>();
          for (const policy of Object.keys(POLICIES)) {
            slow.set(policy, await Subscriber.open(port, `/feed/${policy}`, { paused: true }));
          }
          const fast: Subscriber[] = [];
          while (fast.length < SUBSCRIBERS - slow.size) {
            const batch = Math.min(50, SUBSCRIBERS - slow.size - fast.length);
            fast.push(
              ...(await Promise.all(
                Array.from({ length: batch }, () => Subscriber.open(port, '/feed/fast')),
              )),
            );
          }
          for (let i = 0; i < 1000 && hub.subscriberCount('feed') < SUBSCRIBERS; i++) {
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
          assert.equal(hub.subscriberCount('feed'), SUBSCRIBERS);
          const fillers = new Map<string, number>();
          for (const [policy, member] of members)
            fillers.set(policy, await fillSocketBuffers(member));
          let mostHeld = 0;
          let published = 0;
          for (let i = 0; i < MESSAGES; i++) {
            const message = `${i} ${PAD}`;
            hub.publish('feed', message);
            published += message.length;
            for (const member of members.values()) {
              mostHeld = Math.max(mostHeld, member.bufferedBytes);
            }
            if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 5));
          }
          assert.ok(published > 3 * BOUND);
          assert.ok(mostHeld <= BOUND, `held ${mostHeld} bytes for one subscriber, over ${BOUND}`);
          assert.equal(hub.stats().closedSlow, 2);
          assert.equal(hub.subscriberCount('feed'), SUBSCRIBERS - 2);
          const expected = Array.from({ length: MESSAGES }, (_, i) => i);
          let complete = 0;
          for (const subscriber of fast) {
            const got = numbers(await subscriber.receive(MESSAGES));
            if (got.length === MESSAGES && got.every((n, i) => n === i)) complete++;
            else assert.deepEqual(got, expected);
          }
          assert.equal(complete, SUBSCRIBERS - 4);
          for (const subscriber of fast) subscriber.close();

          for (const [policy, subscriber] of slow) {
            subscriber.resume();
            const member = members.get(policy) as HubMember;
            if (policy.startsWith('close')) {
              const close = await subscriber.closeFrame();
              assert.equal(close?.payload.readUInt16BE(0), Number(policy.slice(6)));
              const got = numbers(subscriber.frames);
              assert.deepEqual(got, expected.slice(0, got.length));
            } else {
              const kept = MESSAGES - member.droppedMessages;
              assert.ok(kept < MESSAGES / 2, `${policy} kept ${kept}`);
              const got = numbers(await subscriber.receive((fillers.get(policy) as number) + kept));
              assert.equal(got.length, kept);
              if (policy === 'drop-message') assert.deepEqual(got, expected.slice(0, kept));
              else {
                assert.equal(got.at(-1), MESSAGES - 1);
                assert.deepEqual(
                  [...got].sort((a, b) => a - b),
                  got,
                );
              }
            }
            subscriber.close();
          }
        },
        { closeTimeoutMs: 30_000 },
      );
      await hub.close();
    },
  );
});

function numbers(frames: Parameters<typeof texts>[0]): number[] {
  return texts(frames).map((text) => Number(text.slice(0, text.indexOf(' '))));
}
