// Transform layer: what a decoder gives for one message: a value, or an answer sent in its place.

import type { MessageLike } from '../message/message.js';

/**
 * A reply a decoder makes in place of a value (an invalid message answered with an error value):
 * sent as it is, in the incoming message's turn, and the flow never sees that message.
 */
export class Answer {
  /** The encoded reply, or undefined to drop the message without a reply. */
  readonly message: MessageLike | undefined;

  /** @param message - the encoded reply, or undefined for none. */
  constructor(message: MessageLike | undefined) {
    this.message = message;
  }
}

/** What a decoder gives for one message: a value, an answer, or a promise of one (in order). */
export type Decoded<In> = In | Answer | PromiseLike<In | Answer>;
