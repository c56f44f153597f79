// Message layer: Pings and Pongs as values a flow can send and, when it opts in, receive (Play's
// PingMessage and PongMessage). Their `isText` and `isBinary` are false, so a handler that narrows
// with them never mistakes a control message for data.

import { EMPTY } from '../codec/bytes.js';

/** 5.5 of RFC 6455: a control frame carries at most 125 bytes. */
const MAX_CONTROL_PAYLOAD = 125;

/** What Pings and Pongs share. */
abstract class ControlMessageBase {
  /** Always `false`: a control message is not a text message. */
  readonly isText = false as const;
  /** Always `false`: a control message is not a binary message. */
  readonly isBinary = false as const;
  /** The payload: at most 125 bytes. Received payloads are copies, yours to keep. */
  readonly data: Uint8Array;

  /**
   * @param data - the payload, at most 125 bytes (a string is sent as UTF-8).
   * @throws RangeError for a longer payload; TypeError for a value that is not bytes or a string.
   */
  constructor(data: Uint8Array | string = EMPTY) {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError('a control message payload is a Uint8Array or a string');
    }
    if (bytes.length > MAX_CONTROL_PAYLOAD) {
      throw new RangeError(`control message payload of ${bytes.length} bytes: at most 125`);
    }
    this.data = bytes;
  }
}

/**
 * A Ping (Play's `PingMessage`). Sent from a flow (or `connection.send`) in order with the
 * messages around it; received only by flows wrapped in `withControlMessages`.
 *
 * @example
 * ```ts
 * await connection.send(new PingMessage('are you there?'));
 * ```
 */
export class PingMessage extends ControlMessageBase {}

/**
 * A Pong (Play's `PongMessage`): the answer to a Ping (with the Ping's payload) when auto-pong
 * is off, or an unsolicited one-way heartbeat.
 *
 * @example
 * ```ts
 * const answer = (ping: PingMessage) => new PongMessage(ping.data);
 * ```
 */
export class PongMessage extends ControlMessageBase {}

/** A Ping or a Pong. Tell them apart with `instanceof PingMessage`. */
export type ControlMessage = PingMessage | PongMessage;
