// Client layer: what the two opening-handshake drivers share (node:http and raw transport): the
// shape of their result, their bounds, and a guard for transport errors while nobody listens.

import type { Duplex } from 'node:stream';
import { guardTransport } from '../connection/transport-guard.js';
import type { Clock } from '../time/clock.js';
import type { InvalidUpgradeResponse, ValidUpgrade } from './response.js';

/** Takes over an upgraded transport, synchronously, before any more I/O happens on it. */
export type TakeOver<T> = (transport: Duplex, head: Uint8Array, response: ValidUpgrade) => T;

/** How a handshake ended: the judged response, and what `takeOver` made of a valid upgrade. */
export type HandshakeResult<T> =
  { response: ValidUpgrade; taken: T } | { response: InvalidUpgradeResponse; taken?: undefined };

/** What bounds a handshake besides the request's own timeout. */
export interface HandshakeLimits {
  /** The most body bytes read from a plain HTTP answer. */
  maxResponseBodyBytes: number;
  /** The timers of the handshake timeout. */
  clock: Clock;
}

/**
 * Hands a valid upgrade to its new owner and settles the handshake with what it made; when the
 * owner throws (e.g. a connection option out of range), the transport is destroyed and the
 * handshake rejects with that error.
 *
 * @param takeOver - The new owner.
 * @param transport - The upgraded transport.
 * @param head - The bytes read after the response head.
 * @param response - The valid upgrade.
 * @returns The settled result, or the error to reject with.
 * @example
 * const handed = handOver(takeOver, socket, head, response);
 * if ('result' in handed) resolve(handed.result);
 */
export function handOver<T>(
  takeOver: TakeOver<T>,
  transport: Duplex,
  head: Uint8Array,
  response: ValidUpgrade,
): { result: HandshakeResult<T> } | { error: unknown } {
  guardTransport(transport);
  try {
    return { result: { response, taken: takeOver(transport, head, response) } };
  } catch (error) {
    transport.destroy();
    return { error };
  }
}
