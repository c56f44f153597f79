// Command line, `wsflow connect`: how messages, control frames and closes are written out, as
// lines for people, lines for pipes, or JSON objects for scripts.

import type {
  CloseCause,
  CloseOutcome,
  HandshakeError,
  StrictMessage,
  ValidUpgrade,
} from '../../index.js';
import type { BinaryOutput } from './connect-options.js';

/**
 * Escapes the control characters of a text for a terminal (an ESC from the network must not
 * drive the terminal), as `\n`, `\t`, `\x1b`.
 *
 * @param text - The text.
 * @returns The text, safe to print.
 */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** Bytes as lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes as base64. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * A message as pipe mode writes it to stdout: a text as it is, a binary message as its bytes (or
 * as hex or base64), then a newline.
 *
 * @param message - The whole message.
 * @param binary - How binary messages are written.
 * @returns The bytes to write.
 */
export function pipeLine(message: StrictMessage, binary: BinaryOutput): Uint8Array {
  if (message.isText) return Buffer.from(`${message.text}\n`);
  if (binary === 'hex') return Buffer.from(`${toHex(message.data)}\n`);
  if (binary === 'base64') return Buffer.from(`${toBase64(message.data)}\n`);
  return Buffer.concat([message.data, Buffer.from('\n')]);
}

/**
 * A message as the interactive mode shows it: a text escaped, a binary message in hex (or
 * base64) after its size.
 *
 * @param message - The whole message.
 * @param binary - How binary messages are shown ('raw' shows hex).
 * @returns One line, without its newline.
 */
export function terminalLine(message: StrictMessage, binary: BinaryOutput): string {
  if (message.isText) return escapeControl(message.text);
  const bytes = binary === 'base64' ? toBase64(message.data) : toHex(message.data);
  return `[binary, ${message.data.byteLength} bytes] ${bytes}`;
}

/** The JSON event of an open connection. */
export function openEvent(url: string, response: ValidUpgrade): object {
  return {
    event: 'open',
    url,
    subprotocol: response.chosenSubprotocol ?? null,
    extensions: response.extensions.map((offer) => offer.name),
  };
}

/** The JSON event of a message: text as `text`, binary as `base64` (or `hex` with --hex). */
export function messageEvent(message: StrictMessage, binary: BinaryOutput): object {
  if (message.isText) return { event: 'message', type: 'text', text: message.text };
  return binary === 'hex'
    ? { event: 'message', type: 'binary', hex: toHex(message.data) }
    : { event: 'message', type: 'binary', base64: toBase64(message.data) };
}

/** The JSON event of a close, with its cause (docs/operations.md, "Close causes"). */
export function closeEvent(outcome: CloseOutcome): object {
  const { code, reason, wasClean, closedBy } = outcome;
  return { event: 'close', code, reason, wasClean, closedBy, cause: causeJson(outcome.cause) };
}

/** A close cause as JSON: its error as the stable `code` (when it has one) and the message. */
function causeJson(cause: CloseCause): object {
  const { error, ...rest } = cause;
  if (error === undefined) return rest;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return { ...rest, error: typeof code === 'string' ? { code, message } : { message } };
}

/** A refused upgrade in words: `rejected: 404`, or why a 101 was not valid. */
export function describeRejection(error: HandshakeError): string {
  return error.status === 101 ? `rejected: ${error.message}` : `rejected: HTTP ${error.status}`;
}
