// Testkit: waiting for in-memory work to finish. Everything a connection does over a MemoryLink
// runs on microtasks, process.nextTick and setImmediate; once a turn of the event loop passes in
// which no link moved a byte, nothing more happens until time moves or the test acts.

import { linkTraffic } from './link.js';

/** Turns of the event loop after which settle() gives up waiting for quiet. */
const MAX_TURNS = 1000;

/**
 * Resolves once in-memory work has run its course: at least two turns of the event loop, then
 * as many as it takes for a turn to pass without a byte crossing any {@link MemoryLink}. Work on
 * other threads (zlib) or real timers is not waited for.
 *
 * @returns a promise that resolves when things are quiet.
 * @example
 * ```ts
 * probe.sendMessage('hi');
 * await settle(); // the server has read it, answered, and the answer has arrived
 * ```
 */
export async function settle(): Promise<void> {
  let seen = -1;
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (turn >= 1 && linkTraffic.pieces === seen) return;
    seen = linkTraffic.pieces;
  }
}
