// Test support: Debian's redis-server, started by the test on a free port of 127.0.0.1, its files
// in a temporary folder of its own (none elsewhere), killed or restarted on that port and folder
// for the outage tests, stopped and removed after. Redis' append-only file is optional: with it,
// a restart after SIGKILL finds every write Redis acknowledged.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REDIS_SERVER } from '../../interop/helpers/peers.js';

/** Options of {@link RedisServer.start}. */
export interface RedisServerOptions {
  /**
   * Keeps an append-only file in the temporary folder, written and fsync'd before each reply
   * (`appendfsync always`). Redis' default, `everysec`, answers a write that waits behind a
   * slow fsync before it reaches the file (for up to 2 s), and a SIGKILL loses it. Default false.
   */
  appendOnly?: boolean;
  /** More arguments for redis-server (given a free port for `{busPort}`, a cluster's bus). */
  extraArgs?: readonly string[];
}

/** How long a start may take before it fails with the server's log (not a timed assertion). */
const START_LIMIT_MS = 20_000;

/** A redis-server child process on 127.0.0.1, for one test or suite. */
export class RedisServer {
  readonly port: number;
  /** A second free port, for a cluster node's bus. */
  readonly busPort: number;
  readonly dir: string;
  readonly #options: RedisServerOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #log = '';

  private constructor(port: number, busPort: number, dir: string, options: RedisServerOptions) {
    this.port = port;
    this.busPort = busPort;
    this.dir = dir;
    this.#options = options;
  }

  /** Starts a server on a free port, in a new temporary folder; waits until it accepts clients. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const dir = mkdtempSync(join(tmpdir(), 'wsflow-redis-'));
    for (let attempt = 1; ; attempt++) {
      const server = new RedisServer(await freePort(), await freePort(), dir, options);
      try {
        await server.restart();
        return server;
      } catch (error) {
        // Another process may take the port between our probe and Redis' bind: try another.
        if (attempt === 3 || !server.#log.includes('Address already in use')) {
          rmSync(dir, { recursive: true, force: true });
          throw error;
        }
      }
    }
  }

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The process id, while it runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Whether the process runs. */
  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Starts the server again (after {@link kill}) on the same port, with the same folder. */
  async restart(): Promise<void> {
    if (this.#child !== undefined) throw new Error('redis-server is already running');
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      '',
      '--appendonly',
      this.#options.appendOnly === true ? 'yes' : 'no',
      '--appendfsync',
      'always',
      '--logfile',
      '',
      '--daemonize',
      'no',
      ...(this.#options.extraArgs ?? []).map((arg) =>
        arg === '{busPort}' ? String(this.busPort) : arg,
      ),
    ];
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    this.#exited = new Promise((resolve) =>
      child.once('close', () => {
        if (this.#child === child) this.#child = undefined;
        resolve();
      }),
    );
    await this.#ready(child);
  }

  /** Kills the server with SIGKILL (no shutdown, no save) and waits until it is gone. */
  async kill(): Promise<void> {
    this.#child?.kill('SIGKILL');
    await this.#exited;
  }

  /** Stops the server and removes its folder. */
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Resolves when the log says the server accepts connections; rejects if it exits first. */
  #ready(child: ChildProcess): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(limit);
        reject(new Error(`redis-server ${why}:\n${this.#log}`));
      };
      const limit = setTimeout(() => {
        child.kill('SIGKILL');
        fail(`did not start within ${START_LIMIT_MS} ms`);
      }, START_LIMIT_MS);
      const onLog = (text: string): void => {
        this.#log = (this.#log + text).slice(-8000);
        if (this.#log.includes('Ready to accept connections')) {
          clearTimeout(limit);
          resolve();
        }
      };
      this.#log = '';
      child.stdout?.setEncoding('utf8').on('data', onLog);
      child.stderr?.setEncoding('utf8').on('data', onLog);
      child.once('error', (error) => fail(error.message));
      child.once('close', (code, signal) => fail(`exited (${code ?? signal})`));
    });
  }
}

/** A port free on 127.0.0.1 now (the kernel's choice). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
