// Connection layer: where a socket's next read lands (net's `onread`), so that a large frame's
// payload arrives in one piece of memory instead of in 64 KiB reads that are joined later.
//
// A region is a buffer the reads of one connection fill in turn, never written behind its fill
// point (what was read stays valid: messages are views of it). Inside a large data frame the next
// read is bounded to the frame's end and lands right after the frame's beginning, so its payload
// is one contiguous run of the region, which the assembler keeps as one view; at a frame boundary
// after a large frame, the region has room for another frame that large. A socket that has
// caught up (its last read did not fill what it was given) reads into one scratch buffer shared
// by every connection, and the bytes are copied out: an idle connection holds no buffer (unless
// its last read ended a large frame exactly, which is taken as a sign that more is waiting).

import { MAX_HEADER_BYTES, encodedHeaderLength } from '../codec/frame-header.js';

/** What the reader needs to know of the frame being read (a Protocol fits). */
export interface FrameProgress {
  /** Payload bytes of the data frame being read still to come; 0 between frames. */
  readonly awaitedPayloadBytes: number;
  /** The payload length of the latest data frame whose header was read. */
  readonly lastDataFrameBytes: number;
}

/** What a read gives the kernel when nothing else is planned: Node's own read size. */
export const READ_BYTES = 64 * 1024;

/** A frame at least this long is read straight into its region, bounded to its end. */
export const DIRECT_MIN_BYTES = 16 * 1024;

/**
 * A frame longer than this is read as any other bytes: a message that long is delivered
 * Streamed by default (its parts as they come), and a region that size would be held up front.
 */
export const DIRECT_MAX_BYTES = 1024 * 1024;

/** Below this much room, a region is not worth another read: a new one is started. */
export const MIN_ROOM_BYTES = 4 * 1024;

/** Shared by the connections that caught up; a read into it is copied out at once. */
const SCRATCH = Buffer.allocUnsafeSlow(READ_BYTES);

/**
 * Chooses the buffer of each read and turns what was read into the chunk to parse. Made with
 * the socket (net's `onread` is given when a socket is made); told of the frame being read once
 * the connection parses (`follow`), and asked after each read was parsed (`nextBuffer`).
 *
 * @example
 * const reads = new ReadTargets();
 * const socket = net.connect({
 *   host, port,
 *   onread: { buffer: () => reads.nextBuffer(), callback: (n) => socket.push(reads.took(n)) },
 * });
 * reads.follow(protocol); // once the connection runs
 */
export class ReadTargets {
  #progress: FrameProgress | undefined;
  #region: Buffer | undefined;
  /** Where the region's next read goes: everything before it was handed over. */
  #fill = 0;
  /** The buffer given for the read in progress. */
  #target: Buffer = SCRATCH;
  /** The last read filled what it was given: the kernel likely holds more. */
  #busy = false;
  /** The last read's bytes are in the region (not a copy out of the scratch buffer). */
  #inRegion = false;
  /** False once the chunks are no longer parsed as they are read (see `parsedAsRead`). */
  #planning = true;

  /**
   * Follows the frames `progress` reads from now on.
   *
   * @param progress - the frame parser's state (the connection's Protocol).
   */
  follow(progress: FrameProgress): void {
    this.#progress = progress;
  }

  /**
   * Whether the chunk just handed over was parsed before `nextBuffer` is asked (a flowing
   * socket parses in its 'data' event). When it waits in the socket's buffer instead, the frame
   * state is stale and reads are not planned by it.
   *
   * @param parsed - true when nothing waits unparsed.
   */
  parsedAsRead(parsed: boolean): void {
    this.#planning = parsed;
  }

  /**
   * The buffer the next read lands in (net's `onread.buffer`).
   *
   * @returns a view of this connection's region, or the shared scratch buffer.
   */
  nextBuffer(): Buffer {
    const progress = this.#planning ? this.#progress : undefined;
    const awaited = progress?.awaitedPayloadBytes ?? 0;
    const last = progress?.lastDataFrameBytes ?? 0;
    const large = last >= DIRECT_MIN_BYTES && last <= DIRECT_MAX_BYTES;
    let target: Buffer;
    if (awaited > 0 && large) {
      // The rest of a large frame lands right after its beginning, and no further.
      target = this.#regionTarget(awaited, awaited, awaited);
    } else if (awaited > 0 && last < DIRECT_MIN_BYTES && this.#inRegion) {
      // A small frame's rest, right behind its beginning too (the assembler keeps it a view).
      target = this.#regionTarget(awaited, READ_BYTES, READ_BYTES);
    } else if (large && (this.#busy || !this.#planning)) {
      // A whole frame as large as the last one, header included: it may come next. No more, so
      // that the read after it starts at the next frame's header, not inside its payload.
      const boundary = encodedHeaderLength(last, false) + last;
      target = this.#regionTarget(boundary, boundary, boundary);
    } else if (this.#busy || !this.#planning) {
      target = this.#regionTarget(MIN_ROOM_BYTES, READ_BYTES, READ_BYTES);
    } else {
      // Caught up: the next read may be a long way off, and holds no memory of this connection.
      this.#region = undefined;
      target = SCRATCH;
    }
    this.#target = target;
    return target;
  }

  /**
   * The chunk a read of `bytes` made (net's `onread.callback`): a view of the region, or a copy
   * of the scratch buffer's bytes (into a region when a large frame may continue in it).
   *
   * @param bytes - how many bytes the read put in the buffer `nextBuffer` gave.
   * @returns the chunk to parse; its memory is never written again by the reader.
   */
  took(bytes: number): Buffer {
    const target = this.#target;
    this.#busy = bytes === target.length;
    if (target !== SCRATCH) {
      this.#fill += bytes;
      this.#inRegion = true;
      return target.subarray(0, bytes);
    }
    const last = this.#progress?.lastDataFrameBytes ?? 0;
    if (last < DIRECT_MIN_BYTES || last > DIRECT_MAX_BYTES) {
      this.#inRegion = false;
      return Buffer.from(target.subarray(0, bytes));
    }
    // Caught up after large frames: copy into a region with room for a frame as large as the
    // last one starting anywhere in what was read, which the reads that follow continue.
    const room = bytes + MAX_HEADER_BYTES + last;
    const chunk = this.#regionTarget(room, bytes, room);
    chunk.set(target.subarray(0, bytes));
    this.#fill += bytes;
    this.#inRegion = true;
    return chunk;
  }

  /**
   * `size` bytes of the region from its fill point (fewer at its end); when it has less than
   * `room` left, of a new region of `allocate` bytes.
   */
  #regionTarget(room: number, size: number, allocate: number): Buffer {
    let region = this.#region;
    if (region === undefined || region.length - this.#fill < room) {
      region = this.#region = Buffer.allocUnsafeSlow(allocate);
      this.#fill = 0;
    }
    const start = this.#fill;
    return region.subarray(start, Math.min(region.length, start + size));
  }
}
