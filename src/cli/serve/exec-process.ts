// Command line, `wsflow serve --exec`: a process per connection, as websocketd runs one. Its
// stdout lines become text messages and messages become its stdin lines; the process is ended
// when the socket closes, and the socket is closed when the process exits.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { ConnectionClosed, fromSinkAndSource } from '../../index.js';
import type { Connection, Message, MessageFlow } from '../../index.js';

/** How long a process has after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2000;
/** How long a message may take to arrive whole. */
const MESSAGE_TIMEOUT_MS = 60_000;

/** A running process and the flow that joins it to a connection. */
export interface ExecProcess {
  readonly flow: MessageFlow;
  /** Ends the process (stdin closed, SIGTERM, then SIGKILL): call when the socket closed. */
  end(): void;
}

/**
 * Starts `command` for one connection.
 *
 * @param command - The program.
 * @param args - Its arguments.
 * @param env - Its environment (cgiEnvironment).
 * @param onSpawnError - Told when the program cannot be run (ENOENT, EACCES).
 * @returns The process's flow, for `upgrade.handleMessages`, and how to end it.
 */
export function startExecProcess(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onSpawnError: (error: Error) => void,
): ExecProcess {
  const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      onSpawnError(error);
      resolve({ code: null, signal: null });
    });
  });
  child.stdin?.on('error', () => {}); // EPIPE when it exits first: its exit closes the socket
  return {
    flow: fromSinkAndSource(
      (message: Message) => writeLine(child, message),
      outputLines(child, exited),
    ),
    end: () => endProcess(child),
  };
}

/** Each message, whole, as a line on the process's stdin (waiting for it to drain). */
async function writeLine(child: ChildProcess, message: Message): Promise<void> {
  const strict = await message.toStrict(MESSAGE_TIMEOUT_MS);
  const stdin = child.stdin;
  if (stdin === null || !stdin.writable) return;
  const line = strict.isText
    ? Buffer.from(`${strict.text}\n`)
    : Buffer.concat([strict.data, Buffer.from('\n')]);
  if (!stdin.write(line)) await Promise.race([once(stdin, 'drain'), once(stdin, 'close')]);
}

/**
 * The process's stdout lines; after the last, the close: 1000 when it exited with 0, 1011
 * "exit status N" otherwise.
 */
async function* outputLines(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
): AsyncGenerator<string> {
  if (child.stdout !== null) yield* createInterface({ input: child.stdout, crlfDelay: Infinity });
  const { code, signal } = await exited;
  if (code === 0) return;
  const reason =
    signal !== null
      ? `killed by ${signal}`
      : code === null
        ? 'could not run'
        : `exit status ${code}`;
  throw new ConnectionClosed({ code: 1011, reason });
}

function endProcess(child: ChildProcess): void {
  child.stdin?.end();
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, KILL_GRACE_MS);
  timer.unref();
}

/** Ends the process once the connection is over. */
export function endWithConnection(process: ExecProcess, connection: Connection): void {
  void connection.closed.then(
    () => process.end(),
    () => process.end(),
  );
}
