// Test helper: a Connection under test on one end of an in-memory pair, and the far end played
// by a raw Protocol (RawPeer) or left raw.

import { Connection } from '../../src/connection/connection.js';
import type { ConnectionOptions } from '../../src/connection/connection.js';
import { duplexPair } from './duplex-pair.js';
import type { DuplexPairOptions, PairEnd } from './duplex-pair.js';
import { RawPeer } from './raw-peer.js';

/** What {@link connectionWithPeer} sets up. */
export interface ConnectionFixture {
  connection: Connection;
  peer: RawPeer;
  ours: PairEnd;
  theirs: PairEnd;
}

/**
 * A Connection (server side unless told) and a RawPeer playing the other side.
 *
 * @param options - Connection options; `side` defaults to 'server'.
 * @param pairOptions - buffer sizes of the pair.
 */
export function connectionWithPeer(
  options: Partial<ConnectionOptions> = {},
  pairOptions: DuplexPairOptions = {},
): ConnectionFixture {
  const [ours, theirs] = duplexPair(pairOptions);
  const side = options.side ?? 'server';
  const connection = new Connection(ours, { ...options, side });
  const peer = new RawPeer(theirs, side === 'server' ? 'client' : 'server');
  return { connection, peer, ours, theirs };
}

/** Lets the event loop run `rounds` times (no timing involved). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
