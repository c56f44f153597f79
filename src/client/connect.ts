// Client layer: one WebSocket request, start to finish — resolve it, run the opening handshake
// (over the client's own socket, node:http for an agent, or a transport the caller gives), and
// start a client Connection on a valid upgrade.

import type { Duplex } from 'node:stream';
import { systemClock } from '../time/clock.js';
import { Connection } from '../connection/connection.js';
import { withEngineExtras } from '../connection/options.js';
import { ReadTargets } from '../connection/read-targets.js';
import type { ConnectionSettings } from '../connection/options.js';
import type { HandshakeResult } from './handshake.js';
import { http2Handshake } from './http2-handshake.js';
import { httpHandshake } from './http-handshake.js';
import { connectOwnSocket } from './own-socket.js';
import { resolveRequest } from './request.js';
import type { ResolvedRequest, WebSocketRequest } from './request.js';
import type { InvalidUpgradeResponse, ValidUpgrade } from './response.js';
import { transportHandshake } from './transport-handshake.js';
import { publishClientAccepted, publishClientRejected } from './handshake-events.js';

/** Options of every client entry point: the connection's, and the body bound of a refusal. */
export interface ClientOptions extends ConnectionSettings {
  /** The most bytes read from the body of a plain HTTP answer (a 404's page). Default 64 KiB. */
  maxResponseBodyBytes?: number;
}

/** Default of {@link ClientOptions.maxResponseBodyBytes}. */
export const DEFAULT_MAX_RESPONSE_BODY_BYTES = 64 * 1024;

/** A request's outcome: a running connection, or the answer that refused it. */
export type UpgradeResult =
  | { response: ValidUpgrade; connection: Connection }
  | { response: InvalidUpgradeResponse; connection?: undefined };

/** Where the handshake runs, and who hears of the connection first. */
export interface UpgradeVia {
  /** A byte transport to run over instead of node:http (the client layer). */
  transport?: Duplex;
  /** Called with the new connection before any of its input is read (to attach listeners). */
  onConnection?: (connection: Connection, response: ValidUpgrade) => void;
}

/**
 * Runs one WebSocket request: the opening handshake, then a client Connection on a valid upgrade.
 *
 * @param request - The request, already resolved (see `resolveRequest`) so errors in it were
 *   thrown to the caller.
 * @param options - Connection options and the refusal body bound.
 * @param via - A transport to run over, and a hook told of the connection first.
 * @returns The valid upgrade and its connection, or the invalid response (a 404 with its body, a
 *   101 with a wrong accept key, ...).
 * @throws {HandshakeError} (rejects) `_NETWORK` (refused, DNS, TLS, reset) or `_TIMEOUT`; unless
 *   through an agent (node:http) also `_INVALID_RESPONSE` or `_RESPONSE_TOO_LARGE`.
 * @example
 * const { response, connection } = await requestUpgrade(resolveRequest('ws://127.0.0.1:8080'));
 */
export async function requestUpgrade(
  request: ResolvedRequest,
  options: ClientOptions = {},
  via: UpgradeVia = {},
): Promise<UpgradeResult> {
  const { maxResponseBodyBytes = DEFAULT_MAX_RESPONSE_BODY_BYTES, ...connectionOptions } = options;
  const limits = { maxResponseBodyBytes, clock: options.clock ?? systemClock };
  // node:http only where an option needs it (an agent: proxies, pools, custom sockets); else the
  // client's own socket, whose reads land where the connection's frames want them.
  const viaHttp = via.transport === undefined && request.agent !== undefined;
  // Over HTTP/2 first when asked (RFC 8441): a stream, not a socket of the client's own.
  const viaHttp2 = via.transport === undefined && request.http2 !== false;
  let readTargets: ReadTargets | undefined;
  const start = (transport: Duplex, head: Uint8Array, response: ValidUpgrade): Connection => {
    const deflate = response.perMessageDeflate;
    const options = { ...connectionOptions, side: 'client', head } as const;
    const extras = { deflate, readTargets };
    const connection = new Connection(transport, withEngineExtras(options, extras));
    publishClientAccepted(connection, request, response);
    via.onConnection?.(connection, response);
    return connection;
  };
  const handshake = async (): Promise<HandshakeResult<Connection>> => {
    // Undefined when the server does not allow it: HTTP/1.1 then.
    const overHttp2 = viaHttp2 ? await http2Handshake(request, limits, start) : undefined;
    if (overHttp2 !== undefined) return overHttp2;
    if (viaHttp) return httpHandshake(request, limits, start);
    if (via.transport === undefined) readTargets = new ReadTargets();
    const transport = via.transport ?? connectOwnSocket(request, readTargets);
    return transportHandshake(request, transport, limits, start);
  };
  let result: HandshakeResult<Connection>;
  try {
    result = await handshake();
  } catch (error) {
    publishClientRejected(request, { error });
    throw error;
  }
  if (result.taken === undefined) {
    publishClientRejected(request, { response: result.response });
    return { response: result.response };
  }
  return { response: result.response, connection: result.taken };
}

/**
 * Opens a client connection, or fails: sttp's rule that an unsuccessful upgrade is an error.
 *
 * @param request - The request, or its URL.
 * @param options - Connection options and the refusal body bound.
 * @param via - A transport to run over, and a hook told of the connection first.
 * @returns The valid upgrade and its running connection.
 * @throws {TypeError} (synchronously) for a request that does not check (see `resolveRequest`).
 * @throws {HandshakeError} (rejects) for every failed upgrade: a plain HTTP answer (its `status`,
 *   `headers` and `body`), a 101 that fails the checks, a network failure, a timeout.
 * @example
 * const { connection, response } = await openConnection('ws://127.0.0.1:8080/chat');
 */
export function openConnection(
  request: WebSocketRequest | string | URL,
  options: ClientOptions = {},
  via: UpgradeVia = {},
): Promise<{ response: ValidUpgrade; connection: Connection }> {
  const resolved = resolveRequest(request);
  return requestUpgrade(resolved, options, via).then((result) => {
    if (result.connection === undefined) throw result.response.cause;
    return result;
  });
}
