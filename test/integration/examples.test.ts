// Every example server, run as `npm run example <name>` would run it (its compiled file, on a free
// port), and exercised once with ws as the client. Each is stopped with SIGTERM and must exit 0.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { needs, redisServerMissing } from '../../interop/helpers/peers.js';
import { RedisServer } from '../helpers/redis-server.js';
import { expectRefused, openClient, rawExchange } from '../server/support.js';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');

/** A running example and the URL it announced. */
interface RunningExample {
  child: ChildProcess;
  url: string;
  port: number;
  /** Everything it printed so far. */
  output(): string;
}

/** Starts build/examples/<name>.js on PORT=0 and waits for its "listening on" line. */
async function start(name: string): Promise<RunningExample> {
  const child = spawn(process.execPath, [join(examples, `${name}.js`)], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TICK_MS: '20' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (ws:\/\/\S+)/.exec(output);
      if (match !== null) resolve(match[1]);
    });
    child.once('exit', (code) =>
      reject(new Error(`${name} exited (${code}) before listening:\n${output}`)),
    );
  });
  return { child, url, port: Number(new URL(url).port), output: () => output };
}

/** Stops an example with SIGTERM and checks that it exits cleanly. */
async function stop(example: RunningExample): Promise<void> {
  if (example.child.exitCode !== null) return;
  const exited = once(example.child, 'exit');
  example.child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  assert.equal(code, 0, `exit code, output:\n${example.output()}`);
}

/** Runs `test` against a started example, stopping it after. */
async function withExample(
  name: string,
  test: (example: RunningExample) => Promise<void>,
): Promise<void> {
  const example = await start(name);
  try {
    await test(example);
  } finally {
    await stop(example);
  }
}

/** Starts a stopwatch example, reads 0 and 1, resets it and reads on to its 0. */
async function startThenReset(client: Awaited<ReturnType<typeof openClient>>): Promise<void> {
  client.ws.send('start');
  assert.equal((await client.next()).data.toString(), '0');
  assert.equal((await client.next()).data.toString(), '1');
  client.ws.send('reset');
  // Counts already on their way may arrive; after the reset, 0 comes again.
  for (let count = (await client.next()).data.toString(); count !== '0';) {
    count = (await client.next()).data.toString();
  }
}

describe('examples', () => {
  it('echo: text as text, binary as binary, and a page on GET /', async () => {
    await withExample('echo', async ({ url, port }) => {
      const client = await openClient(url);
      client.ws.send('hello');
      assert.deepEqual(await client.next(), { data: Buffer.from('hello'), isBinary: false });
      client.ws.send(Buffer.from([0, 255]));
      assert.deepEqual(await client.next(), { data: Buffer.from([0, 255]), isBinary: true });
      client.ws.close();
      await client.closed;
      const page = await rawExchange(
        port,
        'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
      assert.equal(page.status, 200);
      assert.match(page.headers['content-type'], /text\/html/);
      assert.match(page.body, /new WebSocket\(/);
      assert.doesNotMatch(page.body, /<script src=|<link /, 'no external assets');
    });
  });

  it('greeter: "Hello <name>!" for strict and streamed names', async () => {
    await withExample('greeter', async ({ url }) => {
      const client = await openClient(url);
      client.ws.send('Peter');
      assert.equal((await client.next()).data.toString(), 'Hello Peter!');
      client.ws.send(Buffer.from('binary is ignored'));
      client.ws.send('Jo', { fin: false });
      client.ws.send('hn', { fin: true });
      assert.equal((await client.next()).data.toString(), 'Hello John!');
      client.ws.close();
      await client.closed;
    });
  });

  it('binary-echo: binary comes back, text closes with 1003', async () => {
    await withExample('binary-echo', async ({ url }) => {
      const client = await openClient(url);
      client.ws.send(Buffer.from([1, 2, 3]));
      assert.deepEqual(await client.next(), { data: Buffer.from([1, 2, 3]), isBinary: true });
      client.ws.send('text');
      assert.deepEqual(await client.closed, { code: 1003, reason: 'binary messages only' });
    });
  });

  it('json-echo: JSON comes back serialized, text that is not JSON closes with 1007', async () => {
    await withExample('json-echo', async ({ url }) => {
      const client = await openClient(url);
      client.ws.send('{ "a": [1, "b", null] }');
      assert.deepEqual(await client.next(), {
        data: Buffer.from('{"a":[1,"b",null]}'),
        isBinary: false,
      });
      client.ws.send('not json');
      const { code, reason } = await client.closed;
      assert.equal(code, 1007);
      assert.match(reason, /^invalid JSON: /);
    });
  });

  it('model-echo: a typed model in, another out; an invalid one closes with 1007', async () => {
    await withExample('model-echo', async ({ url }) => {
      const client = await openClient(url);
      client.ws.send('{"foo":"hello"}');
      assert.equal((await client.next()).data.toString(), '{"bar":"hello"}');
      client.ws.send('{"foo":42}');
      const { code, reason } = await client.closed;
      assert.equal(code, 1007);
      assert.match(reason, /^invalid message at foo: /);
    });
  });

  it('ticker: ticks whatever the client sends', async () => {
    await withExample('ticker', async ({ url }) => {
      const client = await openClient(url);
      client.ws.send('hello ticker');
      assert.equal((await client.next()).data.toString(), 'tick');
      assert.equal((await client.next()).data.toString(), 'tick');
      client.ws.close();
      await client.closed;
    });
  });

  it('stopwatch: counts while started, keeps the count when stopped, restarts after reset', async () => {
    await withExample('stopwatch', async ({ url }) => {
      const client = await openClient(url);
      await startThenReset(client);
      client.ws.send('stop');
      client.ws.close(1000);
      assert.equal((await client.closed).code, 1000);
    });
  });

  it('actor-stopwatch: counts while started, restarts after reset', async () => {
    await withExample('actor-stopwatch', async ({ url }) => {
      const client = await openClient(url);
      await startThenReset(client);
      client.ws.close(1000);
      assert.equal((await client.closed).code, 1000);
    });
  });

  it('actor-chat: what one member says, every member of the room hears', async () => {
    await withExample('actor-chat', async ({ url }) => {
      const ada = await openClient(new URL('/chat/lobby?name=ada', url).href);
      assert.equal((await ada.next()).data.toString(), 'ada joined lobby');
      const bob = await openClient(new URL('/chat/lobby?name=bob', url).href);
      assert.equal((await ada.next()).data.toString(), 'bob joined lobby');
      assert.equal((await bob.next()).data.toString(), 'bob joined lobby');
      bob.ws.send('hi all');
      assert.equal((await ada.next()).data.toString(), 'bob: hi all');
      assert.equal((await bob.next()).data.toString(), 'bob: hi all');
      bob.ws.close(1000);
      await bob.closed;
      assert.equal((await ada.next()).data.toString(), 'bob left');
      ada.ws.close(1000);
      await ada.closed;
    });
  });

  it('close-with-code: "bye" closes with 4000 goodbye', async () => {
    await withExample('close-with-code', async ({ url }) => {
      const client = await openClient(url);
      client.ws.send('still here?');
      assert.equal((await client.next()).data.toString(), 'still here?');
      client.ws.send('bye');
      assert.deepEqual(await client.closed, { code: 4000, reason: 'goodbye' });
    });
  });

  it('hello-echo: "Hello " before each text message, strict or streamed', async () => {
    await withExample('hello-echo', async ({ url }) => {
      const client = await openClient(url);
      client.ws.send('world');
      assert.equal((await client.next()).data.toString(), 'Hello world');
      client.ws.send('wo', { fin: false });
      client.ws.send('rld', { fin: true });
      assert.equal((await client.next()).data.toString(), 'Hello world');
      client.ws.close();
      await client.closed;
    });
  });

  it('rejection: 404 for an unknown room, 403 without a session, else the room', async () => {
    await withExample('rejection', async ({ url }) => {
      const client = await openClient(`${url}/rooms/lobby`, [], {
        headers: { Cookie: 'session=ada' },
      });
      client.ws.send('hi');
      assert.equal((await client.next()).data.toString(), 'Ada in lobby: hi');
      client.ws.close();
      await client.closed;
      const unknown = await expectRefused(`${url}/rooms/attic`);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body, 'No room named attic\n');
      assert.equal((await expectRefused(`${url}/rooms/lobby`)).status, 403);
    });
  });

  it('routed: a room behind Basic authentication, typed user and room; an open echo', async () => {
    await withExample('routed', async ({ url, output }) => {
      const withUser = url.replace('ws://', 'ws://ada:lovelace@');
      const client = await openClient(`${withUser}/chat/lobby`);
      client.ws.send('hi');
      assert.equal((await client.next()).data.toString(), 'ada@lobby: hi');
      client.ws.close();
      await client.closed;
      const refused = await expectRefused(`${url}/chat/lobby`);
      assert.equal(refused.status, 401);
      assert.equal(refused.headers['www-authenticate'], 'Basic realm="chat", charset="UTF-8"');
      const wrong = url.replace('ws://', 'ws://ada:babbage@');
      assert.equal((await expectRefused(`${wrong}/chat/lobby`)).status, 401);
      const echoing = await openClient(`${url}/echo`);
      echoing.ws.send('echo?');
      assert.equal((await echoing.next()).data.toString(), 'echo?');
      echoing.ws.close();
      await echoing.closed;
      assert.match(output(), /try \/chat\/lobby as ada:lovelace/);
    });
  });

  it('hub-chat: two members of a room hear each other; a bad message closes with 1007', async () => {
    await withExample('hub-chat', async ({ url }) => {
      const ada = await openClient(`${url}/chat/lobby?name=ada`);
      const bob = await openClient(`${url}/chat/lobby?name=bob`);
      assert.equal((await ada.next()).data.toString(), '{"room":"lobby","joined":"bob"}');
      bob.ws.send('{"text":"hi"}');
      const line = '{"room":"lobby","from":"bob","text":"hi"}';
      assert.equal((await ada.next()).data.toString(), line);
      assert.equal((await bob.next()).data.toString(), line);
      ada.ws.send('{"txt":"typo"}');
      assert.equal((await ada.closed).code, 1007);
      bob.ws.close();
      await bob.closed;
    });
  });

  it(
    'hub-chat-redis: members on two nodes hear each other through Redis',
    needs(redisServerMissing()),
    async () => {
      const redis = await RedisServer.start();
      process.env.REDIS_URL = redis.url;
      try {
        await withExample('hub-chat-redis', async (first) => {
          await withExample('hub-chat-redis', async (second) => {
            const ada = await openClient(`${first.url}/chat/lobby?name=ada`);
            const bob = await openClient(`${second.url}/chat/lobby?name=bob`);
            const heard: string[] = [];
            ada.ws.on('message', (data: Buffer) => heard.push(data.toString()));
            const line = '{"room":"lobby","from":"bob","text":"hi"}';
            // What bob says before ada's node follows the room is not hers: he says it again.
            for (let i = 0; i < 250 && !heard.includes(line); i++) {
              bob.ws.send('{"text":"hi"}');
              await new Promise((resolve) => setTimeout(resolve, 20));
            }
            assert.ok(heard.includes(line), `ada heard: ${heard.join(' ')}`);
            ada.ws.close();
            bob.ws.close();
            await Promise.all([ada.closed, bob.closed]);
          });
        });
      } finally {
        await redis.stop();
      }
    },
  );

  it('reverse-routing: the page names its socket in a meta tag, built by the router', async () => {
    await withExample('reverse-routing', async ({ port }) => {
      const get = (path: string) =>
        rawExchange(
          port,
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
        );
      const page = await get('/');
      assert.equal(page.status, 200);
      assert.match(page.headers['content-type'], /text\/html/);
      const meta = /<meta name="webSocketUrl" content="([^"]+)">/.exec(page.body);
      assert.equal(meta?.[1], `ws://127.0.0.1:${port}/rooms/lobby/socket`);
      assert.match(page.body, /new WebSocket\(webSocketUrl\)/);
      const kitchen = await get('/rooms/kitchen');
      assert.match(
        kitchen.body,
        new RegExp(`content="ws://127.0.0.1:${port}/rooms/kitchen/socket"`),
      );
      assert.equal((await get('/nowhere')).status, 404);
      const client = await openClient(meta![1]);
      client.ws.send('hi');
      assert.equal((await client.next()).data.toString(), 'lobby: hi');
      client.ws.close();
      await client.closed;
    });
  });

  it('a stopped example closes its clients with 1001', async () => {
    const example = await start('echo');
    const client = await openClient(example.url);
    await stop(example);
    assert.equal((await client.closed).code, 1001);
  });
});
