// Type tests for the public types: checked when the suite compiles (a wrong type fails the build,
// and so does an expected error that does not occur), and run as one trivial test so the file
// shows in the report. The checks follow undici's test/types and expect-type, written here in a few lines.

import { it } from 'node:test';
import type { Duplex } from 'node:stream';
import type {
  ClientCloseEvent,
  ClientOptions,
  ClientPingEvent,
  CloseOutcome,
  Connection,
  ConnectionClosed,
  ConnectionOptions,
  ErrorCode,
  Message,
  ProtocolState,
  ServeOptions,
  ServerConnectionOptions,
  Side,
  StreamSource,
  WebSocketClient,
} from '../../src/index.js';
import * as wsflow from '../../src/index.js';
import type { Protocol } from '../../src/protocol/index.js';

/** True when A and B are the same type (not merely assignable either way). */
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only for `true`. */
type Expect<T extends true> = T;

// What public members return is exported, under the name the member's type has.
export type MemberTypes = [
  Expect<Equal<Connection['state'], ProtocolState>>,
  Expect<Equal<Connection['side'], Side>>,
  Expect<Equal<Protocol['side'], Side>>,
  Expect<Equal<Connection['closed'], Promise<CloseOutcome>>>,
  Expect<Equal<ReturnType<Connection['runUntilClosed']>, Promise<CloseOutcome>>>,
  Expect<Equal<ReturnType<Connection['runDetached']>, void>>,
  Expect<Equal<ProtocolState, 'OPEN' | 'CLOSING' | 'CLOSED'>>,
  Expect<Equal<Side, 'client' | 'server'>>,
  Expect<Equal<ConnectionClosed['outcome'], CloseOutcome>>,
  Expect<Equal<ErrorCode, (typeof wsflow.ErrorCode)[keyof typeof wsflow.ErrorCode]>>,
];

// One shape says how a connection ended: the client's close event is a CloseOutcome.
export const closeEventIsAnOutcome = (event: ClientCloseEvent): CloseOutcome => event;

// receive() hands out messages and the close event; pings only when asked for.
export type Receive = [
  Expect<Equal<Awaited<ReturnType<WebSocketClient['receive']>>, Message | ClientCloseEvent>>,
  Expect<
    Equal<
      Awaited<ReturnType<WebSocketClient<ClientPingEvent>['receive']>>,
      Message | ClientCloseEvent | ClientPingEvent
    >
  >,
];

// A text message's streamed body source is the exported StreamSource.
export type Streamed = Expect<
  Equal<Parameters<typeof wsflow.TextMessage.streamed>[0], StreamSource<string>>
>;

// Engine knobs are no option of any public type.
export const noEngineKnobs = (): void => {
  // @ts-expect-error rsv1Allowed is decided by the handshake, never set by hand
  const connection: ConnectionOptions = { side: 'server', rsv1Allowed: true };
  // @ts-expect-error deflate is what the handshake negotiated
  const server: ServerConnectionOptions = { deflate: {} };
  // @ts-expect-error maskGenerator is for wsflow's own tests
  const client: ClientOptions = { maskGenerator: () => undefined };
  // @ts-expect-error rsv1Allowed is no serve() option either
  const serve: ServeOptions = { flow: wsflow.echo(), rsv1Allowed: true };
  void [connection, server, client, serve];
};

// One rejection function: a status with an optional init, or what WebSocketUpgrade.from threw.
export const rejections = (socket: Duplex, error: unknown): void => {
  wsflow.rejectUpgrade(socket, 401, { body: 'Log in\n', headers: { 'WWW-Authenticate': 'Basic' } });
  wsflow.rejectUpgrade(socket, 404);
  wsflow.rejectUpgrade(socket, error);
  // @ts-expect-error an init goes with a status only
  wsflow.rejectUpgrade(socket, error, { body: 'no' });
};

// MapFlow is a type to name map()'s result, not a class to build or test against.
export const mapFlowIsATypeOnly = (flow: wsflow.MapFlow<Message, string>): unknown => {
  // @ts-expect-error MapFlow is exported as a type only
  void (flow instanceof wsflow.MapFlow);
  return flow;
};

it('the public types check (at compile time)', () => undefined);
