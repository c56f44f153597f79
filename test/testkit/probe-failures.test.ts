// A failed expectation of WSProbe says what was expected and what came, as node:assert's
// AssertionError with `expected` and `actual` (which node:test, vitest and jest print as a diff):
// never a bare timeout.

import assert from 'node:assert/strict';
import { AssertionError } from 'node:assert';
import { describe, it } from 'node:test';
import { ConnectionClosed, PingMessage, echo, map } from '../../src/index.js';
import type { Message } from '../../src/index.js';
import { VirtualClock, WS, WSProbe } from '../../src/testkit/index.js';

/** The AssertionError an expectation rejects with. */
async function failureOf(expectation: Promise<unknown>): Promise<AssertionError> {
  const error = await expectation.then(
    () => assert.fail('the expectation passed'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AssertionError, `not an AssertionError: ${String(error)}`);
  assert.equal(error.code, 'ERR_ASSERTION');
  assert.equal(error.generatedMessage, false);
  return error;
}

async function echoing(options = {}): Promise<WSProbe> {
  const wsClient = new WSProbe(options);
  await WS('/', wsClient.flow).run(echo());
  return wsClient;
}

describe('WSProbe failures', () => {
  it('another text: both texts, as expected and actual', async () => {
    const wsClient = await echoing();
    wsClient.sendMessage('Hello John!');
    const error = await failureOf(wsClient.expectMessage('Hello Peter!'));
    assert.equal(
      error.message,
      'expected the text message "Hello Peter!", but got the text message "Hello John!"',
    );
    assert.deepEqual([error.expected, error.actual], ['Hello Peter!', 'Hello John!']);
  });

  it('a binary message where text was expected: both described', async () => {
    const wsClient = await echoing();
    wsClient.sendMessage(Buffer.from('abc'));
    const error = await failureOf(wsClient.expectMessage('abc'));
    assert.equal(
      error.message,
      'expected the text message "abc", but got the binary message <61 62 63> (3 bytes)',
    );
    assert.deepEqual(
      [error.expected, error.actual],
      ['the text message "abc"', 'the binary message <61 62 63> (3 bytes)'],
    );
  });

  it('other bytes: both as bytes', async () => {
    const wsClient = await echoing();
    wsClient.sendMessage(Uint8Array.of(1, 2));
    const error = await failureOf(wsClient.expectMessage(Uint8Array.of(1, 3)));
    assert.equal(
      error.message,
      'expected the binary message <01 03> (2 bytes), but got the binary message <01 02> (2 bytes)',
    );
    assert.deepEqual([error.expected, error.actual], [Buffer.of(1, 3), Buffer.of(1, 2)]);
  });

  it('a check that fails names the check and the message, keeping its own error', async () => {
    const wsClient = await echoing();
    wsClient.sendMessage('nope');
    const isGreeting = (m: Message): boolean => m.isText && m.isStrict && m.text.startsWith('Hi');
    const error = await failureOf(wsClient.expectMessage(isGreeting));
    assert.equal(
      error.message,
      'expected a message that passes isGreeting, but got the text message "nope"',
    );
    wsClient.sendMessage('again');
    const thrown = await failureOf(
      wsClient.expectMessage((m) => assert.equal(m.isText && m.text, 'other')),
    );
    assert.match(
      thrown.message,
      /^expected a message that passes the check, but the check failed on the text message "again": /,
    );
    assert.ok(thrown.cause instanceof AssertionError);
  });

  it('nothing at all: what was waited for, how long, and the state of the connection', async () => {
    const wsClient = await echoing({ timeoutMs: 20 });
    const error = await failureOf(wsClient.expectMessage('Hello'));
    assert.equal(
      error.message,
      'expected the text message "Hello" within 20 ms, but nothing came (the connection is open; 0 messages received so far)',
    );
    assert.deepEqual([error.expected, error.actual], ['the text message "Hello"', 'nothing']);
  });

  it('the connection ended instead: its close code and reason', async () => {
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(
      map(() => {
        throw new ConnectionClosed({ code: 4000, reason: 'go away' });
      }),
    );
    wsClient.sendMessage('hi');
    const error = await failureOf(wsClient.expectMessage('Hello'));
    assert.equal(
      error.message,
      'expected the text message "Hello", but the connection closed with 4000 "go away" (the peer closed first)',
    );
  });

  it('expectNoMessage: the message that came', async () => {
    const wsClient = await echoing();
    wsClient.sendMessage('surprise');
    const error = await failureOf(wsClient.expectNoMessage(10));
    assert.equal(
      error.message,
      'expected no message for 10 ms, but got the text message "surprise"',
    );
  });

  it('expectCompletion: a message first, or a connection still open', async () => {
    const wsClient = await echoing({ timeoutMs: 20 });
    wsClient.sendMessage('first');
    const error = await failureOf(wsClient.expectCompletion());
    assert.equal(
      error.message,
      'expected the completion of the messages (a clean close), but got the text message "first"',
    );
    await wsClient.expectMessage('first');
    const open = await failureOf(wsClient.expectCompletion());
    assert.equal(
      open.message,
      'expected the completion of the messages (a clean close) within 20 ms, but the connection is still open (1 message received)',
    );
  });

  it('expectClose: the code and reason that came, beside those expected', async () => {
    const clock = new VirtualClock();
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow, { clock, server: { idleTimeoutMs: 1000 } }).run(echo());
    await clock.advance(1000);
    const error = await failureOf(wsClient.expectClose(1000, 'bye'));
    assert.equal(
      error.message,
      'expected a close with 1000 "bye", but the connection closed with 1001 "idle timeout" (the peer closed first)',
    );
    assert.deepEqual(error.expected, { code: 1000, reason: 'bye' });
    assert.deepEqual(error.actual, { code: 1001, reason: 'idle timeout' });
  });

  it('expectPing: a Pong came', async () => {
    const wsClient = await echoing();
    wsClient.sendMessage(new PingMessage('x')); // the server answers with a Pong
    const error = await failureOf(wsClient.expectPing());
    assert.equal(error.message, 'expected a Ping, but got a Pong with payload <78> (1 byte)');
  });
});
