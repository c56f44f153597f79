#!/usr/bin/env node
// Command line: the `wsflow` bin. `wsflow connect URL` and `wsflow serve`, built on the library's
// public API (the listener client, attachWebSocket, the Hub), as an example of using it.

import { ExitCode } from './exit-codes.js';
import { runCommand } from './run-command.js';

// The first SIGINT or SIGTERM asks the command to finish (close its connections); a second one
// ends the process at once, as a shell user expects of a second Ctrl-C.
const stop = new Promise<NodeJS.Signals>((resolve) => {
  const onSignal = (signal: NodeJS.Signals): void => {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    process.once('SIGINT', () => process.exit(130)).once('SIGTERM', () => process.exit(143));
    resolve(signal);
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
});
// A reader that went away (`| head -1`) ends the output, not the process with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(ExitCode.Ok);
});

const code = await runCommand(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stop,
});
process.exit(code);
