// Server layer: the socket of an upgrade whose handler is still deciding (an async check). It is
// read meanwhile, so a client that leaves is noticed at once (its upgrade is then given up, and
// the handler's later answer dropped); bytes that arrive early are kept and put back for the
// Connection, up to a bound.

import type { Duplex } from 'node:stream';

/** A client may not send frames before the 101 (RFC 6455 section 4.1); a little slack is kept. */
const MAX_EARLY_BYTES = 64 * 1024;

/**
 * Reads `socket` until the returned function is called, then pauses it and puts back what
 * arrived. `onGone` runs once when the client closes or resets the connection meanwhile, or
 * sends more than 64 KiB before any answer (the socket is then destroyed).
 *
 * @param socket - The upgrade's socket, not answered yet.
 * @param onGone - Told that the client is gone.
 * @returns Stops reading; call it before answering.
 * @example
 * const release = holdWhileDeciding(socket, () => pending.delete(upgrade));
 * await decide();
 * release();
 * upgrade.handleMessages(flow);
 */
export function holdWhileDeciding(socket: Duplex, onGone: () => void): () => void {
  const early: Buffer[] = [];
  let earlyBytes = 0;
  let gone = false;
  const leave = (): void => {
    if (gone) return;
    gone = true;
    socket.destroy();
    onGone();
  };
  const onData = (chunk: Buffer): void => {
    earlyBytes += chunk.length;
    if (earlyBytes > MAX_EARLY_BYTES) leave();
    else early.push(chunk);
  };
  socket.on('data', onData);
  socket.on('end', leave);
  socket.on('close', leave);
  socket.resume(); // serve() hands sockets over paused
  if (socket.destroyed) leave();
  return () => {
    socket.off('data', onData);
    socket.off('end', leave);
    socket.off('close', leave);
    if (gone) return;
    socket.pause(); // a Connection resumes it
    if (early.length > 0) socket.unshift(Buffer.concat(early));
  };
}
