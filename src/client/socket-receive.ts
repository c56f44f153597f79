// Client layer: a receive() of the high-level socket that waits for the inbox. The inbox offers it
// events in order and it settles on the one it takes, with the value the caller gets (the message,
// its text or its bytes): one promise per waiting receive(), no chain of promises behind it.

import { ConnectionClosed } from '../errors.js';
import { collectStream } from '../message/streams.js';
import { BinaryMessage, TextMessage, discardMessage } from '../message/message.js';
import type { Message } from '../message/message.js';
import { ClientCloseEvent, ClientPingEvent } from './client-events.js';
import type { InboxEvent, InboxWaiter } from './socket-inbox.js';

/** What a waiting receive needs from its socket. */
export interface ReceiveHost {
  /** Answers a Ping that receiveText() or receiveBinary() skips (sttp's `pongOnPing`). */
  answer(ping: ClientPingEvent): void;
  /** Remembers a Streamed message handed out, to drop its body if the next receive() comes first. */
  track(message: Message): void;
}

/** One receive() waiting for the inbox; settles once, on the event it takes. */
abstract class PendingReceive<T> implements InboxWaiter {
  /** What the receive() call returns. */
  readonly promise: Promise<T>;
  /** {@inheritDoc InboxWaiter.cleanup} */
  cleanup: (() => void) | undefined;
  protected readonly host: ReceiveHost;
  #resolve!: (value: T | PromiseLike<T>) => void;
  #reject!: (error: unknown) => void;

  constructor(host: ReceiveHost) {
    this.host = host;
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** {@inheritDoc InboxWaiter.offer} */
  abstract offer(event: InboxEvent): boolean;

  /** {@inheritDoc InboxWaiter.fail} */
  fail(error: unknown): void {
    this.#reject(error);
  }

  /** Settles with `value`; returns true, as offer() does for a taken event. */
  protected settle(value: T | PromiseLike<T>): true {
    this.#resolve(value);
    return true;
  }
}

/** receive(): the next event, whatever it is. */
export class EventReceive extends PendingReceive<InboxEvent> {
  offer(event: InboxEvent): true {
    if (event instanceof TextMessage || event instanceof BinaryMessage) {
      if (!event.isStrict) this.host.track(event);
    }
    return this.settle(event);
  }
}

/**
 * receiveText() and receiveBinary(): the next message of a kind, whole. Pings before it are
 * answered, messages of the other kind dropped; the close event fails it.
 */
abstract class KindReceive<M extends TextMessage | BinaryMessage, T> extends PendingReceive<T> {
  offer(event: InboxEvent): boolean {
    if (event instanceof ClientPingEvent) {
      this.host.answer(event);
      return false;
    }
    if (event instanceof ClientCloseEvent) {
      this.fail(new ConnectionClosed(event));
      return true;
    }
    if (!this.wants(event)) {
      discardMessage(event);
      return false;
    }
    return this.settle(this.whole(event));
  }

  protected abstract wants(message: Message): message is M;
  /** The message's payload in one piece (a Streamed one collected). */
  protected abstract whole(message: M): T | Promise<T>;
}

/** receiveText(). */
export class TextReceive extends KindReceive<TextMessage, string> {
  protected wants(message: Message): message is TextMessage {
    return message.isText;
  }

  protected whole(message: TextMessage): string | Promise<string> {
    return message.isStrict ? message.text : collectText(message.textStream);
  }
}

/** receiveBinary(). */
export class BinaryReceive extends KindReceive<BinaryMessage, Uint8Array> {
  protected wants(message: Message): message is BinaryMessage {
    return message.isBinary;
  }

  protected whole(message: BinaryMessage): Uint8Array | Promise<Uint8Array> {
    return message.isStrict ? message.data : collectBinary(message.dataStream);
  }
}

/**
 * The text of a Streamed message. No time or size limit of its own: the connection's
 * `maxMessageBytes` bounds the message.
 *
 * @param stream - The message's `textStream`.
 * @returns Its chunks joined.
 */
export async function collectText(stream: ReadableStream<string>): Promise<string> {
  const { chunks } = await collectStream(stream, undefined, { sizeOf: textLength });
  return chunks.join('');
}

/**
 * The bytes of a Streamed message, in one buffer.
 *
 * @param stream - The message's `dataStream`.
 * @returns Its chunks joined.
 */
export async function collectBinary(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const { chunks } = await collectStream(stream, undefined, { sizeOf: byteLength });
  return Buffer.concat(chunks);
}

const textLength = (chunk: string): number => chunk.length;
const byteLength = (chunk: Uint8Array): number => chunk.byteLength;
