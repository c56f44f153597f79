// Extensions layer: permessage-deflate's negotiation (RFC 7692 sections 5 and 7.1) as plain data.
// The server picks the first acceptable offer and writes its answer; the client writes its offer
// and judges the answer. No zlib, no I/O.

import { HandshakeError, HandshakeErrorCode } from '../errors.js';
import type { ExtensionOffer } from '../protocol/header-tokens.js';
import { DEFAULT_WINDOW_BITS, PERMESSAGE_DEFLATE, settingsOf } from './deflate-options.js';
import type { NegotiatedDeflate, ResolvedDeflateOptions } from './deflate-options.js';

/** The four parameters as written in one offer or response; undefined when absent. */
export interface DeflateParamValues {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number | undefined;
  /** `true`: the parameter without a value (only allowed in an offer). */
  clientMaxWindowBits: number | true | undefined;
}

// RFC 7692 section 7.1.2.1: the value is "8" to "15", no leading zero, sign or space.
const WINDOW_VALUES: ReadonlyMap<string, number> = new Map(
  Array.from({ length: 8 }, (_, i) => [String(i + 8), i + 8] as [string, number]),
);

/**
 * Reads the parameters of one permessage-deflate offer or response. RFC 7692 section 5: an offer
 * (or response) with an unknown parameter, an invalid value or a repeated parameter must be
 * declined (or fails the connection).
 *
 * @param params - The parameters as parsed from Sec-WebSocket-Extensions.
 * @param inOffer - True for an offer: `client_max_window_bits` may then come without a value.
 * @returns The values, or a string saying what is wrong.
 * @example
 * readDeflateParams([['client_max_window_bits', true]], true);
 * // { serverNoContextTakeover: false, clientNoContextTakeover: false,
 * //   serverMaxWindowBits: undefined, clientMaxWindowBits: true }
 */
export function readDeflateParams(
  params: ExtensionOffer['params'],
  inOffer: boolean,
): DeflateParamValues | string {
  const values: DeflateParamValues = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: undefined,
    clientMaxWindowBits: undefined,
  };
  const seen = new Set<string>();
  for (const [name, value] of params) {
    if (seen.has(name)) return `parameter ${name} is repeated`;
    seen.add(name);
    const problem = readParam(values, name, value, inOffer);
    if (problem !== undefined) return problem;
  }
  return values;
}

/** Stores one parameter; returns what is wrong with it, if anything. */
function readParam(
  values: DeflateParamValues,
  name: string,
  value: string | true,
  inOffer: boolean,
): string | undefined {
  const invalid = `invalid value for ${name}`;
  switch (name) {
    // 7.1.1.1 and 7.1.1.2: "This extension parameter has no value."
    case 'server_no_context_takeover':
    case 'client_no_context_takeover':
      if (value !== true) return invalid;
      if (name === 'server_no_context_takeover') values.serverNoContextTakeover = true;
      else values.clientNoContextTakeover = true;
      return undefined;
    case 'server_max_window_bits': {
      const bits = value === true ? undefined : WINDOW_VALUES.get(value);
      if (bits === undefined) return invalid;
      values.serverMaxWindowBits = bits;
      return undefined;
    }
    case 'client_max_window_bits': {
      // 7.1.2.2: "This parameter has no value or a decimal integer value" in an offer; a
      // response must give a value.
      const bits = value === true ? (inOffer ? true : undefined) : WINDOW_VALUES.get(value);
      if (bits === undefined) return invalid;
      values.clientMaxWindowBits = bits;
      return undefined;
    }
    default:
      return `unknown parameter ${name}`;
  }
}

/** What the server answers to the offer it accepted, and what both sides then run. */
export interface AcceptedDeflateOffer {
  /** The element of Sec-WebSocket-Extensions to answer with. */
  response: ExtensionOffer;
  /** The agreed parameters and the server's local settings. */
  agreement: NegotiatedDeflate;
}

/**
 * The server side: accepts the first permessage-deflate offer it can, in the client's order of
 * preference (RFC 7692 section 5). Offers with an unknown, repeated or invalid parameter are
 * declined, as are offers without `client_max_window_bits` when `options.clientMaxWindowBits`
 * is a number (7.1.2.2: the server may not ask for a client window unless offered).
 *
 * @param offers - Every offered extension, e.g. `WebSocketUpgrade.requestedExtensions`.
 * @param options - The server's resolved options.
 * @returns The answer and the agreement, or undefined when no offer is acceptable (the
 *   connection then runs without compression).
 * @example
 * const accepted = acceptDeflateOffer(parseExtensionHeader('permessage-deflate'), resolveDeflateOptions(true)!);
 * // accepted.response: { name: 'permessage-deflate', params: [] }
 */
export function acceptDeflateOffer(
  offers: readonly ExtensionOffer[],
  options: ResolvedDeflateOptions,
): AcceptedDeflateOffer | undefined {
  for (const offer of offers) {
    if (offer.name !== PERMESSAGE_DEFLATE) continue;
    const values = readDeflateParams(offer.params, true);
    if (typeof values === 'string') continue;
    const accepted = answerOffer(values, options);
    if (accepted !== undefined) return accepted;
  }
  return undefined;
}

/** The answer to one valid offer, or undefined when the server declines it. */
function answerOffer(
  offer: DeflateParamValues,
  options: ResolvedDeflateOptions,
): AcceptedDeflateOffer | undefined {
  // 7.1.2.1: the server answers server_max_window_bits "with the same or smaller value as the
  // offer"; it may also limit its window unasked.
  let serverBits = offer.serverMaxWindowBits;
  if (options.serverMaxWindowBits !== undefined) {
    serverBits = Math.min(serverBits ?? DEFAULT_WINDOW_BITS, options.serverMaxWindowBits);
  }
  // 7.1.2.2: "If a received extension negotiation offer doesn't have the client_max_window_bits
  // extension parameter, the corresponding extension negotiation response to the offer MUST NOT
  // include the client_max_window_bits extension parameter."
  const wanted = options.clientMaxWindowBits;
  const limit = typeof wanted === 'number' ? wanted : undefined;
  let clientBits: number | undefined;
  if (offer.clientMaxWindowBits === undefined) {
    if (limit !== undefined) return undefined;
  } else if (offer.clientMaxWindowBits === true) {
    clientBits = limit;
  } else {
    clientBits = Math.min(offer.clientMaxWindowBits, limit ?? DEFAULT_WINDOW_BITS);
  }
  // 7.1.1.1: a server accepting server_no_context_takeover "MUST include" it in its answer.
  const serverReset = offer.serverNoContextTakeover || options.serverNoContextTakeover === true;
  const clientReset = offer.clientNoContextTakeover || options.clientNoContextTakeover === true;
  const params: ExtensionOffer['params'] = [];
  if (serverReset) params.push(['server_no_context_takeover', true]);
  if (clientReset) params.push(['client_no_context_takeover', true]);
  if (serverBits !== undefined) params.push(['server_max_window_bits', String(serverBits)]);
  if (clientBits !== undefined) params.push(['client_max_window_bits', String(clientBits)]);
  return {
    response: { name: PERMESSAGE_DEFLATE, params },
    agreement: {
      params: {
        serverNoContextTakeover: serverReset,
        clientNoContextTakeover: clientReset,
        serverMaxWindowBits: serverBits ?? DEFAULT_WINDOW_BITS,
        clientMaxWindowBits: clientBits ?? DEFAULT_WINDOW_BITS,
      },
      settings: settingsOf(options),
    },
  };
}

/**
 * The client side: the offer to send in Sec-WebSocket-Extensions.
 *
 * @param options - The client's resolved options.
 * @returns One extension offer; by default `permessage-deflate; client_max_window_bits`.
 * @example
 * formatExtensionHeader([deflateOffer(resolveDeflateOptions({ serverMaxWindowBits: 10 })!)]);
 * // 'permessage-deflate; server_max_window_bits=10; client_max_window_bits'
 */
export function deflateOffer(options: ResolvedDeflateOptions): ExtensionOffer {
  const params: ExtensionOffer['params'] = [];
  if (options.serverNoContextTakeover === true) params.push(['server_no_context_takeover', true]);
  if (options.clientNoContextTakeover === true) params.push(['client_no_context_takeover', true]);
  if (options.serverMaxWindowBits !== undefined) {
    params.push(['server_max_window_bits', String(options.serverMaxWindowBits)]);
  }
  const clientBits = options.clientMaxWindowBits ?? true;
  if (clientBits === true) params.push(['client_max_window_bits', true]);
  else if (clientBits !== false) params.push(['client_max_window_bits', String(clientBits)]);
  return { name: PERMESSAGE_DEFLATE, params };
}

/**
 * The client side: judges the server's answer to {@link deflateOffer} (RFC 7692 section 5: "A
 * client MUST _Fail the WebSocket Connection_ if the peer server accepted an extension
 * negotiation offer for this extension with an extension negotiation response" that has an
 * unknown, invalid or repeated parameter, or a configuration the client does not support).
 *
 * @param accepted - The extensions the server accepted, in its order.
 * @param options - The client's resolved options (what was offered).
 * @returns The agreement, or undefined when the server did not accept permessage-deflate.
 * @throws {HandshakeError} `WSFLOW_ERR_HANDSHAKE_INVALID_EXTENSION` when the answer is not one the
 *   offer allows; the handshake then fails.
 * @example
 * const agreement = acceptDeflateResponse(response.extensions, options);
 */
export function acceptDeflateResponse(
  accepted: readonly ExtensionOffer[],
  options: ResolvedDeflateOptions,
): NegotiatedDeflate | undefined {
  const answers = accepted.filter((extension) => extension.name === PERMESSAGE_DEFLATE);
  if (answers.length === 0) return undefined;
  if (answers.length > 1) invalidAnswer('permessage-deflate is accepted more than once');
  const values = readDeflateParams(answers[0].params, false);
  if (typeof values === 'string') invalidAnswer(values);
  // 7.1.1.1: a server accepting server_no_context_takeover must include it.
  if (options.serverNoContextTakeover === true && !values.serverNoContextTakeover) {
    invalidAnswer('server_no_context_takeover is missing');
  }
  // 7.1.2.1: a server accepting server_max_window_bits answers it with the same or a smaller value.
  const serverBits = values.serverMaxWindowBits;
  if (options.serverMaxWindowBits !== undefined) {
    if (serverBits === undefined) invalidAnswer('server_max_window_bits is missing');
    if (serverBits > options.serverMaxWindowBits)
      invalidAnswer('server_max_window_bits is too large');
  }
  const clientBits = answeredClientBits(values.clientMaxWindowBits as number | undefined, options);
  return {
    params: {
      serverNoContextTakeover: values.serverNoContextTakeover,
      clientNoContextTakeover:
        values.clientNoContextTakeover || options.clientNoContextTakeover === true,
      serverMaxWindowBits: serverBits ?? DEFAULT_WINDOW_BITS,
      clientMaxWindowBits: clientBits,
    },
    settings: settingsOf(options),
  };
}

/** The client's window: the server's answer, which must fit what was offered. */
function answeredClientBits(answer: number | undefined, options: ResolvedDeflateOptions): number {
  const offered = options.clientMaxWindowBits ?? true;
  if (answer === undefined) return typeof offered === 'number' ? offered : DEFAULT_WINDOW_BITS;
  // 7.1.2.2: a response may carry client_max_window_bits only when the offer had it.
  if (offered === false) invalidAnswer('client_max_window_bits was not offered');
  if (typeof offered === 'number' && answer > offered) {
    invalidAnswer('client_max_window_bits is too large');
  }
  return answer;
}

function invalidAnswer(problem: string): never {
  throw new HandshakeError(
    HandshakeErrorCode.InvalidExtension,
    `Invalid permessage-deflate response: ${problem}`,
  );
}

/**
 * The client side: the extensions a request offers, permessage-deflate's offer added last when
 * compression is on.
 *
 * @param extensions - The request's other extension offers.
 * @param options - The client's resolved options, or undefined when compression is off.
 * @returns The offers to send.
 * @throws {TypeError} When `extensions` offers permessage-deflate itself: wsflow must run what it
 *   offers, so that one is configured through the `perMessageDeflate` option.
 * @example
 * withDeflateOffer([], resolveDeflateOptions(true)); // [{ name: 'permessage-deflate', ... }]
 */
export function withDeflateOffer(
  extensions: readonly ExtensionOffer[],
  options: ResolvedDeflateOptions | undefined,
): ExtensionOffer[] {
  if (extensions.some((extension) => extension.name === PERMESSAGE_DEFLATE)) {
    throw new TypeError('offer permessage-deflate through the perMessageDeflate option');
  }
  return options === undefined ? [...extensions] : [...extensions, deflateOffer(options)];
}
