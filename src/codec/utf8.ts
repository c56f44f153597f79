// Codec layer: UTF-8 validation (RFC 6455 sections 5.6 and 8.1). Whole buffers go to Node's
// `buffer.isUtf8` (simdutf); text split across chunks or frames goes through a byte-indexed DFA
// that keeps its state between calls and rejects at the first byte that makes the input invalid.

import { isUtf8 } from 'node:buffer';

/**
 * Whether `bytes` is complete, valid UTF-8 (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
 *
 * @example
 * isValidUtf8(new TextEncoder().encode('héllo')); // true
 * isValidUtf8(Uint8Array.of(0xc0, 0x80)); // false (overlong)
 */
export function isValidUtf8(bytes: Uint8Array): boolean {
  return bytes.length === 0 || isUtf8(bytes);
}

// DFA states. ACCEPT: at a code point boundary. REJECT: can never become valid again.
// The others wait for continuation bytes; the four "first continuation" states restrict the
// range of the byte after E0, ED, F0 and F4 (RFC 3629 section 4, UTF8-3 and UTF8-4).
const ACCEPT = 0;
const REJECT = 1;
const NEED1 = 2; // one more 80..BF
const NEED2 = 3; // two more 80..BF
const NEED3 = 4; // three more 80..BF
const AFTER_E0 = 5; // A0..BF then one more (no overlong 3-byte forms)
const AFTER_ED = 6; // 80..9F then one more (no UTF-16 surrogates D800..DFFF)
const AFTER_F0 = 7; // 90..BF then two more (no overlong 4-byte forms)
const AFTER_F4 = 8; // 80..8F then two more (nothing above U+10FFFF)
const STATES = 9;

/** transitions[state * 256 + byte] → next state. */
const transitions = buildTransitions();

function buildTransitions(): Uint8Array {
  const t = new Uint8Array(STATES * 256).fill(REJECT);
  const set = (state: number, from: number, to: number, next: number): void => {
    t.fill(next, state * 256 + from, state * 256 + to + 1);
  };
  set(ACCEPT, 0x00, 0x7f, ACCEPT);
  set(ACCEPT, 0xc2, 0xdf, NEED1);
  set(ACCEPT, 0xe0, 0xe0, AFTER_E0);
  set(ACCEPT, 0xe1, 0xec, NEED2);
  set(ACCEPT, 0xed, 0xed, AFTER_ED);
  set(ACCEPT, 0xee, 0xef, NEED2);
  set(ACCEPT, 0xf0, 0xf0, AFTER_F0);
  set(ACCEPT, 0xf1, 0xf3, NEED3);
  set(ACCEPT, 0xf4, 0xf4, AFTER_F4);
  set(NEED1, 0x80, 0xbf, ACCEPT);
  set(NEED2, 0x80, 0xbf, NEED1);
  set(NEED3, 0x80, 0xbf, NEED2);
  set(AFTER_E0, 0xa0, 0xbf, NEED1);
  set(AFTER_ED, 0x80, 0x9f, NEED1);
  set(AFTER_F0, 0x90, 0xbf, NEED2);
  set(AFTER_F4, 0x80, 0x8f, NEED2);
  return t;
}

// Below this many bytes the DFA is cheaper than finding a boundary and calling isUtf8.
const BULK_MIN = 16;

/**
 * Incremental UTF-8 validator: feed a text message part by part; it fails as soon as the bytes
 * seen so far cannot start any valid UTF-8 text, and {@link Utf8Validator.end} fails on a
 * sequence cut short at the end of the message.
 *
 * @example
 * const v = new Utf8Validator();
 * v.write(Uint8Array.of(0xe2, 0x82)); // true: "€" has begun
 * v.write(Uint8Array.of(0xac)); // true
 * v.end(); // true
 * v.write(Uint8Array.of(0xed, 0xa0)); // false at 0xA0: a UTF-16 surrogate
 */
export class Utf8Validator {
  private state = ACCEPT;

  /** True when the text so far is valid and ends on a code point boundary. */
  get complete(): boolean {
    return this.state === ACCEPT;
  }

  /** True once an impossible byte was seen (until {@link Utf8Validator.reset}). */
  get failed(): boolean {
    return this.state === REJECT;
  }

  /** Starts over for a new message. */
  reset(): void {
    this.state = ACCEPT;
  }

  /**
   * Feeds `bytes[start..end)`. Returns false when they make the text invalid; the validator then
   * stays failed.
   */
  write(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
    let s = this.state;
    let i = start;
    // Finish a code point begun in an earlier part.
    while (s > REJECT && i < end) s = transitions[s * 256 + bytes[i++]];
    if (s === ACCEPT && end - i >= BULK_MIN) {
      const cut = lastBoundary(bytes, i, end);
      const bulk = i === 0 && cut === bytes.length ? bytes : bytes.subarray(i, cut);
      if (!isUtf8(bulk)) s = REJECT;
      i = cut;
    }
    while (s !== REJECT && i < end) s = transitions[s * 256 + bytes[i++]];
    this.state = s;
    return s !== REJECT;
  }

  /** Whether the message ends validly: no impossible byte and no code point cut short. */
  end(): boolean {
    return this.state === ACCEPT;
  }

  /**
   * Feeds one part of a message, `last` marking the final one, then resets when `last`.
   * Returns false when the text is invalid (including a sequence cut short by the end).
   */
  validate(bytes: Uint8Array, last: boolean): boolean {
    if (last && this.state === ACCEPT) return isValidUtf8(bytes);
    const ok = this.write(bytes, 0, bytes.length) && (!last || this.state === ACCEPT);
    if (last) this.state = ACCEPT;
    return ok;
  }
}

/**
 * The end of the longest prefix of `bytes[start..end)` that cannot stop inside a code point:
 * before the last lead byte among the final three bytes, if any. (A sequence that starts
 * earlier is at most 4 bytes long, so it ends by `end`.)
 */
function lastBoundary(bytes: Uint8Array, start: number, end: number): number {
  for (let k = end - 1, stop = Math.max(start, end - 3); k >= stop; k--) {
    const b = bytes[k];
    if (b < 0x80) return end;
    if (b >= 0xc0) return k;
  }
  return end;
}
