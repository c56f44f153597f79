// Command line, `wsflow connect`: what happens on a connection, told three ways: lines for a
// pipe, JSON objects for scripts, and a prompt-aware display for a person at a terminal.

import type { Writable } from 'node:stream';
import type { CloseOutcome, HandshakeError, StrictMessage, ValidUpgrade } from '../../index.js';
import { describeClose } from '../close-text.js';
import type { Palette } from '../colors.js';
import type { BinaryOutput } from './connect-options.js';
import {
  closeEvent,
  describeRejection,
  escapeControl,
  messageEvent,
  openEvent,
  pipeLine,
  terminalLine,
  toHex,
} from './format.js';

/** The events of `wsflow connect`, as each output mode writes them. */
export interface Reporter {
  opened(url: string, response: ValidUpgrade): void;
  message(message: StrictMessage): void;
  control(kind: 'ping' | 'pong', payload: Uint8Array): void;
  closed(outcome: CloseOutcome, expected: boolean): void;
  /** The server answered the upgrade with another status: it and the body are printed. */
  rejected(error: HandshakeError): void;
  /** A failure in one line (no connection, a bad input line, a protocol error). */
  failed(line: string): void;
  reconnecting(attempt: number, delayMs: number): void;
}

/** Where a reporter writes, and what it was asked to show. */
export interface ReporterSettings {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly binaryOutput: BinaryOutput;
  readonly showControl: boolean;
}

/** Pipe mode: messages to stdout, one a line; everything else to stderr. */
export class PipeReporter implements Reporter {
  readonly #settings: ReporterSettings;

  constructor(settings: ReporterSettings) {
    this.#settings = settings;
  }

  opened(): void {}

  message(message: StrictMessage): void {
    this.#settings.stdout.write(pipeLine(message, this.#settings.binaryOutput));
  }

  control(kind: 'ping' | 'pong', payload: Uint8Array): void {
    if (this.#settings.showControl) this.#info(`${kind} ${toHex(payload)}`.trimEnd());
  }

  closed(outcome: CloseOutcome, expected: boolean): void {
    if (this.#settings.showControl) this.#info(`close ${describeClose(outcome)}`);
    else if (!expected) this.#info(`wsflow: connection closed: ${describeClose(outcome)}`);
  }

  rejected(error: HandshakeError): void {
    this.#info(`wsflow: ${describeRejection(error)}`);
    if (error.body !== '')
      this.#settings.stderr.write(error.body.endsWith('\n') ? error.body : `${error.body}\n`);
  }

  failed(line: string): void {
    this.#info(`wsflow: ${line}`);
  }

  reconnecting(attempt: number, delayMs: number): void {
    this.#info(`wsflow: reconnecting in ${delayMs} ms (attempt ${attempt})`);
  }

  #info(line: string): void {
    this.#settings.stderr.write(`${line}\n`);
  }
}

/** `--json`: every event as one JSON object a line on stdout. */
export class JsonReporter implements Reporter {
  readonly #settings: ReporterSettings;

  constructor(settings: ReporterSettings) {
    this.#settings = settings;
  }

  opened(url: string, response: ValidUpgrade): void {
    this.#emit(openEvent(url, response));
  }

  message(message: StrictMessage): void {
    this.#emit(messageEvent(message, this.#settings.binaryOutput));
  }

  control(kind: 'ping' | 'pong', payload: Uint8Array): void {
    if (this.#settings.showControl) this.#emit({ event: kind, hex: toHex(payload) });
  }

  closed(outcome: CloseOutcome): void {
    this.#emit(closeEvent(outcome));
  }

  rejected(error: HandshakeError): void {
    this.#emit({ event: 'rejected', status: error.status, body: error.body });
  }

  failed(line: string): void {
    this.#emit({ event: 'error', message: line });
  }

  reconnecting(attempt: number, delayMs: number): void {
    this.#emit({ event: 'reconnecting', attempt, delayMs });
  }

  #emit(event: object): void {
    this.#settings.stdout.write(`${JSON.stringify(event)}\n`);
  }
}

/** Prints a line above the prompt without losing what is being typed (node:readline). */
export interface PromptLine {
  print(line: string): void;
}

/** Interactive mode: `< ` before what comes in, notices in colour, all above the prompt. */
export class TerminalReporter implements Reporter {
  readonly #settings: ReporterSettings;
  readonly #prompt: PromptLine;
  readonly #palette: Palette;

  constructor(settings: ReporterSettings, prompt: PromptLine, palette: Palette) {
    this.#settings = settings;
    this.#prompt = prompt;
    this.#palette = palette;
  }

  opened(url: string, response: ValidUpgrade): void {
    const subprotocol = response.chosenSubprotocol;
    const extra = subprotocol === undefined ? '' : ` (subprotocol ${subprotocol})`;
    this.#prompt.print(this.#palette.notice(`connected to ${url}${extra}; Ctrl-D closes`));
  }

  message(message: StrictMessage): void {
    this.#prompt.print(
      this.#palette.incoming(`< ${terminalLine(message, this.#settings.binaryOutput)}`),
    );
  }

  control(kind: 'ping' | 'pong', payload: Uint8Array): void {
    if (this.#settings.showControl)
      this.#prompt.print(this.#palette.control(`< ${kind} ${toHex(payload)}`.trimEnd()));
  }

  closed(outcome: CloseOutcome): void {
    this.#prompt.print(this.#palette.notice(`closed ${escapeControl(describeClose(outcome))}`));
  }

  rejected(error: HandshakeError): void {
    this.#prompt.print(this.#palette.error(escapeControl(describeRejection(error))));
    if (error.body !== '') this.#prompt.print(escapeControl(error.body.trimEnd()));
  }

  failed(line: string): void {
    this.#prompt.print(this.#palette.error(escapeControl(line)));
  }

  reconnecting(attempt: number, delayMs: number): void {
    this.#prompt.print(this.#palette.notice(`reconnecting in ${delayMs} ms (attempt ${attempt})`));
  }
}
