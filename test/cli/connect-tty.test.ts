// `wsflow connect` on a terminal, through a pseudo-terminal made by util-linux's `script`: the
// prompt, messages printed above the line being typed, colours (and none with NO_COLOR), Ctrl-D.

/* eslint-disable no-control-regex -- the output of a terminal is made of escape sequences */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { openWebSocket } from '../../src/index.js';
import { CLI, startServer } from './support.js';
import type { RunningServer } from './support.js';

const SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' });
const NO_PTY =
  SCRIPT.status === 0 && SCRIPT.stdout.includes('util-linux')
    ? false
    : "no pseudo-terminal: util-linux's `script` is missing";

/** `wsflow args...` on a pseudo-terminal: what it printed so far, typing, and its end. */
function onTerminal(args: readonly string[], env: NodeJS.ProcessEnv) {
  const command = [process.execPath, CLI, ...args].map((word) => `'${word}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...process.env, ...env, TERM: 'xterm' },
    stdio: 'pipe',
  });
  let output = '';
  let wake: (() => void) | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    wake?.();
  });
  const exited = once(child, 'exit').then(([code]) => code as number);
  return {
    get output(): string {
      return output;
    },
    type: (keys: string) => void child.stdin.write(keys),
    /** Waits until the output, from `from` on, matches; returns where the match ends. */
    async waitFor(pattern: RegExp, from = 0): Promise<number> {
      for (;;) {
        const match = pattern.exec(output.slice(from));
        if (match !== null) return from + match.index + match[0].length;
        if (child.exitCode !== null)
          assert.fail(`ended before ${pattern}:\n${JSON.stringify(output)}`);
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    exited,
  };
}

describe('wsflow connect on a terminal', { skip: NO_PTY }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(['--broadcast', '--quiet']);
  });
  after(() => server.stop());

  it('prompts, prints what arrives above the line being typed, and closes on Ctrl-D', async () => {
    const terminal = onTerminal(['connect', server.url], { NO_COLOR: '' });
    let at = await terminal.waitFor(/connected to .*Ctrl-D closes/);
    at = await terminal.waitFor(/> /, at);
    terminal.type('par'); // not yet a line
    at = await terminal.waitFor(/par/, at);
    const other = await openWebSocket(server.url);
    await other.send('news');
    // The message in green, on its own line, then the prompt with what was typed, redrawn.
    at = await terminal.waitFor(/\x1b\[32m< news\x1b\[0m\r?\n[^\n]*> (\x1b\[\d+G)?par/, at);
    terminal.type('tial\r');
    at = await terminal.waitFor(/< partial/, at);
    assert.equal(await other.receiveText(), 'news');
    assert.equal(await other.receiveText(), 'partial');
    terminal.type('\x04'); // Ctrl-D
    await terminal.waitFor(/closed 1000/, at);
    assert.equal(await terminal.exited, 0);
    await other.close();
  });

  it('NO_COLOR: no colours; control characters from the network are escaped', async () => {
    const terminal = onTerminal(['connect', server.url], { NO_COLOR: '1' });
    const at = await terminal.waitFor(/connected to/);
    const other = await openWebSocket(server.url);
    await other.send('bell\x07 and \x1b[31mred');
    await terminal.waitFor(/< bell\\x07 and \\x1b\[31mred/, at);
    assert.doesNotMatch(terminal.output, /\x1b\[3\dm/);
    terminal.type('\x04');
    assert.equal(await terminal.exited, 0);
    await other.close();
  });
});
