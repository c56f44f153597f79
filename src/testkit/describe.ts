// Testkit: messages, control frames and close outcomes as short readable text, for the failure
// messages of WSProbe (what was expected, what came).

import type { CloseOutcome } from '../errors.js';
import type { ControlMessage } from '../message/control.js';
import { PingMessage } from '../message/control.js';
import type { StrictMessage } from '../message/message.js';

/** Longest text or byte run quoted in a description; the rest is summarised. */
const QUOTE_CHARS = 200;
const QUOTE_BYTES = 32;

/**
 * A text as it appears in a failure message: JSON-quoted, cut after 200 characters.
 *
 * @param text - the text.
 * @returns the quoted text.
 * @example
 * ```ts
 * quoteText('hi'); // '"hi"'
 * ```
 */
export function quoteText(text: string): string {
  if (text.length <= QUOTE_CHARS) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, QUOTE_CHARS))}… (${text.length} characters)`;
}

/**
 * Bytes as they appear in a failure message: hex, cut after 32 bytes.
 *
 * @param bytes - the bytes.
 * @returns e.g. `<61 62 63> (3 bytes)`.
 * @example
 * ```ts
 * quoteBytes(Buffer.from('abc')); // '<61 62 63> (3 bytes)'
 * ```
 */
export function quoteBytes(bytes: Uint8Array): string {
  const shown = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, QUOTE_BYTES));
  const hex = shown.toString('hex').replace(/(..)(?!$)/g, '$1 ');
  const more = bytes.length > QUOTE_BYTES ? ' …' : '';
  return `<${hex}${more}> (${bytes.length} byte${bytes.length === 1 ? '' : 's'})`;
}

/**
 * A received message in a failure message.
 *
 * @param message - the message, read whole.
 * @returns e.g. `the text message "Hello"` or `the binary message <61 62> (2 bytes)`.
 * @example
 * ```ts
 * describeMessage(TextMessage.strict('Hello')); // 'the text message "Hello"'
 * ```
 */
export function describeMessage(message: StrictMessage): string {
  return message.isText
    ? `the text message ${quoteText(message.text)}`
    : `the binary message ${quoteBytes(message.data)}`;
}

/**
 * A received Ping or Pong in a failure message.
 *
 * @param control - the control message.
 * @returns e.g. `a Pong with payload <> (0 bytes)`.
 * @example
 * ```ts
 * describeControl(new PingMessage('x')); // 'a Ping with payload <78> (1 byte)'
 * ```
 */
export function describeControl(control: ControlMessage): string {
  const kind = control instanceof PingMessage ? 'Ping' : 'Pong';
  return `a ${kind} with payload ${quoteBytes(control.data)}`;
}

/**
 * How a connection ended, in a failure message.
 *
 * @param outcome - the close outcome.
 * @returns e.g. `closed with 1011 "internal error" (the server closed first)`.
 * @example
 * ```ts
 * describeOutcome({ code: 1000, reason: '', wasClean: true, closedBy: 'remote' });
 * ```
 */
export function describeOutcome(outcome: CloseOutcome): string {
  const reason = outcome.reason === '' ? '' : ` ${quoteText(outcome.reason)}`;
  const by =
    outcome.closedBy === 'none'
      ? 'no Close frame was exchanged'
      : outcome.closedBy === 'remote'
        ? 'the peer closed first'
        : 'the probe closed first';
  return `closed with ${outcome.code}${reason} (${by})`;
}

/**
 * A close outcome as the `actual` of an assertion: its code and reason, comparable with what
 * `expectClose` expected.
 *
 * @param outcome - the close outcome.
 * @returns `{ code, reason }`.
 * @example
 * ```ts
 * closeShape({ code: 1000, reason: '', wasClean: true, closedBy: 'remote' }); // { code: 1000, reason: '' }
 * ```
 */
export function closeShape(outcome: CloseOutcome): { code: number; reason: string } {
  return { code: outcome.code, reason: outcome.reason };
}
