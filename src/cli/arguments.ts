// Command line: reading option values (durations, sizes, headers, ports) and running node:util's
// parseArgs so that its errors become UsageErrors.

import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

/** The options of one command, as node:util's parseArgs takes them. */
export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseCommandLine} returns: the options' values and the positionals. */
export interface ParsedCommandLine {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

/**
 * Parses `args` strictly; an unknown option or a missing value becomes a {@link UsageError}.
 *
 * @param command - The command, named in the error line.
 * @param args - The arguments after the command's name.
 * @param options - The command's options.
 * @returns The values (repeatable options as arrays) and the positionals.
 * @throws {UsageError} For any mistake.
 */
export function parseCommandLine(
  command: string,
  args: readonly string[],
  options: OptionSpecs,
): ParsedCommandLine {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(firstLine(error), command);
  }
}

/** The first line of an error's message, without parseArgs' advice about `--`. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '');
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)?$/;

/**
 * A duration: `500ms`, `2.5s`, `1m`, or a bare number of seconds (as curl's `--connect-timeout`).
 *
 * @param option - The option's name, for the error line.
 * @param value - What the user wrote.
 * @returns Milliseconds, more than 0.
 * @throws {UsageError} When it is not a positive duration.
 */
export function parseDuration(option: string, value: string): number {
  const match = DURATION.exec(value.trim());
  const unit = match?.[2] ?? 's';
  const ms =
    match === null ? NaN : Number(match[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000);
  if (!(ms >= 1) || !Number.isFinite(ms)) {
    throw new UsageError(
      `--${option}: expected a duration such as 500ms, 5s or 1m, got '${value}'`,
    );
  }
  return Math.round(ms);
}

const SIZE = /^(\d+)(k|kib|m|mib)?$/i;

/**
 * A size in bytes: `65536`, `64k` (KiB) or `16m` (MiB).
 *
 * @param option - The option's name, for the error line.
 * @param value - What the user wrote.
 * @returns Bytes, at least 1.
 * @throws {UsageError} When it is not a positive size.
 */
export function parseSize(option: string, value: string): number {
  const match = SIZE.exec(value.trim());
  const unit = (match?.[2] ?? '').toLowerCase();
  const bytes =
    match === null
      ? NaN
      : Number(match[1]) * (unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1 << 20 : 1);
  if (!(bytes >= 1) || !Number.isSafeInteger(bytes)) {
    throw new UsageError(`--${option}: expected a size such as 65536, 64k or 16m, got '${value}'`);
  }
  return bytes;
}

/**
 * A whole number within bounds, such as a port.
 *
 * @param option - The option's name, for the error line.
 * @param value - What the user wrote.
 * @param min - The least value allowed.
 * @param max - The greatest value allowed.
 * @returns The number.
 * @throws {UsageError} When it is not a whole number in [min, max].
 */
export function parseInteger(option: string, value: string, min: number, max: number): number {
  const number = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(number >= min && number <= max)) {
    throw new UsageError(
      `--${option}: expected a whole number from ${min} to ${max}, got '${value}'`,
    );
  }
  return number;
}

/**
 * A header given as `Name: value` (curl's and wscat's `-H`).
 *
 * @param value - What the user wrote.
 * @returns The name and the value, trimmed.
 * @throws {UsageError} When there is no colon or no name.
 */
export function parseHeader(value: string): [name: string, value: string] {
  const colon = value.indexOf(':');
  const name = colon === -1 ? '' : value.slice(0, colon).trim();
  if (name === '' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new UsageError(`-H: expected 'Name: value', got '${value}'`);
  }
  return [name, value.slice(colon + 1).trim()];
}

/** The values of a repeatable string option, [] when absent. */
export function stringsOf(value: ParsedCommandLine['values'][string]): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

/** The value of a single string option, undefined when absent. */
export function stringOf(value: ParsedCommandLine['values'][string]): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The keep-alive that `--ping-interval` and `--ping-timeout` ask for, as both commands read them:
 * an object to spread into the client's or the server's options (empty without the options).
 *
 * @param values - The parsed options.
 * @param command - The command, for the error line.
 * @returns `{ keepAlive }`, or `{}`.
 * @throws {UsageError} For `--ping-timeout` without `--ping-interval`, or a bad duration.
 */
export function keepAliveOf(
  values: ParsedCommandLine['values'],
  command: string,
): { keepAlive?: { maxIdleMs: number; pongTimeoutMs?: number } } {
  const interval = stringOf(values['ping-interval']);
  const timeout = stringOf(values['ping-timeout']);
  if (timeout !== undefined && interval === undefined) {
    throw new UsageError('--ping-timeout needs --ping-interval', command);
  }
  if (interval === undefined) return {};
  const maxIdleMs = parseDuration('ping-interval', interval);
  return {
    keepAlive:
      timeout === undefined
        ? { maxIdleMs }
        : { maxIdleMs, pongTimeoutMs: parseDuration('ping-timeout', timeout) },
  };
}
