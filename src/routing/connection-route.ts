// Routing layer: where a routed connection came from. Kept on the connection (so it goes with
// it) and reachable from anything holding the Connection: the server's `connections` set, a
// flow's owner, the delivery primitive's listeners.

import { connectionContext } from '../connection/connection.js';
import type { Connection } from '../connection/connection.js';
import type { ConnectionRequest } from './route-request.js';

/** What a routed connection knows of its start. */
export interface ConnectionRoute<Data = unknown> {
  /** The upgrade request: URL, params, query, headers, cookies, remote address, offers. */
  readonly request: ConnectionRequest;
  /** The subprotocol the 101 chose, if any. */
  readonly subprotocol: string | undefined;
  /** The data the route's handler passed to `accept(flow, { data })`. */
  readonly data: Data;
}

/**
 * Records the route of a connection just accepted.
 *
 * @param connection - The connection.
 * @param request - Its request, node:http's object already let go.
 * @param subprotocol - The subprotocol the 101 chose, if any.
 * @param data - What the route's handler passed as `data`.
 */
export function recordRoute(
  connection: Connection,
  request: ConnectionRequest,
  subprotocol: string | undefined,
  data: unknown,
): void {
  connectionContext.set(connection, new RecordedRoute(request, subprotocol, data));
}

/** A route as recorded: its class tells it from anything else in the connection's context. */
class RecordedRoute implements ConnectionRoute {
  constructor(
    readonly request: ConnectionRequest,
    readonly subprotocol: string | undefined,
    readonly data: unknown,
  ) {}
}

/**
 * The request, subprotocol and data of a connection a router accepted (Bun's `ws.data`), or
 * undefined for a connection started another way. `Data` is what the route's handler passed as
 * `data`; name it to read it typed.
 *
 * @param connection - A server connection, e.g. from `server.connections`.
 * @returns Its route, or undefined.
 * @example
 * for (const connection of server.connections) {
 *   const route = routeOf<{ user: string }>(connection);
 *   if (route?.data.user === 'ada') void connection.send('hello Ada');
 * }
 */
export function routeOf<Data = unknown>(connection: Connection): ConnectionRoute<Data> | undefined {
  const context = connectionContext.get(connection);
  return context instanceof RecordedRoute ? (context as ConnectionRoute<Data>) : undefined;
}
