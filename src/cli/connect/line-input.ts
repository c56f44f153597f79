// Command line, `wsflow connect`: reading the lines to send, from a pipe or from a person at a
// terminal (node:readline, with a prompt that incoming messages print above).

import { clearLine, createInterface, cursorTo } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { LineQueue } from './line-queue.js';
import type { PromptLine } from './reporter.js';

/** Lines read from stdin, and how to stop reading them. */
export interface LineInput {
  readonly queue: LineQueue;
  /** Stops reading (the process can then exit). */
  close(): void;
}

/**
 * Pipe mode: each line of stdin is a message; the end of stdin ends the input.
 *
 * @param stdin - Where lines come from.
 * @returns The input.
 */
export function pipeInput(stdin: Readable): LineInput {
  const lines = createInterface({ input: stdin, terminal: false, crlfDelay: Infinity });
  const queue = new LineQueue(lines);
  lines.on('line', (line) => queue.push(line));
  lines.on('close', () => queue.end());
  return {
    queue,
    close: () => {
      lines.close();
      stdin.destroy();
    },
  };
}

/**
 * Interactive mode: a `> ` prompt; Ctrl-D or Ctrl-C ends the input; `print` writes a line above
 * the prompt and redraws what was being typed.
 *
 * @param stdin - The terminal's input.
 * @param stdout - The terminal's output.
 * @returns The input, and the printer for what comes in.
 */
export function terminalInput(
  stdin: Readable,
  stdout: Writable,
): LineInput & { prompt: PromptLine } {
  const lines = createInterface({ input: stdin, output: stdout, prompt: '> ', terminal: true });
  const queue = new LineQueue(lines);
  let open = true;
  lines.on('line', (line) => {
    queue.push(line);
    if (open) lines.prompt();
  });
  lines.on('SIGINT', () => lines.close());
  lines.on('close', () => {
    if (open) stdout.write('\n');
    open = false;
    queue.end();
  });
  lines.prompt();
  const prompt: PromptLine = {
    print(line) {
      if (!open) return void stdout.write(`${line}\n`);
      clearLine(stdout, 0);
      cursorTo(stdout, 0);
      stdout.write(`${line}\n`);
      lines.prompt(true);
    },
  };
  return {
    queue,
    prompt,
    close: () => {
      if (open) {
        clearLine(stdout, 0); // the prompt goes with the session
        cursorTo(stdout, 0);
      }
      open = false;
      lines.close();
      stdin.destroy();
    },
  };
}
