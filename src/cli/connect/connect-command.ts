// Command line, `wsflow connect URL`: a client on the library's listener API
// (openWebSocketWithListener). Interactive on a terminal, one message a line in a pipe, JSON
// events with --json; with --reconnect, it tries again with jittered exponential backoff.

import type { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  HandshakeError,
  ProtocolState,
  isOkCloseCode,
  openWebSocketWithListener,
} from '../../index.js';
import type { CloseOutcome, Connection, ValidUpgrade } from '../../index.js';
import { paletteFor } from '../colors.js';
import type { ExitCode } from '../exit-codes.js';
import { describeConnectError, exitCodeOf, worthRetrying } from './attempt-end.js';
import type { AttemptEnd } from './attempt-end.js';
import type { ConnectSettings } from './connect-options.js';
import { messageOfLine } from './input-line.js';
import { pipeInput, terminalInput } from './line-input.js';
import type { LineInput } from './line-input.js';
import type { LineQueue } from './line-queue.js';
import { JsonReporter, PipeReporter, TerminalReporter } from './reporter.js';
import type { Reporter } from './reporter.js';

/** The process's streams and environment, given so tests and the bin share one path. */
export interface CommandIo {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  /** Resolves on SIGINT or SIGTERM: the input ends, waiting lines are dropped, and it closes. */
  readonly stop?: Promise<unknown>;
}

/** How long a message may take to arrive whole before the connection is failed. */
const MESSAGE_TIMEOUT_MS = 60_000;
/** The first wait of --reconnect, doubled each attempt up to the cap. */
const RECONNECT_BASE_MS = 250;
const RECONNECT_CAP_MS = 10_000;

/**
 * Runs `wsflow connect` until the connection (or the last one, with --reconnect) is over.
 *
 * @param settings - What the command line asked for.
 * @param io - Where to read and write.
 * @returns The exit code.
 */
export async function runConnect(settings: ConnectSettings, io: CommandIo): Promise<ExitCode> {
  // Interactive only when a person is at both ends: `wsflow connect URL > file` stays a pipe.
  const interactive = io.stdin.isTTY === true && io.stdout.isTTY === true && !settings.json;
  const shown = { stdout: io.stdout, stderr: io.stderr, ...settings };
  let input: LineInput;
  let reporter: Reporter;
  if (interactive) {
    const terminal = terminalInput(io.stdin, io.stdout);
    input = terminal;
    reporter = new TerminalReporter(shown, terminal.prompt, paletteFor(io.stdout, io.env));
  } else {
    input = pipeInput(io.stdin);
    reporter = settings.json ? new JsonReporter(shown) : new PipeReporter(shown);
  }
  void io.stop?.then(() => input.queue.abort());
  try {
    for (let attempt = 1; ; attempt++) {
      const end = await connectOnce(settings, reporter, input.queue);
      if (end.kind === 'closed') attempt = 0; // it connected: the backoff starts over
      if (!settings.reconnect || !worthRetrying(end) || input.queue.ended) return exitCodeOf(end);
      const delay = backoffDelay(Math.max(attempt, 1));
      reporter.reconnecting(Math.max(attempt, 1), delay);
      await sleep(delay);
      if (input.queue.ended) return exitCodeOf(end);
    }
  } finally {
    input.close();
  }
}

/** Full jitter between half and all of base × 2^(attempt-1), capped. */
function backoffDelay(attempt: number): number {
  const ceiling = Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** One connection: open it, send the input's lines, report what comes, until it closes. */
async function connectOnce(
  settings: ConnectSettings,
  reporter: Reporter,
  queue: LineQueue,
): Promise<AttemptEnd> {
  const url = settings.request.url.toString();
  let failure: unknown;
  let ended!: (outcome: CloseOutcome) => void;
  const closed = new Promise<CloseOutcome>((resolve) => (ended = resolve));
  let connection: Connection;
  try {
    connection = await openWebSocketWithListener(
      settings.request,
      {
        onOpen: (_connection, response: ValidUpgrade) => reporter.opened(url, response),
        onMessage: async (message) => reporter.message(await message.toStrict(MESSAGE_TIMEOUT_MS)),
        onPing: (payload) => reporter.control('ping', payload),
        onPong: (payload) => reporter.control('pong', payload),
        onClose: ended,
        onError: (error) => void (failure = error),
      },
      settings.options,
    );
  } catch (error) {
    if (error instanceof HandshakeError && error.status !== undefined) reporter.rejected(error);
    else reporter.failed(describeConnectError(error, url));
    return { kind: 'not-connected', error };
  }
  const inputEnded = await sendLines(connection, queue, settings, reporter, closed);
  const outcome = await closed;
  if (failure !== undefined) reporter.failed(describeFailure(failure));
  reporter.closed(outcome, inputEnded && failure === undefined && isOkCloseCode(outcome.code));
  return { kind: 'closed', outcome, failure, inputEnded };
}

/** The longest wait for the pong of {@link readPastWhatWasSent}. */
const PONG_WAIT_MS = 2000;

/**
 * Waits until the peer has read everything sent, by a Ping's Pong (it comes after what was sent
 * before the Ping), or at most {@link PONG_WAIT_MS}. RFC 6455 lets a peer stop sending once it
 * has a Close, so a server that gets the last lines and the Close in one read may never answer
 * them (python-websockets answers the Close at once; a wsflow server answers the lines first);
 * after the Pong, the lines were read and answered first.
 */
async function readPastWhatWasSent(connection: Connection, closed: Promise<unknown>) {
  let timer: NodeJS.Timeout | undefined;
  let stopListening: (() => void) | undefined;
  const ponged = new Promise<void>((resolve) => {
    stopListening = connection.onPong(() => resolve());
    timer = setTimeout(resolve, PONG_WAIT_MS);
  });
  try {
    connection.ping();
    await Promise.race([ponged, closed, connection.closed]);
  } catch {
    // Closed meanwhile: the close is reported as it is.
  } finally {
    clearTimeout(timer);
    stopListening?.();
  }
}

/**
 * Sends each line as a message, waiting for each send (backpressure), until the input ends (then
 * closes with 1000 and returns true) or the connection closes (returns false).
 */
async function sendLines(
  connection: Connection,
  queue: LineQueue,
  settings: ConnectSettings,
  reporter: Reporter,
  closed: Promise<unknown>,
): Promise<boolean> {
  for (;;) {
    await Promise.race([queue.ready(), closed, connection.closed]);
    if (connection.state !== ProtocolState.Open) return false;
    if (queue.ended) {
      await readPastWhatWasSent(connection, closed);
      await connection.close(1000);
      return true;
    }
    const line = queue.take() ?? '';
    let message: string | Uint8Array;
    try {
      message = messageOfLine(line, settings.input);
    } catch (error) {
      reporter.failed(`not sent: ${(error as Error).message}`);
      continue;
    }
    try {
      await connection.send(message);
    } catch {
      return false; // the connection closed meanwhile; its close is reported
    }
  }
}

/** One line for what failed a connection: the protocol or socket error, not the wrapper. */
function describeFailure(error: unknown): string {
  let at = error;
  while (at instanceof Error && at.cause instanceof Error) at = at.cause;
  return at instanceof Error
    ? `connection failed: ${at.message}`
    : `connection failed: ${String(at)}`;
}
