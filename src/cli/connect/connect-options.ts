// Command line, `wsflow connect`: its options, read into a request, connection options and how
// messages are written and read.

import { readFileSync } from 'node:fs';
import { basicAuth } from '../../index.js';
import type { ClientOptions, WebSocketRequest } from '../../index.js';
import {
  keepAliveOf,
  parseCommandLine,
  parseDuration,
  parseHeader,
  parseSize,
  stringOf,
  stringsOf,
} from '../arguments.js';
import type { OptionSpecs } from '../arguments.js';
import { UsageError } from '../usage-error.js';

/** How input lines become messages: text, the line's bytes as binary, or decoded hex or base64. */
export type InputEncoding = 'text' | 'binary' | 'hex' | 'base64';
/** How a binary message is written out: its raw bytes, hex or base64. */
export type BinaryOutput = 'raw' | 'hex' | 'base64';

/** Everything `wsflow connect` was asked to do. */
export interface ConnectSettings {
  readonly request: WebSocketRequest;
  readonly options: ClientOptions;
  readonly input: InputEncoding;
  readonly binaryOutput: BinaryOutput;
  readonly json: boolean;
  readonly showControl: boolean;
  readonly reconnect: boolean;
  readonly help: boolean;
}

/** The options of `wsflow connect`, for node:util's parseArgs. */
export const CONNECT_OPTIONS = {
  header: { type: 'string', short: 'H', multiple: true },
  auth: { type: 'string' },
  subprotocol: { type: 'string', short: 's', multiple: true },
  binary: { type: 'boolean' },
  hex: { type: 'boolean' },
  base64: { type: 'boolean' },
  compress: { type: 'boolean' },
  'no-compress': { type: 'boolean' },
  'ping-interval': { type: 'string' },
  'ping-timeout': { type: 'string' },
  'max-message-size': { type: 'string' },
  'show-control': { type: 'boolean' },
  ca: { type: 'string' },
  insecure: { type: 'boolean', short: 'k' },
  'connect-timeout': { type: 'string' },
  json: { type: 'boolean' },
  reconnect: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

/**
 * Reads the arguments of `wsflow connect`.
 *
 * @param args - The arguments after `connect`.
 * @returns The settings.
 * @throws {UsageError} For an unknown option, a bad value, a missing or bad URL.
 */
export function parseConnectArguments(args: readonly string[]): ConnectSettings {
  const { values, positionals } = parseCommandLine('connect', args, CONNECT_OPTIONS);
  const help = values.help === true;
  if (help) return { ...defaults(), help };
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'connect: missing URL'
        : `connect: one URL expected, got ${positionals.length}`,
      'connect',
    );
  }
  const input = inputEncoding(values);
  return {
    request: request(positionals[0], values),
    options: clientOptions(values),
    input,
    binaryOutput: input === 'hex' ? 'hex' : input === 'base64' ? 'base64' : 'raw',
    json: values.json === true,
    showControl: values['show-control'] === true,
    reconnect: values.reconnect === true,
    help,
  };
}

function defaults(): ConnectSettings {
  return {
    request: { url: 'ws://127.0.0.1/' },
    options: {},
    input: 'text',
    binaryOutput: 'raw',
    json: false,
    showControl: false,
    reconnect: false,
    help: false,
  };
}

type Values = ReturnType<typeof parseCommandLine>['values'];

function inputEncoding(values: Values): InputEncoding {
  const chosen = (['binary', 'hex', 'base64'] as const).filter((name) => values[name] === true);
  if (chosen.length > 1)
    throw new UsageError(`--${chosen[0]} and --${chosen[1]} exclude each other`, 'connect');
  return chosen[0] ?? 'text';
}

/** The URL, checked here so a mistake is one line: ws:, wss:, http: or https:, no fragment. */
function checkedUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `ws://${text}`);
  } catch {
    throw new UsageError(`connect: not a URL: '${text}'`, 'connect');
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol)) {
    throw new UsageError(`connect: expected a ws:// or wss:// URL, got '${text}'`, 'connect');
  }
  if (url.hash !== '')
    throw new UsageError(`connect: a WebSocket URL has no fragment: '${text}'`, 'connect');
  return url;
}

function request(urlText: string, values: Values): WebSocketRequest {
  const url = checkedUrl(urlText);
  const extraHeaders: Record<string, string> = {};
  for (const header of stringsOf(values.header)) {
    const [name, value] = parseHeader(header);
    extraHeaders[name] = value;
  }
  const auth = stringOf(values.auth);
  if (auth !== undefined) {
    const colon = auth.indexOf(':');
    if (colon === -1)
      throw new UsageError(`--auth: expected user:password, got '${auth}'`, 'connect');
    extraHeaders.Authorization = basicAuth(auth.slice(0, colon), auth.slice(colon + 1));
  }
  if (values.compress === true && values['no-compress'] === true) {
    throw new UsageError('--compress and --no-compress exclude each other', 'connect');
  }
  const timeout = stringOf(values['connect-timeout']);
  return {
    url: url.href,
    extraHeaders,
    subprotocols: stringsOf(values.subprotocol),
    perMessageDeflate: values['no-compress'] !== true,
    ...(timeout === undefined
      ? {}
      : { handshakeTimeoutMs: parseDuration('connect-timeout', timeout) }),
    ...(isSecure(url) ? { tls: tlsOptions(values) } : {}),
  };
}

function isSecure(url: URL): boolean {
  return url.protocol === 'wss:' || url.protocol === 'https:';
}

function tlsOptions(values: Values): NonNullable<WebSocketRequest['tls']> {
  const caPath = stringOf(values.ca);
  let ca: string | undefined;
  if (caPath !== undefined) {
    try {
      ca = readFileSync(caPath, 'utf8');
    } catch (error) {
      throw new UsageError(
        `--ca: cannot read '${caPath}': ${(error as NodeJS.ErrnoException).code ?? error}`,
        'connect',
      );
    }
  }
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(values.insecure === true ? { rejectUnauthorized: false } : {}),
  };
}

function clientOptions(values: Values): ClientOptions {
  const maxSize = stringOf(values['max-message-size']);
  return {
    ...keepAliveOf(values, 'connect'),
    ...(maxSize === undefined ? {} : { maxMessageBytes: parseSize('max-message-size', maxSize) }),
  };
}
