// The hub's registry over real sockets: members, topics and counts, presence events in the order
// things happen, and a connection that leaves taking every subscription with it (no leak).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hub, Router, accept, inProcessBackend, map } from '../../src/index.js';
import type { HubMember, Message, PresenceEvent } from '../../src/index.js';
import { Subscriber, withRoutes } from './support.js';

describe('Hub: registry', () => {
  it('counts members and subscribers, tells presence, and forgets a connection that closed', async () => {
    const hub = new Hub();
    const events: string[] = [];
    const members: HubMember[] = [];
    const stop = hub.onPresence((event: PresenceEvent) => {
      const who = members.indexOf(event.member as HubMember);
      if (event.type === 'subscribed' || event.type === 'unsubscribed') {
        events.push(`${event.type} ${who} ${event.topic} ${event.subscribers}`);
      } else {
        events.push(`${event.type} ${who === -1 ? 'new' : who}`);
      }
    });
    const router = new Router().route('/in/*topics', (request) =>
      accept(
        hub.join((member) => {
          members.push(member);
          for (const topic of request.params.topics.split('/')) member.subscribe(topic);
          return map((m: Message) => {
            if (m.isText && m.isStrict) member.unsubscribe(m.text);
          });
        }),
      ),
    );
    await withRoutes(router, async (_server, port) => {
      const first = await Subscriber.open(port, '/in/a/b');
      const second = await Subscriber.open(port, '/in/b/c');
      await until(() => hub.subscriberCount('c') === 1);
      assert.equal(hub.stats().members, 2);
      assert.deepEqual([...hub.topics()].sort(), ['a', 'b', 'c']);
      assert.equal(hub.subscriberCount('b'), 2);
      assert.deepEqual(members[0].topics, ['a', 'b']);
      assert.equal(members[1].isSubscribed('a'), false);
      assert.equal(members[0].subscribe('a'), false, 'already subscribed');
      assert.equal(hub.memberOf(members[1].connection), members[1]);
      assert.deepEqual(hub.stats(), {
        members: 2,
        topics: 3,
        subscriptions: 4,
        bufferedBytes: 0,
        droppedMessages: 0,
        closedSlow: 0,
      });

      second.socket.write(maskedText('b'));
      await until(() => hub.subscriberCount('b') === 1);
      first.close();
      await until(() => hub.stats().members === 1);
      assert.deepEqual([...hub.topics()].sort(), ['c']);
      second.close();
      await until(() => hub.stats().members === 0);
      assert.equal(hub.stats().subscriptions, 0);
      assert.deepEqual([...hub.topics()], []);
    });
    stop();
    assert.deepEqual(events.slice(0, 6), [
      'opened new',
      'subscribed 0 a 1',
      'subscribed 0 b 1',
      'opened new',
      'subscribed 1 b 2',
      'subscribed 1 c 1',
    ]);
    assert.deepEqual(events.slice(6), [
      'unsubscribed 1 b 1',
      'unsubscribed 0 a 0',
      'unsubscribed 0 b 0',
      'closed 0',
      'unsubscribed 1 c 0',
      'closed 1',
    ]);
    await hub.close();
  });

  it('tells the backend of the first and the last subscriber of a topic on this node', async () => {
    const calls: string[] = [];
    const hub = new Hub({
      backend: {
        open: () => calls.push('open'),
        publish: (topic, message) =>
          calls.push(`publish ${topic} ${message.kind} ${message.except ?? '-'}`),
        subscribe: (topic) => calls.push(`subscribe ${topic}`),
        unsubscribe: (topic) => calls.push(`unsubscribe ${topic}`),
        close: () => void calls.push('close'),
      },
    });
    const router = new Router().route('/t', () =>
      accept(
        hub.join((member) => {
          member.subscribe('t');
          member.publish('t', 'hi');
          return map(() => undefined);
        }),
      ),
    );
    await withRoutes(router, async (_server, port) => {
      const a = await Subscriber.open(port, '/t');
      const b = await Subscriber.open(port, '/t');
      await until(() => hub.subscriberCount('t') === 2);
      a.close();
      b.close();
      await until(() => hub.subscriberCount('t') === 0);
    });
    await hub.close();
    const id = /^publish t text (\S+)$/;
    assert.deepEqual(
      calls.map((call) => call.replace(id, 'publish t text <member>')),
      [
        'open',
        'subscribe t',
        'publish t text <member>',
        'publish t text <member>',
        'unsubscribe t',
        'close',
      ],
    );
    assert.notEqual(calls[2], calls[3], 'each publish names its own sender');
  });
});

describe('Hub: counts told to the backend', () => {
  it("tells a backend that counts each change of a topic's subscribers on this node", async () => {
    const counts: string[] = [];
    const inner = inProcessBackend();
    const hub = new Hub({
      backend: {
        open: (sink) => inner.open(sink),
        publish: (topic, message) => inner.publish(topic, message),
        subscribe: (topic) => inner.subscribe(topic),
        unsubscribe: (topic) => inner.unsubscribe(topic),
        subscribers: (topic, count) => counts.push(`${topic} ${count}`),
        close: () => inner.close(),
      },
    });
    const router = new Router().route('/t', () =>
      accept(hub.join((member) => (member.subscribe('t'), map(() => undefined)))),
    );
    await withRoutes(router, async (_server, port) => {
      const a = await Subscriber.open(port, '/t');
      await until(() => hub.subscriberCount('t') === 1);
      const b = await Subscriber.open(port, '/t');
      await until(() => hub.subscriberCount('t') === 2);
      a.close();
      await until(() => hub.subscriberCount('t') === 1);
      b.close();
      await until(() => hub.subscriberCount('t') === 0);
    });
    await hub.close();
    assert.deepEqual(counts, ['t 1', 't 2', 't 1', 't 0']);
  });
});

/** Waits (a bounded number of turns) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  assert.ok(condition());
}

function maskedText(value: string): Buffer {
  const payload = Buffer.from(value);
  const key = [1, 2, 3, 4];
  const masked = payload.map((byte, i) => byte ^ key[i % 4]);
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), Buffer.from(key), masked]);
}
