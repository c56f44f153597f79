// Benchmark server processes: each server runs in its own child, pinned to core 1 when taskset
// exists (the load generator pins itself to core 0). Every child started here is tracked and
// killed when this process exits, on success or on error.

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ServerKind } from './server-kinds.js';

/** True when `taskset` can pin processes to cores on this machine. */
export const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

const children = new Set<ChildProcess>();

/** Kills every child still running (SIGKILL); safe to call more than once. */
export function killAllChildren(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  children.clear();
}

process.once('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}

/** Pins this process (the load generator) to core 0, when taskset exists. */
export function pinLoadProcess(): void {
  if (hasTaskset) spawnSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
}

/** What a server child reports of its memory, after a forced GC. */
export interface ServerMemory {
  gc: boolean;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** A running server child. */
export interface ServerProcess<K extends string = ServerKind> {
  readonly kind: K;
  readonly port: number;
  /** Asks the child for its memory after a forced GC. */
  memory(): Promise<ServerMemory>;
  /** The child's CPU time so far (user + system), in µs. */
  cpuMicros(): Promise<number>;
  /** Asks the child to exit (so a CPU profile gets written); kills it after 3 s. */
  stop(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface StartOptions {
  /** A directory for `--cpu-prof` output; no profiling when absent. */
  cpuProfileDir?: string;
  /** The server program, next to this file; default './echo-server.js'. */
  script?: string;
}

/** Starts a server of `kind` in a pinned child process; resolves once it listens. */
export async function startServer<K extends string = ServerKind>(
  kind: K,
  options: StartOptions = {},
): Promise<ServerProcess<K>> {
  const script = fileURLToPath(new URL(options.script ?? './echo-server.js', import.meta.url));
  const nodeArgs = ['--expose-gc'];
  if (options.cpuProfileDir !== undefined) {
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
    nodeArgs.push(`--cpu-prof-name=${kind}-${Date.now()}.cpuprofile`);
  }
  const command = hasTaskset ? 'taskset' : process.execPath;
  const args = [...(hasTaskset ? ['-c', '1', process.execPath] : []), ...nodeArgs, script, kind];
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines = createInterface({ input: child.stdout! });
  const pending: ((line: string) => void)[] = [];
  lines.on('line', (line) => pending.shift()?.(line));
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const onExit = () => reject(new Error(`${kind} server exited`));
      child.once('exit', onExit);
      pending.push((line) => {
        child.off('exit', onExit);
        resolve(line);
      });
    });
  const port = Number(await nextLine());
  return {
    kind,
    port,
    async memory() {
      const reply = nextLine();
      child.stdin!.write('memory\n');
      return JSON.parse(await reply) as ServerMemory;
    },
    async cpuMicros() {
      const fromProc = procCpuMicros(child.pid);
      if (fromProc !== undefined) return fromProc;
      const reply = nextLine();
      child.stdin!.write('cpu\n');
      const usage = JSON.parse(await reply) as { user: number; system: number };
      return usage.user + usage.system;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin!.write('exit\n');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * A process's CPU time (utime + stime) from /proc, read without disturbing it; `undefined` where
 * /proc is missing. (taskset execs node, so the child's pid is the server's.)
 */
export function procCpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1e6) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
