// OpenTelemetry binding: the attributes of wsflow's instruments, after the semantic conventions
// where they have a name (`network.protocol.name`, `network.io.direction`,
// `http.response.status_code`, `error.type`, `server.address`, `server.port`), under `wsflow.`
// where they have none. Attribute sets that repeat are made once.

import type { Attributes } from '@opentelemetry/api';
import type {
  ConnectionCloseDiagnostic,
  HandshakeAcceptedDiagnostic,
  HandshakeRejectedDiagnostic,
  Side,
} from '../index.js';

const SIDES: Readonly<Record<Side, Attributes>> = {
  server: Object.freeze({ 'network.protocol.name': 'websocket', 'wsflow.side': 'server' }),
  client: Object.freeze({ 'network.protocol.name': 'websocket', 'wsflow.side': 'client' }),
};

/**
 * The attributes every instrument has: the protocol (`websocket`) and the side.
 *
 * @param side - `server` or `client`.
 * @returns a frozen attribute set, the same one each time.
 * @example
 * sideAttributes('server'); // { 'network.protocol.name': 'websocket', 'wsflow.side': 'server' }
 */
export function sideAttributes(side: Side): Attributes {
  return SIDES[side];
}

/**
 * `error.type` of an error, as the semantic conventions describe it: its stable code (a
 * `WSFLOW_ERR_...`, `ECONNRESET`), else its class name, else `_OTHER`.
 *
 * @param error - the error, if any.
 * @returns the type, or undefined without an error.
 * @example
 * errorType(Object.assign(new Error('reset'), { code: 'ECONNRESET' })); // 'ECONNRESET'
 */
export function errorType(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return code;
  if (error instanceof Error) return error.name;
  return '_OTHER';
}

/**
 * The attributes of a close: the side, `wsflow.close.code`, `wsflow.close.cause` (the cause's
 * kind) and `error.type` when the cause has an error.
 *
 * @param close - the `wsflow:connection:close` payload.
 * @returns the attributes.
 * @example
 * closeAttributes(close); // { ..., 'wsflow.close.code': 1006, 'wsflow.close.cause': 'transport', 'error.type': 'ECONNRESET' }
 */
export function closeAttributes(close: ConnectionCloseDiagnostic): Attributes {
  const attributes: Attributes = {
    ...SIDES[close.side],
    'wsflow.close.code': close.code,
    'wsflow.close.cause': close.cause.kind,
  };
  const type = errorType(close.cause.error);
  if (type !== undefined) attributes['error.type'] = type;
  return attributes;
}

/**
 * The attributes of a handshake: the side, `wsflow.handshake.outcome` (`accepted`,
 * `rejected`), `http.response.status_code` when there was an answer, `error.type` for a
 * rejection (the error's code, else the reason), and for a client `server.address` and
 * `server.port` of the URL.
 *
 * @param handshake - the `wsflow:handshake:accepted` or `wsflow:handshake:rejected` payload.
 * @returns the attributes.
 * @example
 * handshakeAttributes(rejected); // { ..., 'wsflow.handshake.outcome': 'rejected', 'http.response.status_code': 404, 'error.type': 'not-found' }
 */
export function handshakeAttributes(
  handshake: HandshakeAcceptedDiagnostic | HandshakeRejectedDiagnostic,
): Attributes {
  const accepted = 'connection' in handshake;
  const attributes: Attributes = {
    ...SIDES[handshake.side],
    'wsflow.handshake.outcome': accepted ? 'accepted' : 'rejected',
  };
  if (handshake.status !== undefined) attributes['http.response.status_code'] = handshake.status;
  if (!accepted) {
    const { error, reason } = handshake;
    const code = (error as { code?: unknown } | undefined)?.code;
    attributes['error.type'] = typeof code === 'string' ? code : reason;
  }
  const url = handshake.url;
  if (url !== undefined) {
    attributes['server.address'] = url.hostname.replace(/^\[(.*)\]$/, '$1');
    attributes['server.port'] = url.port !== '' ? Number(url.port) : defaultPort(url.protocol);
  }
  return attributes;
}

function defaultPort(scheme: string): number {
  return scheme === 'wss:' || scheme === 'https:' ? 443 : 80;
}

/**
 * The attribute sets of messages, made once, at {@link messageIndex}: the side,
 * `network.io.direction` (`receive`, `transmit`) and `wsflow.message.type` (`text`, `binary`).
 */
export const MESSAGE_ATTRIBUTES: readonly Attributes[] = (['server', 'client'] as const).flatMap(
  (side) =>
    (['in', 'out'] as const).flatMap((direction) =>
      (['text', 'binary'] as const).map((kind) =>
        Object.freeze({
          ...SIDES[side],
          'network.io.direction': direction === 'in' ? 'receive' : 'transmit',
          'wsflow.message.type': kind,
        }),
      ),
    ),
);

/**
 * Where the messages of one side, direction and kind are counted: an index of
 * {@link MESSAGE_ATTRIBUTES}, 0 to 7.
 *
 * @param side - the connection's side.
 * @param direction - `in` or `out`.
 * @param kind - `text` or `binary`.
 * @returns the index.
 * @example
 * MESSAGE_ATTRIBUTES[messageIndex('server', 'in', 'text')]['network.io.direction']; // 'receive'
 */
export function messageIndex(side: Side, direction: 'in' | 'out', kind: 'text' | 'binary'): number {
  return (side === 'server' ? 0 : 4) + (direction === 'in' ? 0 : 2) + (kind === 'text' ? 0 : 1);
}
