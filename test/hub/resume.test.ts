// Resumable sessions on the hub's side, without Redis: the wire format (markers, the resume
// parameter), the client's tracker, a route that accepts `wsflow.resume.v1`, markers before each
// run of a backend entry's messages (shared between members, one unit with its run), and the
// in-process backend, which keeps nothing to replay: a client that asks to resume is told gone.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decodeResumeParam, encodeResumeParam, markerOf } from '../../src/resume-wire.js';
import { ResumeTracker } from '../../src/index.js';
import {
  Hub,
  RESUME_SUBPROTOCOL,
  Router,
  accept,
  map,
  resumeSubprotocol,
} from '../../src/index.js';
import type { HubBackend, HubSink } from '../../src/index.js';
import { Subscriber, texts, withRoutes } from './support.js';

const RESUME = { 'Sec-WebSocket-Protocol': RESUME_SUBPROTOCOL };

function topicRouter(hub: Hub): Router {
  return new Router().route('/t/:topic', (request) =>
    accept(
      hub.join((member) => {
        member.subscribe(request.params.topic);
        return map(() => undefined);
      }),
      { subprotocol: resumeSubprotocol(request) },
    ),
  );
}

/** An in-process backend that numbers messages as a stream would: one entry per publish call. */
function numberingBackend(): HubBackend {
  let sink: HubSink | undefined;
  let entry = 0;
  return {
    open: (target) => void (sink = target),
    publish: (topic, message) => {
      const entryId = `1000-${entry++}`;
      sink?.deliver(topic, { ...message, entryId, index: 0 });
    },
    subscribe() {},
    unsubscribe() {},
    close() {},
  };
}

async function subscribed(hub: Hub, topic: string, count: number): Promise<void> {
  for (let i = 0; i < 1000 && hub.subscriberCount(topic) < count; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(hub.subscriberCount(topic), count);
}

describe('resume wire format', () => {
  it('round-trips the resume parameter, and refuses what is not one', () => {
    const lastIds = { news: '1733500000000-0.3', 'ünï/cødé': '1-0.0' };
    const param = encodeResumeParam(lastIds);
    assert.match(param, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual({ ...decodeResumeParam(param) }, lastIds);
    assert.equal(decodeResumeParam('not base64 json'), undefined);
    assert.equal(decodeResumeParam(encodeResumeParam({ news: 3 } as never)), undefined);
  });

  it('tells markers from application messages', () => {
    assert.deepEqual(markerOf('{"resume":"gone","topic":"news"}'), {
      resume: 'gone',
      topic: 'news',
    });
    assert.equal(markerOf('{"resume":"ids","topic":"news"}'), undefined);
    assert.equal(markerOf('{"headline":"x"}'), undefined);
    assert.equal(markerOf('{"resume":'), undefined);
  });

  it('the tracker numbers the messages after a marker, and names the last on the next URL', () => {
    const tracker = new ResumeTracker();
    assert.equal(tracker.take('before').kind, 'message');
    assert.equal(tracker.resumeUrl('ws://h/t?x=1'), 'ws://h/t?x=1');
    assert.equal(
      tracker.take('{"resume":"ids","topic":"a","entry":"5-1","from":2,"count":2}').kind,
      'marker',
    );
    assert.deepEqual(tracker.take('one'), { kind: 'message', topic: 'a', id: '5-1.2' });
    assert.deepEqual(tracker.take(new Uint8Array(1)), { kind: 'message', topic: 'a', id: '5-1.3' });
    assert.deepEqual(tracker.take('after the run'), { kind: 'message' });
    const lookalike = '{"resume":"gone","topic":"a"}';
    tracker.take('{"resume":"ids","topic":"a","entry":"6-0","from":0,"count":1}');
    assert.deepEqual(tracker.take(lookalike), { kind: 'message', topic: 'a', id: '6-0.0' });
    assert.equal(tracker.take(lookalike).kind, 'marker');
    const url = new URL(tracker.resumeUrl('ws://h/t?x=1&wsflow-resume=old'));
    assert.equal(url.searchParams.get('x'), '1');
    assert.deepEqual(
      { ...decodeResumeParam(url.searchParams.get('wsflow-resume') ?? '') },
      { a: '6-0.0' },
    );
  });
});

describe('Hub: resumable sessions without Redis', () => {
  it('a resuming member gets a marker before each entry run, a plain one never', async () => {
    const hub = new Hub({ backend: numberingBackend() });
    await withRoutes(topicRouter(hub), async (_server, port) => {
      const resuming = await Subscriber.open(port, '/t/news', { headers: RESUME });
      const plain = await Subscriber.open(port, '/t/news');
      await subscribed(hub, 'news', 2);
      hub.publish('news', 'a');
      hub.publish('news', 'b');
      const frames = await resuming.receive(4);
      assert.deepEqual(texts(frames), [
        '{"resume":"ids","topic":"news","entry":"1000-0","from":0,"count":1}',
        'a',
        '{"resume":"ids","topic":"news","entry":"1000-1","from":0,"count":1}',
        'b',
      ]);
      assert.deepEqual(texts(await plain.receive(2)), ['a', 'b']);
      assert.equal(plain.frames.length, 2);
      resuming.close();
      plain.close();
    });
    await hub.close();
  });

  it("follows a replay's pages by their `next`, past a page with no message", async () => {
    const backend = numberingBackend();
    const text = (data: string, entryId: string) =>
      ({ kind: 'text', data: Buffer.from(data), entryId, index: 0 }) as const;
    const asked: string[] = [];
    backend.replay = async (_topic, afterId) => {
      asked.push(afterId);
      if (afterId !== '900-0.0') return { kind: 'messages', messages: [], more: false };
      return {
        kind: 'messages',
        messages: [text('m1', '900-1')],
        more: true,
        next: async () => ({
          kind: 'messages',
          messages: [], // only entries the member had, or not messages
          more: true,
          next: async () => ({ kind: 'messages', messages: [text('m2', '900-3')], more: false }),
        }),
      };
    };
    const hub = new Hub({ backend });
    await withRoutes(topicRouter(hub), async (_server, port) => {
      const param = encodeResumeParam({ news: '900-0.0' });
      const member = await Subscriber.open(port, `/t/news?wsflow-resume=${param}`, {
        headers: RESUME,
      });
      await subscribed(hub, 'news', 1);
      hub.publish('news', 'live');
      const replayed = [
        '{"resume":"ids","topic":"news","entry":"900-1","from":0,"count":1}',
        'm1',
        '{"resume":"ids","topic":"news","entry":"900-3","from":0,"count":1}',
        'm2',
      ];
      assert.deepEqual(texts(await member.receive(4)), replayed);
      assert.deepEqual(texts(await member.receive(6)), [
        ...replayed,
        '{"resume":"ids","topic":"news","entry":"1000-0","from":0,"count":1}',
        'live',
      ]);
      assert.deepEqual(asked, ['900-0.0'], 'asked once, then followed next');
      member.close();
    });
    await hub.close();
  });

  it('with the in-process backend, a member that asks to resume is told gone, then goes live', async () => {
    const hub = new Hub();
    await withRoutes(topicRouter(hub), async (_server, port) => {
      const param = encodeResumeParam({ news: '1-0.0' });
      const member = await Subscriber.open(port, `/t/news?wsflow-resume=${param}`, {
        headers: RESUME,
      });
      await subscribed(hub, 'news', 1);
      hub.publish('news', 'live');
      assert.deepEqual(texts(await member.receive(2)), [
        '{"resume":"gone","topic":"news"}',
        'live',
      ]);
      member.close();
    });
    await hub.close();
  });
});
