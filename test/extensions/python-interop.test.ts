// permessage-deflate against python-websockets 10.4 (Debian) on loopback: its client, with its
// default offer, without compression and with ClientPerMessageDeflateFactory variants, against
// a wsflow server; and wsflow's client against its servers (ServerPerMessageDeflateFactory).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { echo, openWebSocket, serve } from '../../src/index.js';
import type { PerMessageDeflateOptions, WebSocketServer } from '../../src/index.js';

/** The Debian interpreter that has python3-websockets (not a pyenv shim). */
const PYTHON = '/usr/bin/python3';
const PEERS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'peers');
const INSTALL = 'node scripts/setup.mjs --debian (as root: apt-get install -y python3-websockets)';

interface PythonResult {
  variant: string;
  url: string;
  extensions: string | null;
  ok: boolean;
  error: string | null;
}

/** Runs the Python client over every [url, variant] pair; resolves with its reports. */
async function runPythonClient(
  pairs: [string, string][],
  children: Set<ChildProcess>,
): Promise<PythonResult[]> {
  const child = spawn(PYTHON, [join(PEERS, 'deflate_client.py'), JSON.stringify(pairs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const results: PythonResult[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    results.push(JSON.parse(line) as PythonResult);
  }
  const [code] = (await once(child, 'close').catch(() => [null])) as [number | null];
  children.delete(child);
  if (code !== 0 || results.length !== pairs.length) {
    throw new Error(`the Python client failed (${code}); ${INSTALL}?\n${stderr}`);
  }
  return results;
}

const TEXT = 'wsflow to python and back. '.repeat(2000);
const BINARY = Buffer.from(Array.from({ length: 30_000 }, (_, i) => (i >> 6) % 7));

describe('python-websockets client → wsflow server', () => {
  const children = new Set<ChildProcess>();
  let server: WebSocketServer;
  before(async () => {
    // /: the defaults; /impose: the server's own windows and takeover settings.
    server = await serve({
      port: 0,
      handler: (upgrade) => {
        const impose = upgrade.request.url === '/impose';
        const perMessageDeflate: PerMessageDeflateOptions | true = impose
          ? {
              serverMaxWindowBits: 10,
              clientMaxWindowBits: 10,
              serverNoContextTakeover: true,
              clientNoContextTakeover: true,
            }
          : true;
        upgrade.handleMessages(echo(), { perMessageDeflate });
      },
    });
  });
  after(async () => {
    for (const child of children) child.kill();
    await server.close();
  });

  it('round-trips every variant of the offer, each answered as RFC 7692 says', async () => {
    const expected: Record<string, string | null> = {
      default: 'permessage-deflate',
      none: null,
      'client_max_window_bits=10': 'permessage-deflate; client_max_window_bits=10',
      'server_max_window_bits=11': 'permessage-deflate; server_max_window_bits=11',
      'server_max_window_bits=8': 'permessage-deflate; server_max_window_bits=8',
      server_no_context_takeover: 'permessage-deflate; server_no_context_takeover',
      client_no_context_takeover: 'permessage-deflate; client_no_context_takeover',
      all:
        'permessage-deflate; server_no_context_takeover; client_no_context_takeover; ' +
        'server_max_window_bits=9; client_max_window_bits=9',
    };
    const pairs = Object.keys(expected).map((variant): [string, string] => [server.url, variant]);
    pairs.push([`${server.url}/impose`, 'default']);
    const results = await runPythonClient(pairs, children);
    for (const result of results.slice(0, -1)) {
      assert.equal(result.error, null, result.variant);
      assert.equal(result.extensions, expected[result.variant], result.variant);
    }
    const imposed = results.at(-1) as PythonResult;
    assert.equal(imposed.error, null);
    assert.equal(
      imposed.extensions,
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; ' +
        'server_max_window_bits=10; client_max_window_bits=10',
    );
  });
});

describe('wsflow client → python-websockets server', () => {
  let child: ChildProcess;
  let ports: Record<string, number>;
  before(async () => {
    child = spawn(PYTHON, [join(PEERS, 'deflate_server.py')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const [line] = (await Promise.race([
      once(lines, 'line'),
      once(child, 'exit').then(() => {
        throw new Error(`the Python server did not start; ${INSTALL}?`);
      }),
    ])) as [string];
    ports = JSON.parse(line) as Record<string, number>;
  });
  after(() => {
    child.stdin?.end();
    child.kill();
  });

  /** Two rounds of big text, big binary and a small text; returns the agreed parameters. */
  async function roundTrip(variant: string, perMessageDeflate: PerMessageDeflateOptions = {}) {
    const socket = await openWebSocket({
      url: `ws://127.0.0.1:${ports[variant]}/`,
      perMessageDeflate: { ...perMessageDeflate, threshold: 0 },
    });
    for (let round = 0; round < 2; round++) {
      await socket.send(TEXT);
      await socket.send(BINARY);
      await socket.send('ok');
      assert.equal(await socket.receiveText(), TEXT);
      assert.deepEqual(Buffer.from(await socket.receiveBinary()), BINARY);
      assert.equal(await socket.receiveText(), 'ok');
    }
    await socket.close();
    return socket.response.perMessageDeflate?.params;
  }

  const params = (s: boolean, c: boolean, serverBits: number, clientBits: number) => ({
    serverNoContextTakeover: s,
    clientNoContextTakeover: c,
    serverMaxWindowBits: serverBits,
    clientMaxWindowBits: clientBits,
  });

  it('follows each ServerPerMessageDeflateFactory variant', async () => {
    assert.deepEqual(await roundTrip('default'), params(false, false, 12, 12));
    assert.equal(await roundTrip('none'), undefined);
    assert.deepEqual(await roundTrip('server_max_window_bits=10'), params(false, false, 10, 15));
    assert.deepEqual(await roundTrip('client_max_window_bits=9'), params(false, false, 15, 9));
    assert.deepEqual(await roundTrip('server_no_context_takeover'), params(true, false, 15, 15));
    assert.deepEqual(await roundTrip('client_no_context_takeover'), params(false, true, 15, 15));
    assert.deepEqual(await roundTrip('all'), params(true, true, 9, 9));
  });

  it('gets what its own options ask of the default server', async () => {
    assert.deepEqual(
      await roundTrip('default', { serverMaxWindowBits: 10 }),
      params(false, false, 10, 12),
    );
    assert.deepEqual(
      await roundTrip('default', { clientMaxWindowBits: 11 }),
      params(false, false, 12, 11),
    );
    assert.deepEqual(
      await roundTrip('default', { serverNoContextTakeover: true, clientNoContextTakeover: true }),
      params(true, true, 12, 12),
    );
  });
});
