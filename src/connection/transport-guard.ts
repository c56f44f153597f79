// Connection layer: a transport during an opening handshake, before any Connection owns it. An
// error then (a reset, a refused TLS) must not crash the process for want of a listener; the
// client and server handshakes both guard their transport with this one listener.

import type { Duplex } from 'node:stream';

/**
 * Keeps a transport error from crashing the process while nobody else listens (during the
 * handshake, between the handshake and the connection's first tick, or after a failed handshake).
 * The transport is destroyed by the error; whoever owns it learns of it through 'close'.
 *
 * @param transport - The socket or stream of a handshake.
 * @example
 * guardTransport(socket);
 * socket.end(response);
 */
export function guardTransport(transport: Duplex): void {
  const guarded = transport as GuardedTransport;
  // A mark rather than a search of the listeners: no array copied per handshake.
  if (guarded[kGuarded] === true) return;
  guarded[kGuarded] = true;
  transport.on('error', transportOnError);
}

/**
 * Removes the guard once the transport has its owner's error listener (a Connection adds its own
 * on the next tick): one listener less on every open connection.
 *
 * @param transport - A guarded transport.
 * @example
 * process.nextTick(unguardTransport, socket);
 */
export function unguardTransport(transport: Duplex): void {
  const guarded = transport as GuardedTransport;
  if (guarded[kGuarded] !== true) return;
  guarded[kGuarded] = false;
  transport.off('error', transportOnError);
}

const kGuarded = Symbol('wsflow.guarded');
type GuardedTransport = Duplex & { [kGuarded]?: boolean };

function transportOnError(this: Duplex): void {
  this.destroy();
}
