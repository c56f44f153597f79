// docs/cli.md and the README's command-line block stay true: every `wsflow` command they show (and
// every example of the --help texts) is read by the command's own parser, as the bin reads it,
// with the files it names at hand. docs/cli.md's counting script is the one test/cli/serve.test.ts
// runs (scriptFromDocs in test/cli/support.ts).

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseConnectArguments } from '../../src/cli/connect/connect-options.js';
import { CONNECT_HELP, MAIN_HELP, SERVE_HELP } from '../../src/cli/help.js';
import { commandWords } from '../../src/cli/serve/command-words.js';
import { parseServeArguments } from '../../src/cli/serve/serve-options.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The `wsflow ...` commands in the ```sh blocks of a page, comments and pipes taken off. */
function commandsIn(page: string): string[] {
  const text = readFileSync(join(ROOT, page), 'utf8');
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
  return blocks.flatMap((block) => block.split('\n')).flatMap(commandOf);
}

/** The `wsflow` command of a shell line, if it has one: `a | npx wsflow x &  # c` gives `wsflow x`. */
function commandOf(line: string): string[] {
  const code = line
    .replace(/\s+#.*$/, '')
    .replace(/\s*&$/, '')
    .replace(/\s+[<>]\s*\S+/g, ''); // redirections
  const at = code.search(/(^|\s)wsflow\s/);
  if (at === -1 || code.trimStart().startsWith('#')) return [];
  return [code.slice(at).trim()];
}

/** The example lines of a --help text. */
function examplesIn(help: string): string[] {
  return help
    .slice(help.indexOf('Examples:'))
    .split('\n')
    .flatMap((line) => commandOf(line.replace(/^.*?\|\s*/, '')));
}

/** Reads a command as the bin would; throws its UsageError when it would not run. */
function parse(command: string): void {
  const [bin, name, ...args] = commandWords(command);
  assert.equal(bin, 'wsflow', command);
  if (name === 'connect') return void parseConnectArguments(args);
  if (name === 'serve') return void parseServeArguments(args);
  assert.ok(['--help', '--version', undefined].includes(name), `unknown command in: ${command}`);
}

describe('docs/cli.md and the README', () => {
  let dir = '';
  let cwd = '';
  before(() => {
    // The files the examples name, so --static, --tls-cert and --ca find them.
    cwd = process.cwd();
    dir = mkdtempSync(join(tmpdir(), 'wsflow-docs-cli-'));
    mkdirSync(join(dir, 'public'));
    for (const file of ['cert.pem', 'key.pem', 'count.sh']) writeFileSync(join(dir, file), '');
    process.chdir(dir);
  });
  after(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('every command shown on the pages runs as written', () => {
    const commands = [...commandsIn('docs/cli.md'), ...commandsIn('README.md')];
    assert.ok(commands.length >= 8, commands.join('\n'));
    for (const command of commands) assert.doesNotThrow(() => parse(command), command);
  });

  it('every example of the --help texts runs as written', () => {
    const examples = [MAIN_HELP, CONNECT_HELP, SERVE_HELP].flatMap(examplesIn);
    assert.ok(examples.length >= 10, examples.join('\n'));
    for (const command of examples) assert.doesNotThrow(() => parse(command), command);
  });

  it('a command the parser refuses is caught (the check can fail)', () => {
    assert.throws(() => parse('wsflow connect --no-such-option ws://127.0.0.1'));
    assert.deepEqual(commandOf('printf "a\\n" | npx wsflow connect ws://h:1   # comment'), [
      'wsflow connect ws://h:1',
    ]);
  });
});
