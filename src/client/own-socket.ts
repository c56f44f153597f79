// Client layer: the client's own TCP or TLS socket to a request's host, for the handshake that
// writes the request and reads the 101 itself (transportHandshake). Made here rather than by
// node:http so that it can be made with a read policy (net's `onread`), which only a socket's
// maker can give.

import { connect as netConnect, isIP } from 'node:net';
import type { OnReadOpts, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import type { ReadTargets } from '../connection/read-targets.js';
import type { ResolvedRequest } from './request.js';

/** tls.connect's options; it takes net's `onread` too (Node's documentation), its types do not. */
type TlsConnectOptions = ConnectionOptions & { onread?: OnReadOpts };

/**
 * Opens a TCP socket (`ws:`) or a TLS socket (`wss:`, with the request's TLS options) to the
 * request's host and port. Writes may start at once: the socket holds them until it is connected
 * (and, over TLS, secure). Connection failures (refused, DNS, TLS) come as its `'error'` event.
 *
 * @param request - The resolved request; it must not name an `agent` (that path is node:http's).
 * @param reads - Chooses the buffer each read lands in (net's `onread`); default: Node's own.
 * @returns The socket, connecting.
 * @example
 * const socket = connectOwnSocket(resolveRequest('ws://127.0.0.1:8080/'));
 * const result = await transportHandshake(resolved, socket, limits, takeOver);
 */
export function connectOwnSocket(request: ResolvedRequest, reads?: ReadTargets): Socket {
  const { url, secure } = request;
  const onread = reads === undefined ? undefined : readsInto(reads, () => socket);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  let socket: Socket;
  if (!secure) return (socket = netConnect({ host, port, onread }));
  const options: TlsConnectOptions = {
    ...request.tls,
    host,
    port,
    // As node:https does: SNI and the certificate check name the host of the Host header.
    servername: request.tls.servername ?? serverName(request, host),
    onread,
  };
  return (socket = tlsConnect(options));
}

/**
 * net's `onread` over a read planner: each read lands where `reads` says, and is pushed to the
 * socket's readable side as Node pushes its own reads (so 'data', pause and backpressure work
 * as for any socket).
 */
function readsInto(reads: ReadTargets, socketOf: () => Socket): OnReadOpts {
  return {
    buffer: () => reads.nextBuffer(),
    callback: (bytes) => {
      const socket = socketOf();
      const more = socket.push(reads.took(bytes));
      reads.parsedAsRead(socket.readableLength === 0);
      return more;
    },
  };
}

/** The TLS server name node:https would send: the Host header's host, none for an address. */
function serverName(request: ResolvedRequest, host: string): string | undefined {
  const given = Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'host');
  const value = given === undefined ? host : String(given[1]);
  const name = value.startsWith('[') ? value.slice(1, value.indexOf(']')) : value.split(':')[0];
  return isIP(name) === 0 && name !== '' ? name : undefined;
}
