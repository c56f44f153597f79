// ReconnectingSocket over a fake WebSocket and the testkit's virtual clock: states and events,
// the queue across reconnects, backoff timing, giving up, close(), URL functions, JSON.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReconnectingSocket, SocketClosedError } from '../../src/browser/index.js';
import type {
  ReconnectingSocketEvents,
  ReconnectingSocketOptions,
  UrlSource,
} from '../../src/browser/index.js';
import { VirtualClock } from '../../src/testkit/index.js';
import { fakeWebSockets } from './fake-web-socket.js';

const URL = 'ws://127.0.0.1:8080/chat';

/** A socket on fakes and a virtual clock, with every event it emits recorded in order. */
function setup(options: ReconnectingSocketOptions = {}, url: UrlSource = URL) {
  const { WebSocket, sockets } = fakeWebSockets();
  const clock = new VirtualClock();
  const socket = new ReconnectingSocket(url, {
    WebSocket,
    timers: clock,
    random: () => 0,
    ...options,
  });
  const events: string[] = [];
  const record = <K extends keyof ReconnectingSocketEvents>(
    type: K,
    show: (event: ReconnectingSocketEvents[K]) => string,
  ) => socket.on(type, (event) => events.push(`${type} ${show(event)}`.trim()));
  record('open', (e) => e.protocol);
  record('message', (e) => String(e.data));
  record('close', (e) => `${e.code} ${e.willReconnect ? 'then retry' : 'for good'}`);
  record('reconnecting', (e) => `#${e.attempt} in ${e.delayMs}`);
  record('statechange', (e) => `${e.previous}->${e.state}`);
  record('error', (e) => String(e.error));
  const last = () => sockets.at(-1)!;
  return { socket, sockets, clock, events, last };
}

describe('ReconnectingSocket', () => {
  it('connects in a microtask, then opens: state, events and sends in order', async () => {
    const { socket, sockets, clock, events, last } = setup({ protocols: ['chat.v1'] });
    assert.equal(sockets.length, 0, 'listeners added after the constructor see every event');
    assert.equal(socket.state, 'connecting');
    await clock.advance(0);
    assert.equal(last().url, URL);
    assert.deepEqual(last().protocols, ['chat.v1']);
    assert.equal(last().binaryType, 'arraybuffer');
    last().accept('chat.v1');
    assert.equal(socket.state, 'open');
    assert.equal(socket.protocol, 'chat.v1');
    socket.send('hi');
    last().receive('hello');
    assert.deepEqual(last().sent, ['hi']);
    assert.deepEqual(events, ['statechange connecting->open', 'open chat.v1', 'message hello']);
  });

  it('queues sends until a connection opens: the greeting first, then the queue, then open', async () => {
    const { socket, clock, last } = setup({ greeting: () => ['auth', 'resume 41'] });
    socket.send('one');
    socket.sendJson({ two: 2 });
    assert.equal(socket.queuedMessages, 2);
    assert.equal(socket.bufferedAmount, 3 + 9);
    await clock.advance(0);
    let sentAtOpen: unknown[] = [];
    socket.on('open', () => (sentAtOpen = [...last().sent]));
    last().accept();
    assert.deepEqual(sentAtOpen, ['auth', 'resume 41', 'one', '{"two":2}']);
    assert.equal(socket.queuedMessages, 0);
  });

  it('after a drop: backs off, retries, and sends what was queued meanwhile, in order', async () => {
    const { socket, sockets, clock, events, last } = setup();
    await clock.advance(0);
    last().accept();
    last().end(1006);
    socket.send('while away 1');
    socket.send('while away 2');
    await clock.advance(999);
    assert.equal(sockets.length, 1, 'no retry before the first delay (1000 ms)');
    await clock.advance(1);
    assert.equal(sockets.length, 2);
    last().end(1006); // the retry fails too: the next wait doubles
    await clock.advance(1999);
    assert.equal(sockets.length, 2);
    await clock.advance(1);
    last().accept();
    assert.deepEqual(last().sent, ['while away 1', 'while away 2']);
    assert.deepEqual(events, [
      'statechange connecting->open',
      'open',
      'statechange open->reconnecting',
      'close 1006 then retry',
      'reconnecting #1 in 1000',
      'close 1006 then retry',
      'reconnecting #2 in 2000',
      'statechange reconnecting->open',
      'open',
    ]);
  });

  it('starts the backoff again only after a connection stayed open stableAfterMs', async () => {
    const { clock, events, last } = setup({ reconnect: { stableAfterMs: 5000 } });
    await clock.advance(0);
    last().accept();
    last().end(1006);
    await clock.advance(1000);
    last().accept();
    await clock.advance(4999);
    last().end(1006); // open 4999 ms: not stable, the delays go on growing
    await clock.advance(2000);
    last().accept();
    await clock.advance(5000);
    last().end(1006);
    const waits = events.filter((line) => line.startsWith('reconnecting'));
    assert.deepEqual(waits, [
      'reconnecting #1 in 1000',
      'reconnecting #2 in 2000',
      'reconnecting #1 in 1000',
    ]);
  });

  it('gives up after maxRetries failures in a row: closed for good, sends refused', async () => {
    const { socket, sockets, clock, events, last } = setup({ reconnect: { maxRetries: 2 } });
    await clock.advance(0);
    last().end(1006);
    await clock.advance(1000);
    last().end(1006);
    await clock.advance(2000);
    last().end(1006);
    await clock.advance(60_000);
    assert.equal(sockets.length, 3);
    assert.equal(socket.state, 'closed');
    assert.equal(events.at(-1), 'close 1006 for good');
    assert.equal(events.at(-2), 'statechange reconnecting->closed');
    assert.throws(() => socket.send('late'), SocketClosedError);
  });

  it('close() while open: closes with the code and reason, and never reconnects', async () => {
    const { socket, sockets, clock, events, last } = setup();
    await clock.advance(0);
    last().accept();
    socket.close(4000, 'logged out');
    assert.deepEqual(last().closedWith, { code: 4000, reason: 'logged out' });
    assert.equal(socket.state, 'closing');
    assert.throws(() => socket.send('after close'), SocketClosedError);
    last().end(4000, 'logged out');
    await clock.advance(3_600_000);
    assert.equal(sockets.length, 1);
    assert.equal(socket.state, 'closed');
    assert.deepEqual(events.slice(-3), [
      'statechange open->closing',
      'statechange closing->closed',
      'close 4000 for good',
    ]);
  });

  it('close() while waiting to retry: the wait ends, nothing more is tried', async () => {
    const { socket, sockets, clock, events, last } = setup();
    await clock.advance(0);
    last().end(1006);
    socket.send('dropped with the queue');
    socket.close();
    assert.equal(clock.pendingTimers, 0, 'the retry timer is cleared');
    await clock.advance(3_600_000);
    assert.equal(sockets.length, 1);
    assert.equal(socket.queuedMessages, 0);
    assert.deepEqual(events.slice(-2), ['statechange reconnecting->closed', 'close 1000 for good']);
  });

  it('close() checks its code and reason as a browser does', () => {
    const { socket } = setup();
    assert.throws(() => socket.close(1001), RangeError);
    assert.throws(() => socket.close(5000), RangeError);
    assert.throws(() => socket.close(1000, 'x'.repeat(124)), SyntaxError);
    socket.close(3000, 'x'.repeat(123));
    assert.equal(socket.state, 'closed');
  });

  it("by default a server's 1000 and 1008 end it; its 1001 and 1011 are retried", async () => {
    for (const [code, again] of [
      [1000, false],
      [1008, false],
      [1001, true],
      [1011, true],
    ] as const) {
      const { socket, clock, last } = setup();
      await clock.advance(0);
      last().accept();
      last().end(code);
      assert.equal(socket.state, again ? 'reconnecting' : 'closed', `after ${code}`);
      if (again) socket.close();
    }
  });

  it('shouldReconnect and reconnect: false decide otherwise', async () => {
    const custom = setup({ shouldReconnect: (close) => close.code !== 4001 });
    await custom.clock.advance(0);
    custom.last().accept();
    custom.last().end(1000);
    assert.equal(custom.socket.state, 'reconnecting');
    await custom.clock.advance(1000);
    custom.last().accept();
    custom.last().end(4001);
    assert.equal(custom.socket.state, 'closed');

    const never = setup({ reconnect: false });
    await never.clock.advance(0);
    never.last().end(1006);
    assert.equal(never.socket.state, 'closed');
  });

  it('an attempt that does not open within connectTimeoutMs is closed and retried', async () => {
    const { sockets, clock, events, last } = setup({ connectTimeoutMs: 3000 });
    await clock.advance(0);
    const stuck = last();
    await clock.advance(3000);
    assert.deepEqual(stuck.closedWith, { code: undefined, reason: undefined });
    assert.deepEqual(events.slice(-2), ['close 1006 then retry', 'reconnecting #1 in 1000']);
    stuck.accept(); // too late: ignored
    assert.equal(events.filter((line) => line === 'open').length, 0);
    await clock.advance(1000);
    assert.equal(sockets.length, 2);
  });

  it('an attempt that fails with an error and no close event counts as failed at once', async () => {
    const { sockets, clock, events, last } = setup();
    await clock.advance(0);
    last().error();
    assert.deepEqual(events, [
      'statechange connecting->reconnecting',
      'close 1006 then retry',
      'reconnecting #1 in 1000',
    ]);
    last().end(1006); // a close that follows anyway is not counted twice
    await clock.advance(1000);
    assert.equal(sockets.length, 2);
    last().accept();
    last().error(); // open: the close event that follows decides
    assert.equal(events.at(-1), 'open');
  });

  it('reads a URL function before each attempt, waits for a promise, retries when it fails', async () => {
    const tokens = ['t1', 't2'];
    let calls = 0;
    const url = async (): Promise<string> => {
      calls++;
      if (calls === 2) throw new Error('token service down');
      return `${URL}?token=${tokens.shift()}`;
    };
    const { socket, sockets, clock, events, last } = setup({}, url);
    await clock.advance(0);
    assert.equal(last().url, `${URL}?token=t1`);
    assert.equal(socket.url, `${URL}?token=t1`);
    last().end(1006);
    await clock.advance(1000); // the URL function rejects: a failed attempt
    assert.equal(sockets.length, 1);
    assert.ok(events.includes('error Error: token service down'));
    await clock.advance(2000);
    assert.equal(last().url, `${URL}?token=t2`);
  });

  it('turns http(s) URLs into ws(s), and refuses what is not a WebSocket URL', () => {
    const { WebSocket } = fakeWebSockets();
    const timers = new VirtualClock();
    assert.equal(
      new ReconnectingSocket('https://example.test/a#x', { WebSocket, timers }).url,
      'wss://example.test/a',
    );
    assert.throws(() => new ReconnectingSocket('/relative', { WebSocket, timers }), TypeError);
    assert.throws(
      () => new ReconnectingSocket('ftp://example.test/', { WebSocket, timers }),
      SyntaxError,
    );
  });

  it('parses JSON for json listeners; text that is not JSON is an error event', async () => {
    const { socket, clock, events, last } = setup();
    const values: unknown[] = [];
    socket.on('json', ({ value }) => values.push(value));
    await clock.advance(0);
    last().accept();
    last().receive('{"a":[1,2]}');
    last().receive('not json');
    last().receive(new ArrayBuffer(2));
    assert.deepEqual(values, [{ a: [1, 2] }]);
    assert.match(events.at(-2)!, /^error SyntaxError/);
  });

  it('retries at once when the page comes online or is shown again', async () => {
    const page = new EventTarget();
    const document = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
    const globals = globalThis as Record<string, unknown>;
    Object.assign(globals, {
      addEventListener: page.addEventListener.bind(page),
      removeEventListener: page.removeEventListener.bind(page),
      document,
    });
    try {
      const { socket, sockets, clock, last } = setup();
      await clock.advance(0);
      last().end(1006);
      page.dispatchEvent(new Event('online'));
      assert.equal(sockets.length, 2, 'online: retried before the 1000 ms wait ended');
      last().end(1006);
      document.dispatchEvent(new Event('visibilitychange')); // still hidden
      await clock.advance(0);
      assert.equal(sockets.length, 2);
      document.visibilityState = 'visible';
      document.dispatchEvent(new Event('visibilitychange'));
      await clock.advance(0);
      assert.equal(sockets.length, 3, 'shown: retried at once');
      last().accept();
      page.dispatchEvent(new Event('online')); // open: nothing to wake
      await clock.advance(0);
      assert.equal(sockets.length, 3);
      socket.close();
    } finally {
      delete globals.addEventListener;
      delete globals.removeEventListener;
      delete globals.document;
    }
  });

  it('with resume: offers wsflow.resume.v1, hides the markers, names the last IDs on the next URL, tells gone', async () => {
    const { socket, clock, events, last } = setup({ resume: true, protocols: 'chat.v1' });
    const gone: string[] = [];
    socket.on('gone', ({ topic }) => gone.push(topic));
    await clock.advance(0);
    assert.equal(last().url, URL);
    assert.deepEqual(last().protocols, ['chat.v1', 'wsflow.resume.v1']);
    last().accept('wsflow.resume.v1');
    last().receive('{"resume":"ids","topic":"news","entry":"7-0","from":0,"count":2}');
    last().receive('a');
    last().receive('b');
    last().receive('{"resume":"ids","topic":"sport","entry":"9-1","from":4,"count":1}');
    last().receive('c');
    assert.deepEqual(socket.lastIds, { news: '7-0.1', sport: '9-1.4' });
    last().end(1006);
    await clock.advance(1000);
    const url = new globalThis.URL(last().url);
    const param = url.searchParams.get('wsflow-resume') ?? '';
    assert.deepEqual(JSON.parse(Buffer.from(param, 'base64url').toString()), {
      news: '7-0.1',
      sport: '9-1.4',
    });
    last().accept('wsflow.resume.v1');
    last().receive('{"resume":"gone","topic":"news"}');
    last().receive('d');
    assert.deepEqual(gone, ['news']);
    assert.deepEqual(
      events.filter((event) => event.startsWith('message')),
      ['message a', 'message b', 'message c', 'message d'],
    );
  });

  it("with resume, on a server that did not choose it: every message is the application's", async () => {
    const { socket, clock, events, last } = setup({ resume: true });
    await clock.advance(0);
    last().accept('');
    last().receive('{"resume":"gone","topic":"news"}');
    assert.deepEqual(events.at(-1), 'message {"resume":"gone","topic":"news"}');
    assert.deepEqual(socket.lastIds, {});
  });
});
