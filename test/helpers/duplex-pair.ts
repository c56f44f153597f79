// Test helper: an in-memory socket pair, the testkit's MemoryLink under the name the tests know.

import { MemoryLink } from '../../src/testkit/link.js';
import type { LinkEnd, MemoryLinkOptions } from '../../src/testkit/link.js';

/** Options of {@link duplexPair}. */
export type DuplexPairOptions = MemoryLinkOptions;

/** One end of a {@link duplexPair}. */
export type PairEnd = LinkEnd;

/**
 * Two connected in-memory Duplex streams, like the two ends of a TCP connection.
 *
 * @param options - buffer sizes (and faults, see MemoryLink).
 * @returns both ends: the link's server end, then its client end.
 * @example
 * ```ts
 * const [serverSide, clientSide] = duplexPair();
 * clientSide.write('hi'); // serverSide emits 'data'
 * ```
 */
export function duplexPair(options: DuplexPairOptions = {}): [PairEnd, PairEnd] {
  const link = new MemoryLink(options);
  return [link.server, link.client];
}
