// Routing layer: where a routed connection came from. Kept beside the connection (a WeakMap, so
// it goes with it) and reachable from anything holding the Connection: the server's
// `connections` set, a flow's owner, the delivery primitive's listeners.

import type { Connection } from '../connection/connection.js';
import type { RouteRequest } from './route-request.js';

/** What a routed connection knows of its start. */
export interface ConnectionRoute<Data = unknown> {
  /** The upgrade request: URL, params, query, headers, cookies, remote address, offers. */
  readonly request: RouteRequest;
  /** The subprotocol the 101 chose, if any. */
  readonly subprotocol: string | undefined;
  /** The data the route's handler passed to `accept(flow, { data })`. */
  readonly data: Data;
}

const routes = new WeakMap<Connection, ConnectionRoute>();

/**
 * Records the route of a connection just accepted.
 *
 * @param connection - The connection.
 * @param route - Its request, subprotocol and data.
 */
export function recordRoute(connection: Connection, route: ConnectionRoute): void {
  routes.set(connection, route);
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
  return routes.get(connection) as ConnectionRoute<Data> | undefined;
}
