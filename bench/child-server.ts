// Bench: the life of a benchmark server in a child process, as bench/processes.ts drives it:
// the kind from argv, the port printed once it listens, then `cpu` and `exit` on stdin.

import { createInterface } from 'node:readline';

/**
 * Starts the server of the kind named in argv and answers the parent's lines until told to exit
 * (or until its stdin closes: a parent that died).
 *
 * @param program - The program's name, for the usage line.
 * @param kinds - The kinds it serves.
 * @param start - Starts a server of a kind; resolves with its port.
 */
export function runChildServer<K extends string>(
  program: string,
  kinds: readonly K[],
  start: (kind: K) => Promise<number>,
): void {
  const kind = process.argv[2] as K;
  if (!(kinds as readonly string[]).includes(kind)) {
    console.error(`usage: ${program} ${kinds.join('|')}`);
    process.exit(2);
  }
  void start(kind).then((port) => {
    console.log(port);
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      if (line === 'exit') process.exit(0);
      if (line === 'cpu') process.stdout.write(`${JSON.stringify(process.cpuUsage())}\n`);
    });
    lines.on('close', () => process.exit(0));
  });
}
