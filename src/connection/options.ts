// Connection layer: the options of a Connection — what users set, what wsflow's own handshakes
// add for the engine, and every default, applied in one place (resolveConnectionOptions).

import type { ReadTargets } from './read-targets.js';
import type { MaskGenerator } from '../codec/mask.js';
import type { NegotiatedDeflate } from '../extensions/deflate-options.js';
import { DEFAULT_AGGREGATE_MESSAGE_BYTES } from '../message/assembler.js';
import type { Side } from '../protocol/events.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../protocol/parser.js';
import { systemClock } from '../time/clock.js';
import type { Clock } from '../time/clock.js';
import type { KeepAliveOptions } from './keep-alive.js';
import type { MemoryBudget } from './memory-budget.js';

/** What users set on any connection: limits, timeouts, keep-alive (servers and clients take them too). */
export interface ConnectionSettings {
  /** Largest message accepted, in bytes; bigger ones close the connection with 1009. Default 16 MiB. */
  maxMessageBytes?: number;
  /** Largest frame accepted, in bytes; bigger ones close with 1009. Default maxMessageBytes. */
  maxFrameBytes?: number;
  /** How long the close handshake may take before the transport is destroyed. Default 3000 ms. */
  closeTimeoutMs?: number;
  /** Answer Pings with Pongs automatically. Default true. */
  autoPong?: boolean;
  /** Automatic Pings (or Pongs) on an idle connection; docs/keep-alive.md. Default off. */
  keepAlive?: KeepAliveOptions;
  /** Close with 1001 "idle timeout" after this long without traffic either way. Default off. */
  idleTimeoutMs?: number;
  /** The timers, for tests that control time. Default: the system clock. */
  clock?: Clock;
  /**
   * A message of at most this many bytes is collected and delivered Strict, however many frames
   * and reads it spans: a handler written as for ws or python-websockets, which reads `text` or
   * `data`, answers a small message that came in fragments too. A bigger message that does not
   * arrive whole in one read is delivered Streamed, what was collected as its first part. For a
   * compressed message the bound is on its inflated size. 0 collects nothing (Akka HTTP's
   * behaviour): every message still arriving when a read ends is Streamed (docs/limits.md).
   * Default 1 MiB, never more than `maxMessageBytes`.
   *
   * @example
   * ```ts
   * // Stream every message as its parts arrive, from the first fragment on.
   * await serve({ port: 8080, flow: greeter, aggregateMessageBytes: 0 });
   * ```
   */
  aggregateMessageBytes?: number;
  /** Received messages that may wait for the application before reading pauses. Default 16. */
  incomingHighWaterMark?: number;
  /**
   * Messages sent within one tick that are written together before the next write starts
   * (docs/client.md). Default 8 on the client; unbounded on the server.
   */
  writeBatchMessages?: number;
  /**
   * Called once when application code run by this connection (its flow, a streamed source it
   * sends, a listener) fails and the connection closes with 1011; the error is also the `cause` of
   * the close outcome. Not called for errors that carry their own close code (a ConnectionClosed
   * thrown on purpose). Default: none (servers pass their `onError`).
   */
  onError?: (error: unknown) => void;
}

/** Options of a {@link Connection}: which end it is, the bytes read past the handshake, settings. */
export interface ConnectionOptions extends ConnectionSettings {
  /** Which end this is: a 'client' masks its frames, a 'server' expects masked ones. */
  side: Side;
  /** Bytes already read from the transport after the opening handshake (the 'upgrade' head). */
  head?: Uint8Array;
}

/** The defaults of {@link ConnectionSettings}, in one place (docs/limits.md lists them). */
export const ConnectionDefaults = {
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  closeTimeoutMs: 3000,
  autoPong: true,
  aggregateMessageBytes: DEFAULT_AGGREGATE_MESSAGE_BYTES,
  incomingHighWaterMark: 16,
  clientWriteBatchMessages: 8,
  serverWriteBatchMessages: Infinity,
} as const;

/**
 * What only wsflow's own handshakes (and its tests) give the engine: never a user option, since
 * each is either decided by the handshake or unsafe to choose by hand (RSV1 without compression).
 */
export interface EngineExtras {
  /** permessage-deflate as the opening handshake negotiated it; RSV1 is allowed only with it. */
  deflate?: NegotiatedDeflate;
  /** Deterministic client masks (tests). Default: crypto-random. */
  maskGenerator?: MaskGenerator;
  /** This connection's `head`, in place of the options' (settings a server shares). */
  head?: Uint8Array;
  /** This connection's `onError`, in place of the options' (settings a server shares). */
  onError?: (error: unknown) => void;
  /** The server's memory budget: the connection reports what it buffers, and may be shed. */
  memoryBudget?: MemoryBudget;
  /** The planner of a socket's reads (the client's own socket): told of the frames read. */
  readTargets?: ReadTargets;
}

/** The key under which {@link withEngineExtras} hides them; not exported from `wsflow`. */
const kEngineExtras = Symbol('wsflow.engineExtras');

/** Connection options with the engine's extras attached. */
type OptionsWithExtras = ConnectionOptions & { [kEngineExtras]?: EngineExtras };

/**
 * Connection options carrying engine extras, for wsflow's handshakes and tests. Users cannot set
 * these: the key is private to the package.
 *
 * @param options - The connection's options (a server's, shared by all its connections).
 * @param extras - What the handshake negotiated, and what differs per connection.
 * @returns Options that inherit `options` (not a copy: a copy with a symbol key is a slow,
 *   dictionary-mode object, microseconds per connection) and carry the extras.
 * @example
 * new Connection(socket, withEngineExtras({ side: 'server', head }, { deflate }));
 */
export function withEngineExtras(
  options: ConnectionOptions,
  extras: EngineExtras,
): ConnectionOptions {
  const withExtras = Object.create(options) as OptionsWithExtras;
  withExtras[kEngineExtras] = extras;
  return withExtras;
}

/** Every connection option with its default applied: what the engine reads. */
export interface ResolvedConnectionOptions {
  readonly side: Side;
  readonly head: Uint8Array | undefined;
  readonly maxMessageBytes: number;
  readonly maxFrameBytes: number;
  readonly closeTimeoutMs: number;
  readonly autoPong: boolean;
  readonly keepAlive: KeepAliveOptions | undefined;
  readonly idleTimeoutMs: number | undefined;
  readonly clock: Clock;
  readonly aggregateMessageBytes: number;
  readonly incomingHighWaterMark: number;
  readonly writeBatchMessages: number;
  readonly deflate: NegotiatedDeflate | undefined;
  readonly maskGenerator: MaskGenerator | undefined;
  readonly onError: ((error: unknown) => void) | undefined;
  readonly memoryBudget: MemoryBudget | undefined;
  readonly readTargets: ReadTargets | undefined;
}

/**
 * Applies the defaults of {@link ConnectionDefaults} to a connection's options, and reads the
 * engine extras (only those {@link withEngineExtras} attached: a stray `deflate` or `rsv1Allowed`
 * on the options themselves is ignored).
 *
 * @param options - What the caller gave.
 * @returns Every option, defaults applied.
 * @example
 * resolveConnectionOptions({ side: 'server' }).closeTimeoutMs; // 3000
 */
export function resolveConnectionOptions(options: ConnectionOptions): ResolvedConnectionOptions {
  const extras = (options as OptionsWithExtras)[kEngineExtras];
  const maxMessageBytes = options.maxMessageBytes ?? ConnectionDefaults.maxMessageBytes;
  const client = options.side === 'client';
  return {
    side: options.side,
    head: extras?.head ?? options.head,
    maxMessageBytes,
    maxFrameBytes: options.maxFrameBytes ?? maxMessageBytes,
    closeTimeoutMs: options.closeTimeoutMs ?? ConnectionDefaults.closeTimeoutMs,
    autoPong: options.autoPong ?? ConnectionDefaults.autoPong,
    keepAlive: options.keepAlive,
    idleTimeoutMs: options.idleTimeoutMs,
    clock: options.clock ?? systemClock,
    aggregateMessageBytes:
      options.aggregateMessageBytes ?? ConnectionDefaults.aggregateMessageBytes,
    incomingHighWaterMark:
      options.incomingHighWaterMark ?? ConnectionDefaults.incomingHighWaterMark,
    writeBatchMessages:
      options.writeBatchMessages ??
      (client
        ? ConnectionDefaults.clientWriteBatchMessages
        : ConnectionDefaults.serverWriteBatchMessages),
    deflate: extras?.deflate,
    maskGenerator: extras?.maskGenerator,
    onError: extras?.onError ?? options.onError,
    memoryBudget: extras?.memoryBudget,
    readTargets: extras?.readTargets,
  };
}
