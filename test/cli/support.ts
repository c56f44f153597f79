// Test support for the command line: `wsflow` run as a user runs it, as a child process with
// pipes, and read line by line. Every wait is bounded by the test runner's timeout; nothing is
// timed.

import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The compiled bin, as `npm run build:all` makes it. */
export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** Lines of a stream, taken one at a time as they come. */
export class Lines {
  readonly #lines: string[] = [];
  readonly #waiters: ((line: string | undefined) => void)[] = [];
  #ended = false;
  /** Every line seen so far, taken or not. */
  readonly all: string[] = [];

  constructor(stream: Readable) {
    const reader = createInterface({ input: stream, crlfDelay: Infinity });
    reader.on('line', (line) => {
      this.all.push(line);
      const waiter = this.#waiters.shift();
      if (waiter !== undefined) waiter(line);
      else this.#lines.push(line);
    });
    reader.on('close', () => {
      this.#ended = true;
      for (const waiter of this.#waiters.splice(0)) waiter(undefined);
    });
  }

  /** The next line, or undefined once the stream ended. */
  next(): Promise<string | undefined> {
    if (this.#lines.length > 0) return Promise.resolve(this.#lines.shift());
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** The next line that matches, skipping others; fails when the stream ends first. */
  async find(pattern: RegExp): Promise<string> {
    for (;;) {
      const line = await this.next();
      if (line === undefined)
        throw new Error(`no line matched ${pattern}; saw:\n${this.all.join('\n')}`);
      if (pattern.test(line)) return line;
    }
  }
}

/** A running `wsflow`, its output as lines, and its end. */
export interface RunningCli {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stdout: Lines;
  readonly stderr: Lines;
  /** Writes a line to its stdin. */
  send(line: string): void;
  /** Resolves with the exit code (or the signal's name) once it exited. */
  readonly exited: Promise<number | string>;
}

/**
 * Starts `wsflow args...` with piped stdio.
 *
 * @param args - The arguments.
 * @param env - Variables added to the environment.
 * @returns The running command.
 */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, NO_COLOR: '', ...env },
    stdio: 'pipe',
  });
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    child,
    stdout: new Lines(child.stdout),
    stderr: new Lines(child.stderr),
    send: (line) => void child.stdin.write(`${line}\n`),
    exited,
  };
}

/** What a finished `wsflow` wrote and how it exited. */
export interface CliResult {
  readonly code: number | string;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `wsflow args...` to its end with `input` on stdin.
 *
 * @param args - The arguments.
 * @param input - All of stdin; it is then closed.
 * @param env - Variables added to the environment.
 * @returns Its exit code and output.
 */
export async function runCli(
  args: readonly string[],
  input = '',
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, NO_COLOR: '', ...env },
    stdio: 'pipe',
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code, signal] = (await once(child, 'close')) as [number | null, string | null];
  return { code: code ?? signal ?? -1, stdout, stderr };
}

/** A `wsflow serve` started on a free port, with the URL its first line gives. */
export interface RunningServer extends RunningCli {
  readonly url: string;
  /** Sends SIGTERM and waits for the exit code. */
  stop(): Promise<number | string>;
}

/**
 * Starts `wsflow serve --port 0 args...` and waits for its "listening on" line.
 *
 * @param args - More arguments.
 * @returns The server, with its base URL.
 */
export async function startServer(args: readonly string[] = []): Promise<RunningServer> {
  const cli = startCli(['serve', '--port', '0', ...args]);
  const line = await cli.stderr.find(/listening on /);
  const url = /listening on (\S+)/.exec(line)?.[1] ?? '';
  return {
    ...cli,
    url,
    stop: () => {
      if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGTERM');
      return cli.exited;
    },
  };
}

/**
 * A shell script shown on docs/cli.md, from its first lines, so the page's example is the one the
 * tests run.
 *
 * @param firstLines - The lines it starts with, e.g. `#!/bin/sh\n# count.sh`.
 * @returns The script, as the page shows it.
 */
export function scriptFromDocs(firstLines: string): string {
  const page = fileURLToPath(new URL('../../../docs/cli.md', import.meta.url));
  const text = readFileSync(page, 'utf8');
  const start = text.indexOf(`\`\`\`sh\n${firstLines}`);
  if (start === -1) throw new Error(`docs/cli.md shows no script starting with ${firstLines}`);
  const body = text.slice(start + '```sh\n'.length);
  return body.slice(0, body.indexOf('```'));
}
