// Extensions layer: permessage-deflate's options (what a side is willing to do), the parameters
// a handshake settles (RFC 7692 section 7.1), and their defaults, all in one place.

/**
 * How a side offers, accepts and runs permessage-deflate (RFC 7692). Every field is optional;
 * the defaults are those of ws. The same object serves both sides; what a field means differs:
 *
 * | option | server | client |
 * | --- | --- | --- |
 * | `serverNoContextTakeover` | always answer `server_no_context_takeover` | ask the server for it |
 * | `clientNoContextTakeover` | always answer `client_no_context_takeover` | offer it (and reset our context per message) |
 * | `serverMaxWindowBits` | compress with at most this window; answered | ask the server for at most this window |
 * | `clientMaxWindowBits` | a number: the client must use at most this window (offers that do not allow it are declined) | a number: offer it; `true` (default): offer the parameter without a value; `false`: leave it out |
 *
 * @example
 * serve({ port: 8080, flow: echo(), perMessageDeflate: { threshold: 256, serverMaxWindowBits: 12 } });
 */
export interface PerMessageDeflateOptions {
  /** See the table above. Default false. */
  serverNoContextTakeover?: boolean;
  /** See the table above. Default false. */
  clientNoContextTakeover?: boolean;
  /** 8 to 15; see the table above. Default: not set (15). */
  serverMaxWindowBits?: number;
  /** 8 to 15, or a boolean on the client; see the table above. Default: not set (client: true). */
  clientMaxWindowBits?: number | boolean;
  /** zlib compression level, -1 (zlib's default, 6) to 9. Default -1. */
  level?: number;
  /** zlib memLevel, 1 to 9: memory of the compressor (2^(memLevel+9) bytes). Default 8. */
  memLevel?: number;
  /** Strict messages shorter than this many bytes are sent uncompressed. Default 1024. */
  threshold?: number;
  /** zlib jobs that may run at once, shared by every connection with the same value. Default 10. */
  concurrencyLimit?: number;
  /**
   * With context takeover, a connection's zlib streams (about 300 KiB for compressing, 40 KiB for
   * inflating) are released once no message went through them for this many milliseconds; only
   * their window (the last 2^windowBits bytes of data, at most 32 KiB) is kept, and the stream is
   * rebuilt from it when the next message comes, compressing as well as before. 0 releases them
   * after every message; `Infinity` keeps them for the connection's life (as ws does).
   * Default 1000 (rebuilding a stream costs about 20 µs, plus 25 µs for a full 32 KiB window).
   */
  contextIdleMs?: number;
}

/** The parameters a permessage-deflate handshake settled, as both sides apply them. */
export interface DeflateParams {
  /** The server resets its compression context after each message. */
  readonly serverNoContextTakeover: boolean;
  /** The client resets its compression context after each message. */
  readonly clientNoContextTakeover: boolean;
  /** The server's LZ77 window, in bits (8 to 15). */
  readonly serverMaxWindowBits: number;
  /** The client's LZ77 window, in bits (8 to 15). */
  readonly clientMaxWindowBits: number;
}

/** The local settings that need no agreement, with every default applied. */
export interface DeflateSettings {
  readonly level: number;
  readonly memLevel: number;
  readonly threshold: number;
  readonly concurrencyLimit: number;
  readonly contextIdleMs: number;
}

/** permessage-deflate as negotiated: what `Connection` needs to run it (its `deflate` option). */
export interface NegotiatedDeflate {
  readonly params: DeflateParams;
  readonly settings: DeflateSettings;
}

/** {@link PerMessageDeflateOptions} checked, with the local settings' defaults applied. */
export type ResolvedDeflateOptions = Omit<PerMessageDeflateOptions, keyof DeflateSettings> &
  DeflateSettings;

/** The extension's token in Sec-WebSocket-Extensions. */
export const PERMESSAGE_DEFLATE = 'permessage-deflate';
/** The window when none is negotiated (RFC 7692 section 7.1.2: 2^15 bytes). */
export const DEFAULT_WINDOW_BITS = 15;
/** Default of {@link PerMessageDeflateOptions.threshold}. */
export const DEFAULT_THRESHOLD_BYTES = 1024;
/** Default of {@link PerMessageDeflateOptions.concurrencyLimit}. */
export const DEFAULT_CONCURRENCY_LIMIT = 10;
/** Default of {@link PerMessageDeflateOptions.contextIdleMs}. */
export const DEFAULT_CONTEXT_IDLE_MS = 1000;
const DEFAULT_SETTINGS: DeflateSettings = {
  level: -1,
  memLevel: 8,
  threshold: DEFAULT_THRESHOLD_BYTES,
  concurrencyLimit: DEFAULT_CONCURRENCY_LIMIT,
  contextIdleMs: DEFAULT_CONTEXT_IDLE_MS,
};

/**
 * Checks the `perMessageDeflate` option of a server or client and applies the defaults.
 *
 * @param option - `true` for the defaults, an options object, or `false`/`undefined` for off.
 * @returns The checked options, or undefined when compression is off.
 * @throws {RangeError} For a window outside 8 to 15, a level outside -1 to 9, a memLevel outside
 *   1 to 9, a negative threshold, a concurrency limit that is not a positive integer, or a
 *   negative contextIdleMs.
 * @throws {TypeError} For an option that is neither a boolean nor an object.
 * @example
 * resolveDeflateOptions(true); // { level: -1, memLevel: 8, threshold: 1024, concurrencyLimit: 10, contextIdleMs: 1000 }
 */
export function resolveDeflateOptions(
  option: boolean | PerMessageDeflateOptions | undefined,
): ResolvedDeflateOptions | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return { ...DEFAULT_SETTINGS };
  if (typeof option !== 'object' || option === null) {
    throw new TypeError('perMessageDeflate must be a boolean or an options object');
  }
  const resolved: ResolvedDeflateOptions = { ...DEFAULT_SETTINGS };
  for (const [key, value] of Object.entries(option)) {
    if (value !== undefined) (resolved as unknown as Record<string, unknown>)[key] = value;
  }
  checkWindow('serverMaxWindowBits', resolved.serverMaxWindowBits, false);
  checkWindow('clientMaxWindowBits', resolved.clientMaxWindowBits, true);
  checkInteger('level', resolved.level, -1, 9);
  checkInteger('memLevel', resolved.memLevel, 1, 9);
  checkInteger('threshold', resolved.threshold, 0, Number.MAX_SAFE_INTEGER);
  if (resolved.concurrencyLimit !== Infinity) {
    checkInteger('concurrencyLimit', resolved.concurrencyLimit, 1, Number.MAX_SAFE_INTEGER);
  }
  if (resolved.contextIdleMs !== Infinity) {
    checkInteger('contextIdleMs', resolved.contextIdleMs, 0, 2 ** 31 - 1);
  }
  return resolved;
}

/** A window option: undefined, 8 to 15, or (clientMaxWindowBits) a boolean. */
function checkWindow(name: string, value: unknown, booleanAllowed: boolean): void {
  if (value === undefined || (booleanAllowed && typeof value === 'boolean')) return;
  checkInteger(name, value, 8, 15);
}

function checkInteger(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`perMessageDeflate.${name} must be an integer from ${min} to ${max}`);
  }
}

/**
 * The settings part of resolved options (what needs no agreement with the peer).
 *
 * @param options - Resolved options.
 * @returns Level, memLevel, threshold, concurrency limit and context idle time.
 * @example
 * settingsOf(resolveDeflateOptions(true)!); // { level: -1, memLevel: 8, threshold: 1024, concurrencyLimit: 10, contextIdleMs: 1000 }
 */
export function settingsOf(options: ResolvedDeflateOptions): DeflateSettings {
  const { level, memLevel, threshold, concurrencyLimit, contextIdleMs } = options;
  return { level, memLevel, threshold, concurrencyLimit, contextIdleMs };
}
