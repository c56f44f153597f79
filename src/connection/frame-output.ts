// Connection layer: what a hub needs of a server connection to fan a message out — frames
// serialized once and written to many connections, in order with each one's own messages, and a
// view of the bytes still waiting for a subscriber that reads slowly.

/**
 * The prepared-frame side of a server connection's writer (reached with `frameOutputOf`).
 *
 * @example
 * const output = frameOutputOf(connection);
 * if (output.bufferedBytes + frame.length <= limit) output.writeFrames(frame);
 */
export interface FrameOutput {
  /**
   * Writes complete, unmasked frames after everything sent before them: now when nothing is
   * queued and the transport is under its high-water mark, else queued by reference.
   *
   * @param frames - one or more whole frames; never changed, and shared between connections.
   * @param messages - the messages they hold (what {@link FrameOutput.dropOldestFrames} counts).
   * @returns false when the connection sends nothing more (a Close went out, or it is closed).
   */
  writeFrames(frames: Uint8Array, messages?: number): boolean;
  /**
   * The bytes sent and not yet on the wire: the transport's buffer, what waits for the next
   * flush, and the queued prepared frames (not the kernel's socket buffer).
   */
  readonly bufferedBytes: number;
  /**
   * Drops the oldest queued prepared frames (one `writeFrames` call's worth) that were not yet
   * handed to the transport.
   *
   * @returns the messages they held, or 0 when none is queued.
   */
  dropOldestFrames(): number;
  /**
   * Drops every queued prepared frame not yet handed to the transport.
   *
   * @returns their bytes.
   */
  dropQueuedFrames(): number;
  /**
   * Frames a hub holds back for this connection (it writes a tick's messages together): asked to
   * write them before the connection's next message of its own or its Close, so that they keep
   * their order. The writer forgets it once asked; set it again to be asked again.
   */
  pendingFrames: PendingFrames | undefined;
}

/** What holds frames back for a connection (see {@link FrameOutput.pendingFrames}). */
export interface PendingFrames {
  /** Writes what is held back, now, through the connection's {@link FrameOutput}. */
  writePending(): void;
}
