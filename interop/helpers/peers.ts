// Interop helpers: what the real peers need on this machine (python3-websockets, Chromium and
// redis-server from Debian), the install command when they are missing, and peer processes
// speaking JSON lines.

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Debian's interpreter, the one python3-websockets is installed for (not a pyenv shim). */
export const PYTHON = '/usr/bin/python3';
/** Debian's Chromium. */
export const CHROMIUM = '/usr/bin/chromium';
/** Debian's Redis server (the tests of wsflow/redis start their own, on a free port). */
export const REDIS_SERVER = '/usr/bin/redis-server';
/** Debian's Redis command line (it creates the tests' local Redis Cluster). */
export const REDIS_CLI = '/usr/bin/redis-cli';

const SETUP = 'node scripts/setup.mjs --debian';

/** The peer scripts, read from the source tree (build/interop/helpers → interop/peers). */
export function peerScript(name: string): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'interop', 'peers', name);
}

let pythonMissing: string | undefined | null = null;

/** Why the Python peers cannot run (with the install command), or undefined when they can. */
export function pythonWebsocketsMissing(): string | undefined {
  if (pythonMissing === null) {
    const probe = spawnSync(PYTHON, ['-c', 'import websockets'], { encoding: 'utf8' });
    pythonMissing =
      probe.status === 0
        ? undefined
        : `python3-websockets is missing for ${PYTHON}: run ${SETUP} (as root: apt-get install -y python3-websockets)`;
  }
  return pythonMissing;
}

/** Why the Chromium peer cannot run (with the install command), or undefined when it can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `Chromium is missing (${CHROMIUM}): run ${SETUP} (as root: apt-get install -y chromium)`;
}

/** Why the Redis server cannot run (with the install command), or undefined when it can. */
export function redisServerMissing(): string | undefined {
  return existsSync(REDIS_SERVER)
    ? undefined
    : `redis-server is missing (${REDIS_SERVER}): run ${SETUP} (as root: apt-get install -y redis-server)`;
}

/** Why a local Redis Cluster cannot run (redis-server and redis-cli), or undefined when it can. */
export function redisClusterMissing(): string | undefined {
  return (
    redisServerMissing() ??
    (existsSync(REDIS_CLI)
      ? undefined
      : `redis-cli is missing (${REDIS_CLI}): run ${SETUP} (as root: apt-get install -y redis-tools)`)
  );
}

/**
 * Options for a suite that needs a peer from Debian: run it when the peer is there; when it is
 * missing, skip it with the install command, except in CI (CI=true) where it must run and fail.
 */
export function needs(missing: string | undefined): { skip?: string } {
  return missing !== undefined && process.env.CI !== 'true' ? { skip: missing } : {};
}

/**
 * A child process speaking JSON lines on stdin/stdout: the first line it prints is its greeting
 * (e.g. its port); then one answer per request, in order.
 */
export class JsonLinesProcess {
  readonly #child: ChildProcess;
  readonly #lines: string[] = [];
  readonly #waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  #stderr = '';
  #ended: Error | undefined;
  readonly #exited: Promise<void>;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      this.#stderr = (this.#stderr + text).slice(-4000);
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const waiter = this.#waiting.shift();
      if (waiter === undefined) this.#lines.push(line);
      else waiter.resolve(line);
    });
    this.#exited = new Promise((resolve) => child.once('close', () => resolve()));
    void this.#exited.then(() => {
      this.#ended = new Error(`${child.spawnargs.join(' ')} exited:\n${this.#stderr}`);
      for (const waiter of this.#waiting.splice(0)) waiter.reject(this.#ended);
    });
  }

  /** Starts `command` and waits for its greeting line, parsed as JSON. */
  static async start<G>(command: string, args: string[]): Promise<[JsonLinesProcess, G]> {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const peer = new JsonLinesProcess(child);
    child.once('error', (error) => {
      peer.#ended = error;
      for (const waiter of peer.#waiting.splice(0)) waiter.reject(error);
    });
    const greeting = JSON.parse(await peer.#nextLine()) as G;
    return [peer, greeting];
  }

  /** What the process wrote on stderr lately (for failure messages). */
  get stderr(): string {
    return this.#stderr;
  }

  /** Sends one request and reads its answer; an answer `{ error }` rejects. */
  async request<A>(command: object): Promise<A> {
    this.#child.stdin!.write(`${JSON.stringify(command)}\n`);
    const answer = JSON.parse(await this.#nextLine()) as A & { error?: string };
    if (answer.error !== undefined) throw new Error(`peer: ${answer.error}`);
    return answer;
  }

  /** Closes its stdin (the peers exit on that), kills it if needed, and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.stdin?.end();
      this.#child.kill('SIGTERM');
    }
    await this.#exited;
  }

  /** Kills it with `signal` (SIGKILL: no cleanup of its own) and waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill(signal);
    await this.#exited;
  }

  #nextLine(): Promise<string> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.#ended !== undefined) return Promise.reject(this.#ended);
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }
}
