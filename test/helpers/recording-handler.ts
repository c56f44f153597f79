// Test helpers: a ProtocolHandler that records what the protocol reports, as plain values that
// deepEqual can compare; payload chunks are copied (they are views into the input).
import type { ProtocolError } from '../../src/errors.js';
import type { MessageKind, ProtocolHandler } from '../../src/protocol/events.js';

/** One recorded callback. Data payloads are hex strings. */
export type RecordedEvent =
  | { readonly type: 'start'; readonly kind: MessageKind; readonly compressed: boolean }
  | { readonly type: 'data'; readonly hex: string; readonly last: boolean }
  | { readonly type: 'ping' | 'pong'; readonly hex: string }
  | { readonly type: 'close'; readonly code: number; readonly reason: string }
  | { readonly type: 'error'; readonly code: string; readonly closeCode: number };

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Records every callback in order. */
export class RecordingHandler implements ProtocolHandler {
  readonly events: RecordedEvent[] = [];
  readonly errors: ProtocolError[] = [];

  onMessageStart(kind: MessageKind, compressed: boolean): void {
    this.events.push({ type: 'start', kind, compressed });
  }
  onMessageData(chunk: Uint8Array, last: boolean): void {
    this.events.push({ type: 'data', hex: hexOf(chunk), last });
  }
  onPing(payload: Uint8Array): void {
    this.events.push({ type: 'ping', hex: hexOf(payload) });
  }
  onPong(payload: Uint8Array): void {
    this.events.push({ type: 'pong', hex: hexOf(payload) });
  }
  onPeerClose(code: number, reason: string): void {
    this.events.push({ type: 'close', code, reason });
  }
  onProtocolError(error: ProtocolError): void {
    this.errors.push(error);
    this.events.push({ type: 'error', code: error.code, closeCode: error.closeCode });
  }

  /**
   * The events with consecutive data parts of a message merged into one (chunking decides how
   * a payload is cut into parts; the merged form does not depend on it).
   */
  merged(): RecordedEvent[] {
    const out: RecordedEvent[] = [];
    for (const event of this.events) {
      const prev = out[out.length - 1];
      if (event.type === 'data' && prev?.type === 'data' && !prev.last) {
        out[out.length - 1] = { type: 'data', hex: prev.hex + event.hex, last: event.last };
      } else if (!(event.type === 'data' && event.hex === '' && !event.last)) {
        out.push(event);
      }
    }
    return out;
  }
}
