// Command line, `wsflow serve`: its options, read into what each connection does, where to
// listen, and the connection options and limits of attachWebSocket.

import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AttachOptions } from '../../index.js';
import {
  keepAliveOf,
  parseCommandLine,
  parseDuration,
  parseInteger,
  parseSize,
  stringOf,
} from '../arguments.js';
import type { OptionSpecs } from '../arguments.js';
import { UsageError } from '../usage-error.js';
import { commandWords } from './command-words.js';

/** What each connection does: echo, broadcast to all, or a program per connection. */
export type ServeMode =
  | { readonly kind: 'echo' }
  | { readonly kind: 'broadcast' }
  | { readonly kind: 'exec'; readonly command: string; readonly args: readonly string[] };

/** Everything `wsflow serve` was asked to do. */
export interface ServeSettings {
  readonly mode: ServeMode;
  readonly port: number;
  readonly host: string;
  readonly staticDir: string | undefined;
  readonly tls: { readonly cert: string; readonly key: string } | undefined;
  readonly options: AttachOptions;
  readonly quiet: boolean;
  readonly help: boolean;
}

/** The options of `wsflow serve`, for node:util's parseArgs. */
export const SERVE_OPTIONS = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  echo: { type: 'boolean' },
  broadcast: { type: 'boolean' },
  exec: { type: 'string' },
  static: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  compress: { type: 'boolean' },
  'ping-interval': { type: 'string' },
  'ping-timeout': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'max-message-size': { type: 'string' },
  'max-connections': { type: 'string' },
  'memory-budget': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

type Values = ReturnType<typeof parseCommandLine>['values'];

/**
 * Reads the arguments of `wsflow serve`.
 *
 * @param args - The arguments after `serve`.
 * @returns The settings.
 * @throws {UsageError} For an unknown option, a bad value, an unreadable file or directory.
 */
export function parseServeArguments(args: readonly string[]): ServeSettings {
  const { values, positionals } = parseCommandLine('serve', args, SERVE_OPTIONS);
  if (positionals.length > 0) {
    throw new UsageError(
      `serve: unexpected argument '${positionals[0]}' (quote the --exec command)`,
      'serve',
    );
  }
  const port = stringOf(values.port);
  return {
    mode: mode(values),
    port: port === undefined ? 8080 : parseInteger('port', port, 0, 65535),
    host: stringOf(values.host) ?? '127.0.0.1',
    staticDir: staticDir(stringOf(values.static)),
    tls: tls(values),
    options: attachOptions(values),
    quiet: values.quiet === true,
    help: values.help === true,
  };
}

function mode(values: Values): ServeMode {
  const chosen = (['echo', 'broadcast', 'exec'] as const).filter(
    (name) => values[name] !== undefined,
  );
  if (chosen.length > 1)
    throw new UsageError(`--${chosen[0]} and --${chosen[1]} exclude each other`, 'serve');
  const exec = stringOf(values.exec);
  if (exec !== undefined) {
    const words = commandWords(exec);
    if (words.length === 0) throw new UsageError('--exec: expected a command', 'serve');
    return { kind: 'exec', command: words[0], args: words.slice(1) };
  }
  return values.broadcast === true ? { kind: 'broadcast' } : { kind: 'echo' };
}

function staticDir(dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined;
  const path = resolve(dir);
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new UsageError(`--static: not a directory: '${dir}'`, 'serve');
  return path;
}

function readPem(option: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--${option}: cannot read '${path}': ${(error as NodeJS.ErrnoException).code ?? error}`,
      'serve',
    );
  }
}

function tls(values: Values): ServeSettings['tls'] {
  const cert = stringOf(values['tls-cert']);
  const key = stringOf(values['tls-key']);
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined)
    throw new UsageError('--tls-cert and --tls-key go together', 'serve');
  return { cert: readPem('tls-cert', cert), key: readPem('tls-key', key) };
}

function attachOptions(values: Values): AttachOptions {
  const idle = stringOf(values['idle-timeout']);
  const maxSize = stringOf(values['max-message-size']);
  const maxConnections = stringOf(values['max-connections']);
  const budget = stringOf(values['memory-budget']);
  return {
    ...(values.compress === true ? { perMessageDeflate: true } : {}),
    ...keepAliveOf(values, 'serve'),
    ...(idle === undefined ? {} : { idleTimeoutMs: parseDuration('idle-timeout', idle) }),
    ...(maxSize === undefined ? {} : { maxMessageBytes: parseSize('max-message-size', maxSize) }),
    ...(maxConnections === undefined
      ? {}
      : { maxConnections: parseInteger('max-connections', maxConnections, 1, 1_000_000) }),
    ...(budget === undefined
      ? {}
      : { memoryBudget: { bytes: parseSize('memory-budget', budget) } }),
  };
}
