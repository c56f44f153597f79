// Command line, `wsflow serve`: a server on the library's attachWebSocket, over node:http or
// node:https, running echo(), a Hub (--broadcast) or a process per connection (--exec) on each
// connection; plain HTTP requests get the --static files, or 426.

import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createSecureServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import { Hub, attachWebSocket, echo, map } from '../../index.js';
import type { Connection, Message, MessageFlow, WebSocketUpgrade } from '../../index.js';
import { describeClose } from '../close-text.js';
import { ExitCode } from '../exit-codes.js';
import { packageVersion } from '../version.js';
import { cgiEnvironment } from './cgi-environment.js';
import { endWithConnection, startExecProcess } from './exec-process.js';
import type { ServeSettings } from './serve-options.js';
import { staticFiles } from './static-files.js';

/** Where `serve` writes and what stops it. */
export interface ServeIo {
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  /** Resolves when the server should stop (SIGINT, SIGTERM). */
  readonly stop: Promise<unknown>;
}

/** The topic every --broadcast connection subscribes to. */
const EVERYONE = 'everyone';
/** How long a message may take to arrive whole. */
const MESSAGE_TIMEOUT_MS = 60_000;
/** How long shutdown waits for closing handshakes. */
const SHUTDOWN_TIMEOUT_MS = 3000;

/**
 * Runs `wsflow serve` until `io.stop` resolves, then closes every connection with 1001.
 *
 * @param settings - What the command line asked for.
 * @param io - Where to write, and when to stop.
 * @returns The exit code: 0 after a stop, 1 when the server cannot listen.
 */
export async function runServe(settings: ServeSettings, io: ServeIo): Promise<ExitCode> {
  const log = (line: string): void => void io.stderr.write(`wsflow: ${line}\n`);
  const server = httpServer(settings);
  try {
    server.listen(settings.port, settings.host);
    await once(server, 'listening');
  } catch (error) {
    log(
      `cannot listen on ${settings.host}:${settings.port}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
    return ExitCode.Failure;
  }
  const { port } = server.address() as AddressInfo;
  const scheme = settings.tls === undefined ? 'ws' : 'wss';
  const handler = connectionHandler(settings, port, io, settings.quiet ? () => {} : log);
  const attachment = attachWebSocket(server, handler, {
    ...settings.options,
    onError: (error) => log(`error: ${error instanceof Error ? error.message : String(error)}`),
  });
  log(`listening on ${scheme}://${hostForUrl(settings.host)}:${port} (${describeMode(settings)})`);
  await io.stop;
  await attachment.close({ timeoutMs: SHUTDOWN_TIMEOUT_MS });
  server.close();
  server.closeAllConnections();
  return ExitCode.Ok;
}

function httpServer(settings: ServeSettings): Server {
  const onRequest =
    settings.staticDir === undefined ? upgradeRequired : staticFiles(settings.staticDir);
  return settings.tls === undefined
    ? createServer(onRequest)
    : createSecureServer({ cert: settings.tls.cert, key: settings.tls.key }, onRequest);
}

/** A plain HTTP request without --static: 426, as serve() answers it. */
function upgradeRequired(_request: IncomingMessage, response: ServerResponse): void {
  const body = 'This is a WebSocket server: connect with a WebSocket client.\n';
  response.writeHead(426, {
    Upgrade: 'websocket',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function describeMode(settings: ServeSettings): string {
  const { mode } = settings;
  const what = mode.kind === 'exec' ? `exec ${[mode.command, ...mode.args].join(' ')}` : mode.kind;
  return settings.staticDir === undefined ? what : `${what}, static ${settings.staticDir}`;
}

/** The upgrade handler: accepts every request with the mode's flow and logs its connection. */
function connectionHandler(
  settings: ServeSettings,
  port: number,
  io: ServeIo,
  log: (line: string) => void,
): (upgrade: WebSocketUpgrade) => void {
  const hub = settings.mode.kind === 'broadcast' ? new Hub() : undefined;
  const software = `wsflow/${packageVersion()}`;
  return (upgrade) => {
    const { request } = upgrade;
    const peer = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
    const path = request.url ?? '/';
    let connection: Connection;
    if (settings.mode.kind === 'exec') {
      const { command, args } = settings.mode;
      const env = cgiEnvironment(
        request,
        { port, secure: settings.tls !== undefined, software },
        io.env,
      );
      const program = startExecProcess(command, args, env, (error) =>
        log(
          `${peer}: cannot run ${command}: ${(error as NodeJS.ErrnoException).code ?? error.message}`,
        ),
      );
      connection = upgrade.handleMessages(program.flow);
      endWithConnection(program, connection);
    } else {
      connection = upgrade.handleMessages(hub === undefined ? echo() : broadcast(hub));
    }
    log(`${peer} connected to ${path}`);
    void connection.closed.then(
      (outcome) => log(`${peer} closed ${describeClose(outcome)}`),
      () => log(`${peer} closed`),
    );
  };
}

/** --broadcast: every message, collected whole, is published to every connection. */
function broadcast(hub: Hub): MessageFlow {
  return hub.join((member) => {
    member.subscribe(EVERYONE);
    return map(async (message: Message) => {
      hub.publish(EVERYONE, await message.toStrict(MESSAGE_TIMEOUT_MS));
      return undefined;
    });
  });
}
