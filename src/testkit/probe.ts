// Testkit: Akka HTTP's WSProbe — the client end of a WebSocket under test, driven by hand: send
// messages, expect messages, Pings, Pongs, the completion or a Close. A failed expectation throws
// node:assert's AssertionError saying what was expected and what came.

import { AssertionError } from 'node:assert';
import type { Connection } from '../connection/connection.js';
import { ConnectionClosed, InvalidStateError } from '../errors.js';
import type { CloseOutcome } from '../errors.js';
import { withControlMessages } from '../flow/control-flow.js';
import type { ControlMessagesFlow } from '../flow/control-flow.js';
import { PingMessage, PongMessage } from '../message/control.js';
import type { ControlMessage } from '../message/control.js';
import type {
  Message,
  MessageLike,
  StrictBinaryMessage,
  StrictMessage,
  StrictTextMessage,
} from '../message/message.js';
import type { Clock } from '../time/clock.js';
import {
  closeShape,
  describeControl,
  describeMessage,
  describeOutcome,
  quoteBytes,
  quoteText,
} from './describe.js';
import { VirtualClock } from './virtual-clock.js';

/** Options of a {@link WSProbe}. */
export interface WSProbeOptions {
  /**
   * How long (real time) an expectation waits for what it expects before it fails, in ms.
   * Everything in memory arrives within microseconds; this only bounds a test that goes wrong.
   * Default 3000 (Akka's default).
   */
  timeoutMs?: number;
  /** Answer Pings by itself, as a client does (default true). Pings are seen all the same. */
  autoPong?: boolean;
  /**
   * The clock `expectNoMessage(ms)` waits on: with a {@link VirtualClock} it advances that clock
   * instead of waiting. `WS(…, { clock })` sets it.
   */
  clock?: Clock;
}

/** What a received message must be for {@link WSProbe.expectMessage}. */
export type MessageExpectation =
  | string
  | Uint8Array
  /** A check: returns `false`, or throws (an assertion of its own), for a wrong message. */
  | ((message: StrictMessage) => boolean | void);

/** What `WS()` tells the probe whose flow it runs. */
interface ProbeHooks {
  attach(connection: Connection, clock: Clock | undefined): void;
}

const hooksByFlow = new WeakMap<object, ProbeHooks>();

/**
 * Tells the probe whose `flow` this is (if it is one) about the connection that runs it, so that
 * it can report close codes; `WS()` calls it.
 *
 * @param flow - the flow `WS()` runs on the client side.
 * @param connection - the client connection.
 * @param clock - the clock of the run, if one was given.
 * @example
 * ```ts
 * attachProbe(flow, connection, clock);
 * ```
 */
export function attachProbe(flow: unknown, connection: Connection, clock?: Clock): void {
  if (typeof flow === 'object' && flow !== null) hooksByFlow.get(flow)?.attach(connection, clock);
}

const DEFAULT_TIMEOUT_MS = 3000;
const DEFAULT_NO_MESSAGE_MS = 100;

/**
 * A probe for the client side of a WebSocket conversation (Akka HTTP's `WSProbe`): run its
 * {@link WSProbe.flow} with `WS(path, probe.flow).run(route)` (or any client), then drive the
 * conversation by hand. Received messages are read whole (Streamed ones too) and queued; Pings
 * and Pongs are queued apart, so a keep-alive never gets in the way of `expectMessage`.
 *
 * Every `expect…` resolves with what it took, or rejects with node:assert's `AssertionError`
 * (with `expected` and `actual`, which node:test, vitest and jest print as a diff) naming what
 * was expected and what came instead: another message, the end of the connection with its close
 * code, or nothing at all within `timeoutMs`.
 *
 * @example
 * ```ts
 * const wsClient = new WSProbe();
 * const result = await WS('/greeter', wsClient.flow).run(websocketRoute);
 * assert.equal(result.isWebSocketUpgrade, true);
 * wsClient.sendMessage('Peter');
 * await wsClient.expectMessage('Hello Peter!');
 * wsClient.sendCompletion();
 * await wsClient.expectCompletion();
 * ```
 */
export class WSProbe {
  /** The flow to run on the connection (once): what the probe sends out, what it receives in. */
  readonly flow: ControlMessagesFlow;
  readonly #timeoutMs: number;
  #clock: Clock | undefined;
  readonly #messages: StrictMessage[] = [];
  readonly #controls: ControlMessage[] = [];
  readonly #waiters = new Set<() => void>();
  #received = 0;
  /** Set once the incoming messages end: `error` is the ConnectionClosed of an abnormal close. */
  #ended: { error?: unknown } | undefined;
  #outcome: CloseOutcome | undefined;
  #connection: Connection | undefined;
  #output: ReadableStreamDefaultController<MessageLike> | undefined;
  #sendCompleted = false;
  #outputCancelled = false;

  /** @param options - the wait bound, auto-pong and the clock. */
  constructor(options: WSProbeOptions = {}) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) {
      throw new RangeError(`timeoutMs must be a positive number, not ${String(timeoutMs)}`);
    }
    this.#timeoutMs = timeoutMs;
    this.#clock = options.clock;
    const readable = new ReadableStream<MessageLike>({
      start: (controller) => {
        this.#output = controller;
      },
      cancel: () => {
        this.#outputCancelled = true;
      },
    });
    const writable = new WritableStream<Message | ControlMessage>({
      write: (message) => this.#receive(message),
      close: () => this.#finish({}),
      abort: (error: unknown) => this.#finish({ error }),
    });
    this.flow = withControlMessages({ readable, writable }, { autoPong: options.autoPong });
    hooksByFlow.set(this.flow, {
      attach: (connection, clock) => {
        this.#connection = connection;
        this.#clock ??= clock;
        void connection.closed.then((outcome) => {
          this.#outcome = outcome;
          this.#wake();
        });
      },
    });
  }

  /**
   * Sends a message: a string (text), bytes (binary), or any message, Streamed ones, Pings and
   * Pongs included. Sent in order; ignored once the connection has ended.
   *
   * @param message - what to send.
   * @throws {InvalidStateError} after {@link WSProbe.sendCompletion}.
   * @example
   * ```ts
   * wsClient.sendMessage('Peter');
   * wsClient.sendMessage(BinaryMessage.strict(Buffer.from('abcdef')));
   * wsClient.sendMessage(TextMessage.streamed(['Hel', 'lo']));
   * ```
   */
  sendMessage(message: MessageLike): void {
    if (this.#sendCompleted) throw new InvalidStateError('sendMessage() after sendCompletion()');
    if (this.#outputCancelled) return;
    this.#output?.enqueue(message);
  }

  /**
   * Completes what the probe sends: the connection starts the close handshake (1000), as when a
   * client flow's output ends.
   *
   * @throws {InvalidStateError} when called twice.
   * @example
   * ```ts
   * wsClient.sendCompletion();
   * await wsClient.expectCompletion();
   * ```
   */
  sendCompletion(): void {
    if (this.#sendCompleted) throw new InvalidStateError('sendCompletion() was already called');
    this.#sendCompleted = true;
    if (!this.#outputCancelled) this.#output?.close();
  }

  /**
   * Takes the next message and checks it: equal to a text, equal to some bytes, or passing a
   * check. Without an argument any message will do.
   *
   * @param expected - a text, bytes, or a function that returns `false` (or throws) for a wrong
   *   message.
   * @returns the message, read whole.
   * @throws {AssertionError} (rejects) when another message comes, the connection ends first, or
   *   nothing comes within `timeoutMs`.
   * @example
   * ```ts
   * await wsClient.expectMessage('Hello Peter!');
   * const message = await wsClient.expectMessage((m) => m.isText && m.text.startsWith('Hello'));
   * ```
   */
  expectMessage(expected: string): Promise<StrictTextMessage>;
  expectMessage(expected: Uint8Array): Promise<StrictBinaryMessage>;
  expectMessage(expected?: (message: StrictMessage) => boolean | void): Promise<StrictMessage>;
  async expectMessage(expected?: MessageExpectation): Promise<StrictMessage> {
    const wanted = describeExpectation(expected);
    const message = await this.#next(this.#messages, wanted, this.expectMessage);
    checkMessage(message, expected, wanted, this.expectMessage);
    return message;
  }

  /**
   * Checks that no message arrives for `ms` milliseconds (Akka's `expectNoMessage`). With a
   * {@link VirtualClock} the clock is advanced by `ms` instead of waiting.
   *
   * @param ms - how long, default 100.
   * @throws {AssertionError} (rejects) when a message is there by then.
   * @example
   * ```ts
   * wsClient.sendMessage(BinaryMessage.strict(Buffer.from('abcdef')));
   * await wsClient.expectNoMessage(100);
   * ```
   */
  async expectNoMessage(ms: number = DEFAULT_NO_MESSAGE_MS): Promise<void> {
    if (this.#clock instanceof VirtualClock) await this.#clock.advance(ms);
    else await new Promise((resolve) => setTimeout(resolve, ms));
    const message = this.#messages.at(0);
    if (message === undefined) return;
    throw failure({
      message: `expected no message for ${ms} ms, but got ${describeMessage(message)}`,
      expected: 'no message',
      actual: describeMessage(message),
      caller: this.expectNoMessage,
    });
  }

  /**
   * Expects the end of the incoming messages after a clean close (Akka's `expectCompletion`):
   * the server's flow completed, or the close handshake the probe started is done.
   *
   * @throws {AssertionError} (rejects) when a message comes first, the connection fails (a close
   *   code other than 1000, 1001 or 1005, or none), or it stays open for `timeoutMs`.
   * @example
   * ```ts
   * wsClient.sendCompletion();
   * await wsClient.expectCompletion();
   * ```
   */
  async expectCompletion(): Promise<void> {
    const wanted = 'the completion of the messages (a clean close)';
    await this.#end(wanted, this.expectCompletion);
    const error = this.#ended?.error;
    if (error === undefined) return;
    const outcome = error instanceof ConnectionClosed ? error.outcome : undefined;
    const actual = outcome === undefined ? String(error) : describeOutcome(outcome);
    throw failure({
      message: `expected ${wanted}, but the connection failed: ${actual}`,
      expected: wanted,
      actual,
      caller: this.expectCompletion,
    });
  }

  /**
   * Expects the connection to close, with this code and reason when given. Needs the close
   * outcome: run the probe with `WS()`, or expect a failure code (those end the messages with it).
   *
   * @param code - the close code expected (the peer's, or 1005, or 1006).
   * @param reason - the close reason expected.
   * @returns how the connection ended.
   * @throws {AssertionError} (rejects) when a message comes first, the code or reason differ, or
   *   the connection stays open for `timeoutMs`.
   * @example
   * ```ts
   * await clock.advance(60_000);
   * await wsClient.expectClose(1001, 'idle timeout');
   * ```
   */
  async expectClose(code?: number, reason?: string): Promise<CloseOutcome> {
    const expected = { code, ...(reason === undefined ? {} : { reason }) };
    const wanted =
      code === undefined
        ? 'the connection to close'
        : `a close with ${code}${reason === undefined ? '' : ` ${quoteText(reason)}`}`;
    await this.#end(wanted, this.expectClose);
    const outcome = await this.#closeOutcome();
    if (outcome === undefined) {
      throw failure({
        message: `expected ${wanted}, but its code is unknown: the messages completed cleanly and the probe was not run by WS()`,
        expected: wanted,
        actual: 'a clean completion, code unknown',
        caller: this.expectClose,
      });
    }
    const actual = reason === undefined ? { code: outcome.code } : closeShape(outcome);
    if (
      (code === undefined || outcome.code === code) &&
      (reason === undefined || outcome.reason === reason)
    ) {
      return outcome;
    }
    throw failure({
      message: `expected ${wanted}, but the connection ${describeOutcome(outcome)}`,
      expected,
      actual,
      caller: this.expectClose,
    });
  }

  /**
   * Takes the next Ping or Pong received and expects a Ping, with this payload when given.
   *
   * @param payload - the payload expected (text or bytes).
   * @returns the Ping.
   * @throws {AssertionError} (rejects) for a Pong, another payload, or none within `timeoutMs`.
   * @example
   * ```ts
   * await clock.advance(30_000);
   * await wsClient.expectPing();
   * ```
   */
  async expectPing(payload?: string | Uint8Array): Promise<PingMessage> {
    return this.#expectControl(PingMessage, payload, this.expectPing);
  }

  /**
   * Takes the next Ping or Pong received and expects a Pong, with this payload when given.
   *
   * @param payload - the payload expected (text or bytes).
   * @returns the Pong.
   * @throws {AssertionError} (rejects) for a Ping, another payload, or none within `timeoutMs`.
   * @example
   * ```ts
   * wsClient.sendMessage(new PingMessage('are you there'));
   * await wsClient.expectPong('are you there');
   * ```
   */
  async expectPong(payload?: string | Uint8Array): Promise<PongMessage> {
    return this.#expectControl(PongMessage, payload, this.expectPong);
  }

  async #expectControl<T extends ControlMessage>(
    kind: new (data?: Uint8Array | string) => T,
    payload: string | Uint8Array | undefined,
    caller: (...args: never[]) => unknown,
  ): Promise<T> {
    const name = kind === PingMessage ? 'Ping' : 'Pong';
    const withPayload = payload === undefined ? '' : ` with payload ${quotePayload(payload)}`;
    const wanted = `a ${name}${withPayload}`;
    const control = await this.#next(this.#controls, wanted, caller);
    const bytes = payload === undefined ? undefined : Buffer.from(payload);
    if (control instanceof kind && (bytes === undefined || bytes.equals(control.data))) {
      return control;
    }
    throw failure({
      message: `expected ${wanted}, but got ${describeControl(control)}`,
      expected: wanted,
      actual: describeControl(control),
      caller,
    });
  }

  /** Waits for the next item of `queue` and takes it; fails when none comes. */
  async #next<T>(queue: T[], wanted: string, caller: (...args: never[]) => unknown): Promise<T> {
    const ready = await this.#waitFor(() => queue.length > 0 || this.#ended !== undefined);
    const item = queue.shift();
    if (item !== undefined) return item;
    if (!ready) {
      throw failure({
        message: `expected ${wanted} within ${this.#timeoutMs} ms, but nothing came (${this.#state()})`,
        expected: wanted,
        actual: 'nothing',
        caller,
      });
    }
    const end = await this.#endDescription();
    throw failure({
      message: `expected ${wanted}, but the connection ${end}`,
      expected: wanted,
      actual: `the connection ${end}`,
      caller,
    });
  }

  /** Waits for the end of the messages; fails when a message comes first or nothing ends. */
  async #end(wanted: string, caller: (...args: never[]) => unknown): Promise<void> {
    const ready = await this.#waitFor(() => this.#messages.length > 0 || this.#ended !== undefined);
    const message = this.#messages.at(0);
    if (message !== undefined) {
      throw failure({
        message: `expected ${wanted}, but got ${describeMessage(message)}`,
        expected: wanted,
        actual: describeMessage(message),
        caller,
      });
    }
    if (ready) return;
    throw failure({
      message: `expected ${wanted} within ${this.#timeoutMs} ms, but the connection is still open (${this.#received} message${this.#received === 1 ? '' : 's'} received)`,
      expected: wanted,
      actual: 'the connection is still open',
      caller,
    });
  }

  /** The close outcome, waiting a little for it when the messages ended first. */
  async #closeOutcome(): Promise<CloseOutcome | undefined> {
    const error = this.#ended?.error;
    if (error instanceof ConnectionClosed) return error.outcome;
    if (this.#connection === undefined) return undefined;
    await this.#waitFor(() => this.#outcome !== undefined);
    return this.#outcome;
  }

  async #endDescription(): Promise<string> {
    const outcome = await this.#closeOutcome();
    if (outcome !== undefined) return describeOutcome(outcome);
    const error = this.#ended?.error;
    return error === undefined ? 'completed (closed cleanly)' : `failed: ${String(error)}`;
  }

  #state(): string {
    const received = `${this.#received} message${this.#received === 1 ? '' : 's'} received so far`;
    return `the connection is open; ${received}`;
  }

  /** Resolves true once `ready()` holds, false after `timeoutMs` of real time. */
  #waitFor(ready: () => boolean): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (ready()) done(true);
      };
      const done = (result: boolean): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(result);
      };
      const timer = setTimeout(() => done(false), this.#timeoutMs);
      this.#waiters.add(check);
    });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  async #receive(message: Message | ControlMessage): Promise<void> {
    if (message instanceof PingMessage || message instanceof PongMessage) {
      this.#controls.push(message);
    } else {
      this.#received++;
      const strict = message.isStrict ? message : await message.toStrict(this.#timeoutMs);
      this.#messages.push(strict as StrictMessage);
    }
    this.#wake();
  }

  #finish(ended: { error?: unknown }): void {
    this.#ended ??= ended;
    this.#wake();
  }
}

/** What `expectMessage(expected)` waits for, in words. */
function describeExpectation(expected: MessageExpectation | undefined): string {
  if (expected === undefined) return 'a message';
  if (typeof expected === 'string') return `the text message ${quoteText(expected)}`;
  if (typeof expected === 'function') {
    return `a message that passes ${expected.name === '' ? 'the check' : expected.name}`;
  }
  return `the binary message ${quoteBytes(expected)}`;
}

/** Throws an AssertionError unless `message` is what was expected. */
function checkMessage(
  message: StrictMessage,
  expected: MessageExpectation | undefined,
  wanted: string,
  caller: (...args: never[]) => unknown,
): void {
  if (expected === undefined) return;
  if (typeof expected === 'function') {
    let passed: boolean | void;
    try {
      passed = expected(message);
    } catch (error) {
      const inner = error instanceof Error ? error.message : String(error);
      throw failure({
        message: `expected ${wanted}, but the check failed on ${describeMessage(message)}: ${inner}`,
        expected: wanted,
        actual: describeMessage(message),
        caller,
        cause: error,
      });
    }
    if (passed !== false) return;
  } else if (typeof expected === 'string') {
    if (message.isText && message.text === expected) return;
  } else if (message.isBinary && Buffer.from(expected).equals(message.data)) {
    return;
  }
  const sameKind = typeof expected === 'string' ? message.isText : message.isBinary;
  throw failure({
    message: `expected ${wanted}, but got ${describeMessage(message)}`,
    // Values of one kind compare as themselves, so the runner's diff shows where they differ.
    expected:
      typeof expected === 'function' || !sameKind
        ? wanted
        : typeof expected === 'string'
          ? expected
          : Buffer.from(expected),
    actual:
      typeof expected === 'function' || !sameKind
        ? describeMessage(message)
        : message.isText
          ? message.text
          : Buffer.from(message.data),
    caller,
  });
}

function quotePayload(payload: string | Uint8Array): string {
  return typeof payload === 'string' ? quoteText(payload) : quoteBytes(payload);
}

/** node:assert's AssertionError with our message, `expected` and `actual`. */
function failure(details: {
  message: string;
  expected: unknown;
  actual: unknown;
  caller: (...args: never[]) => unknown;
  cause?: unknown;
}): AssertionError {
  const error = new AssertionError({
    message: details.message,
    expected: details.expected,
    actual: details.actual,
    operator: details.caller.name,
    stackStartFn: details.caller,
  });
  if (details.cause !== undefined) error.cause = details.cause;
  return error;
}
