// Command line, `wsflow serve --exec`: the environment of each connection's process, carrying the
// request as websocketd's CGI-like variables do.

import type { IncomingMessage } from 'node:http';

/** What the environment needs besides the request. */
export interface ServerIdentity {
  /** The port the server listens on. */
  readonly port: number;
  /** True for wss:// (HTTPS=on). */
  readonly secure: boolean;
  /** SERVER_SOFTWARE, e.g. `wsflow/0.1.0`. */
  readonly software: string;
}

/**
 * The environment of a connection's process: the server's own, plus websocketd's variables
 * (REMOTE_ADDR, REMOTE_PORT, SERVER_NAME, SERVER_PORT, REQUEST_URI, SCRIPT_NAME, QUERY_STRING,
 * HTTPS, HTTP_<HEADER>, ...).
 *
 * @param request - The upgrade request.
 * @param server - The server's port, scheme and name.
 * @param inherited - The environment to start from (the server's).
 * @returns The environment.
 */
export function cgiEnvironment(
  request: Pick<IncomingMessage, 'url' | 'method' | 'headers' | 'socket' | 'httpVersion'>,
  server: ServerIdentity,
  inherited: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  const target = request.url ?? '/';
  const question = target.indexOf('?');
  const path = question === -1 ? target : target.slice(0, question);
  const host = (request.headers.host ?? '').replace(/:\d+$/, '');
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    GATEWAY_INTERFACE: 'websocketd-CGI/0.1',
    SERVER_SOFTWARE: server.software,
    SERVER_PROTOCOL: `HTTP/${request.httpVersion}`,
    SERVER_NAME: host,
    SERVER_PORT: String(server.port),
    REMOTE_ADDR: request.socket.remoteAddress ?? '',
    REMOTE_HOST: request.socket.remoteAddress ?? '',
    REMOTE_PORT: String(request.socket.remotePort ?? ''),
    REQUEST_METHOD: request.method ?? 'GET',
    REQUEST_URI: target,
    SCRIPT_NAME: path,
    PATH_INFO: '',
    QUERY_STRING: question === -1 ? '' : target.slice(question + 1),
    HTTPS: server.secure ? 'on' : '',
  };
  if (!server.secure) delete env.HTTPS;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    env[`HTTP_${name.toUpperCase().replace(/-/g, '_')}`] = Array.isArray(value)
      ? value.join(', ')
      : value;
  }
  return env;
}
