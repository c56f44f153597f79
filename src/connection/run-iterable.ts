// Connection layer: flows as async iterables, without WHATWG streams. The incoming side is the
// connection's queue as an async iterator; the outgoing side is pulled straight into the writer,
// one message at a time, waiting only when the transport is full.

import { CloseCode } from '../codec/close-code.js';
import type { MessageLike } from '../message/message.js';
import type { StreamSource } from '../message/streams.js';
import type { ConnectionCore } from './core.js';

type Output = AsyncIterator<MessageLike> | Iterator<MessageLike>;

/**
 * Runs a function flow (typically an async generator): it reads the connection's messages as an
 * async iterable and its output goes to the writer; when the output ends the connection closes
 * with 1000, when it throws with 1011 (or the error's own sendable code).
 *
 * @param core - the connection engine.
 * @param flow - the function of the incoming messages.
 */
export function runIterableFlow(
  core: ConnectionCore,
  flow: (incoming: AsyncIterable<never>) => StreamSource<MessageLike>,
): void {
  let output: StreamSource<MessageLike>;
  try {
    output = flow(core.incoming.iterable() as AsyncIterable<never>);
  } catch (error) {
    core.onApplicationError(error);
    return;
  }
  pumpOutput(core, output);
}

/**
 * Sends everything `source` yields, in order, and closes with 1000 after its end: the outgoing
 * side of a function flow or of `fromSinkAndSource`. Replies produced in one turn leave in one
 * write (the writer flushes once per tick); past 8 transport high-water marks of buffered output
 * it stops pulling until the transport drains.
 *
 * @param core - the connection engine.
 * @param source - an async iterable, an iterable or a ReadableStream.
 */
export function pumpOutput(core: ConnectionCore, source: StreamSource<MessageLike>): void {
  let iterator: Output;
  try {
    iterator = openIterator(source);
  } catch (error) {
    core.onApplicationError(error);
    return;
  }
  void pump(core, iterator);
}

async function pump(core: ConnectionCore, iterator: Output): Promise<void> {
  const writer = core.writer;
  try {
    for (;;) {
      const step = await iterator.next();
      if (step.done === true) break;
      const ready = writer.send(step.value) ?? writer.readyForMore();
      if (ready !== undefined) await ready;
    }
  } catch (error) {
    core.onApplicationError(error);
    // Stops a generator still running (after a failed send), so its `finally` blocks run.
    void Promise.resolve()
      .then(() => iterator.return?.())
      .catch(() => undefined);
    return;
  }
  core.close(CloseCode.Normal, '');
  // The output is done: if nothing reads the incoming side, drop it so the peer's Close gets through.
  if (!core.incoming.consumed) core.incoming.discard();
}

function openIterator(source: StreamSource<MessageLike>): Output {
  const iterable = source as Partial<AsyncIterable<MessageLike> & Iterable<MessageLike>>;
  const open = (iterable[Symbol.asyncIterator] ?? iterable[Symbol.iterator]) as unknown;
  if (typeof open !== 'function') {
    throw new TypeError('expected a ReadableStream, an AsyncIterable or an Iterable');
  }
  return (open as () => Output).call(source);
}
