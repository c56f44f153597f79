// Command line: choosing the command, and the one place where mistakes become one line and an
// exit code (never a stack trace).

import { runConnect } from './connect/connect-command.js';
import type { CommandIo } from './connect/connect-command.js';
import { parseConnectArguments } from './connect/connect-options.js';
import { ExitCode } from './exit-codes.js';
import { CONNECT_HELP, MAIN_HELP, SERVE_HELP } from './help.js';
import { runServe } from './serve/serve-command.js';
import { parseServeArguments } from './serve/serve-options.js';
import { UsageError } from './usage-error.js';
import { packageVersion } from './version.js';

/** The process's streams, environment, and the signal that stops `serve`. */
export interface ProcessIo extends CommandIo {
  readonly stop: Promise<unknown>;
}

/**
 * Runs `wsflow` with its arguments.
 *
 * @param args - The arguments after `wsflow`.
 * @param io - Where to read and write, and when to stop.
 * @returns The exit code (ExitCode).
 */
export async function runCommand(args: readonly string[], io: ProcessIo): Promise<ExitCode> {
  try {
    return await dispatch(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.command === undefined ? 'wsflow --help' : `wsflow ${error.command} --help`;
      io.stderr.write(`wsflow: ${error.message} (see '${help}')\n`);
      return ExitCode.Usage;
    }
    io.stderr.write(`wsflow: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.Failure;
  }
}

async function dispatch(args: readonly string[], io: ProcessIo): Promise<ExitCode> {
  const [command, ...rest] = args;
  switch (command) {
    case 'connect': {
      const settings = parseConnectArguments(rest);
      if (settings.help) return printed(io, CONNECT_HELP);
      return await runConnect(settings, io);
    }
    case 'serve': {
      const settings = parseServeArguments(rest);
      if (settings.help) return printed(io, SERVE_HELP);
      return await runServe(settings, io);
    }
    case undefined:
      io.stderr.write(MAIN_HELP);
      return ExitCode.Usage;
    case '-h':
    case '--help':
    case 'help':
      return printed(io, MAIN_HELP);
    case '-v':
    case '--version':
      return printed(io, `${packageVersion()}\n`);
    default:
      throw new UsageError(
        command.startsWith('-') ? `unknown option '${command}'` : `unknown command '${command}'`,
      );
  }
}

function printed(io: ProcessIo, text: string): ExitCode {
  io.stdout.write(text);
  return ExitCode.Ok;
}
