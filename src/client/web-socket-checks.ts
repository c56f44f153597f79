// Client layer: the argument checks of the WHATWG WebSocket (the URL, the subprotocols, close's
// code and reason), with the standard's DOMExceptions, for wsflow's WHATWG-shaped WebSocket.

import { isToken } from '../protocol/header-tokens.js';

/**
 * The URL to connect to, as the standard's constructor steps make it (WHATWG WebSockets §3.1):
 * `http:` becomes `ws:`, `https:` becomes `wss:`; another scheme or a fragment is refused.
 *
 * @param url - What the constructor was given (converted to a string first, as WebIDL does).
 * @returns The parsed URL.
 * @throws {DOMException} `SyntaxError` for a URL that does not parse (relative ones included:
 *   Node has no base URL), another scheme, or a fragment.
 * @example
 * webSocketUrl('https://example.com/feed').href; // 'wss://example.com/feed'
 */
export function webSocketUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw new DOMException(`the URL ${String(url)} does not parse`, 'SyntaxError');
  }
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new DOMException(`a WebSocket URL is ws: or wss:, not ${parsed.protocol}`, 'SyntaxError');
  }
  if (parsed.hash !== '' || parsed.href.endsWith('#')) {
    throw new DOMException('a WebSocket URL has no fragment', 'SyntaxError');
  }
  return parsed;
}

/**
 * The subprotocols to offer: a string is a list of one (§3.1 step 6); each must be a token,
 * and none may repeat (compared as written, as the standard does).
 *
 * @param protocols - What the constructor was given.
 * @returns The list, possibly empty.
 * @throws {DOMException} `SyntaxError` for a repeated value or one that is not a token.
 * @example
 * offeredProtocols('chat'); // ['chat']
 */
export function offeredProtocols(protocols: string | readonly string[] | undefined): string[] {
  if (protocols === undefined) return [];
  const list = typeof protocols === 'string' ? [protocols] : Array.from(protocols, String);
  const seen = new Set<string>();
  for (const protocol of list) {
    if (!isToken(protocol)) {
      throw new DOMException(
        `the subprotocol ${JSON.stringify(protocol)} is not a token`,
        'SyntaxError',
      );
    }
    if (seen.has(protocol)) {
      throw new DOMException(`the subprotocol ${protocol} is offered twice`, 'SyntaxError');
    }
    seen.add(protocol);
  }
  return list;
}

/** What `close(code, reason)` sends: no code for an empty Close body. */
export interface CloseArguments {
  readonly code: number | undefined;
  readonly reason: string;
}

/**
 * Checks `close()`'s arguments as the standard's close steps do (§3.3): the code as WebIDL's
 * `[Clamp] unsigned short`, then 1000 or 3000 to 4999; the reason at most 123 bytes as UTF-8 (a
 * lone surrogate counts as U+FFFD). A reason without a code closes with 1000, as undici does.
 *
 * @param code - The code, or undefined for none.
 * @param reason - The reason, or undefined for none.
 * @returns The code and reason to send.
 * @throws {DOMException} `InvalidAccessError` for another code; `SyntaxError` for a longer reason.
 * @example
 * closeArguments(4000, 'done'); // { code: 4000, reason: 'done' }
 */
export function closeArguments(code: unknown, reason: unknown): CloseArguments {
  let clamped: number | undefined;
  if (code !== undefined) {
    clamped = clampUnsignedShort(Number(code));
    if (clamped !== 1000 && (clamped < 3000 || clamped > 4999)) {
      throw new DOMException(
        `close code ${clamped}: the code must be either 1000, or between 3000 and 4999`,
        'InvalidAccessError',
      );
    }
  }
  // A lone surrogate goes out as U+FFFD, 3 bytes, and is counted so (WebIDL's USVString).
  const text = reason === undefined ? '' : String(reason);
  if (Buffer.byteLength(text, 'utf8') > 123) {
    throw new DOMException('a close reason is at most 123 bytes as UTF-8', 'SyntaxError');
  }
  return { code: clamped ?? (text === '' ? undefined : 1000), reason: text };
}

/** WebIDL's `[Clamp] unsigned short`: NaN is 0; clamped to 0..65535; halves round to even. */
function clampUnsignedShort(value: number): number {
  if (Number.isNaN(value)) return 0;
  const clamped = Math.min(Math.max(value, 0), 65535);
  const floor = Math.floor(clamped);
  const fraction = clamped - floor;
  if (fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1)) return floor + 1;
  return floor;
}
