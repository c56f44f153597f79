// Test support for slow subscribers: filling the kernel's buffers of a peer that does not read,
// so that what the hub holds for it shows at once instead of after megabytes.

import type { HubMember, SubscriberLimits } from '../../src/index.js';

/**
 * Sends `member` alone binary filler until its socket stops taking bytes (the kernel's send and
 * receive buffers are full: about 4 MB on Linux loopback). Without it, a subscriber that does not
 * read would take megabytes from every publish before the hub held anything for it, and every
 * other subscriber would have to read those megabytes too.
 *
 * @returns The filler frames sent.
 */
export async function fillSocketBuffers(member: HubMember, chunkBytes = 2 * 1024): Promise<number> {
  const chunk = new Uint8Array(chunkBytes);
  for (let sent = 1; sent <= 10_000; sent++) {
    void member.send(chunk).catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    if (member.bufferedBytes > 0) {
      // Twice more after a short wait, unchanged: the kernel may only have been busy.
      const held = member.bufferedBytes;
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (member.bufferedBytes !== held) continue;
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (member.bufferedBytes === held) return sent;
    }
  }
  throw new Error('the socket took 80 MB without pushing back');
}

/**
 * Each slow-consumer policy, by name, with the same bound.
 *
 * @param maxBufferedBytes - The bound.
 * @returns The limits of each policy: drop-message, drop-oldest, close-1008, close-1013 (the
 *   default close code).
 */
export function policiesBoundedAt(maxBufferedBytes: number): Record<string, SubscriberLimits> {
  return {
    'drop-message': { maxBufferedBytes, onLimit: 'drop-message' },
    'drop-oldest': { maxBufferedBytes, onLimit: 'drop-oldest' },
    'close-1008': { maxBufferedBytes, onLimit: 'close', closeCode: 1008 },
    'close-1013': { maxBufferedBytes, onLimit: 'close' },
  };
}
