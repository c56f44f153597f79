// Type tests for the diagnostics channels: what the connection layer publishes (its payload
// types over any connection type `C`) is, with `C = Connection`, exactly the public payload
// interfaces docs/operations.md describes. Checked when the suite compiles, run as one trivial test.

import { it } from 'node:test';
import type * as Published from '../../src/connection/channels.js';
import type {
  BackpressureDiagnostic,
  Connection,
  ConnectionCloseDiagnostic,
  ConnectionOpenDiagnostic,
  ErrorDiagnostic,
  HandshakeAcceptedDiagnostic,
  MessageDiagnostic,
  PingRoundTripDiagnostic,
} from '../../src/index.js';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

export type Checks = [
  Expect<Equal<Published.ConnectionOpenPayload<Connection>, ConnectionOpenDiagnostic>>,
  Expect<Equal<Published.ConnectionClosePayload<Connection>, ConnectionCloseDiagnostic>>,
  Expect<Equal<Published.HandshakeAcceptedPayload<Connection>, HandshakeAcceptedDiagnostic>>,
  Expect<Equal<Published.ErrorPayload<Connection>, ErrorDiagnostic>>,
  Expect<Equal<Published.MessagePayload<Connection>, MessageDiagnostic>>,
  Expect<Equal<Published.BackpressurePayload<Connection>, BackpressureDiagnostic>>,
  Expect<Equal<Published.PingRoundTripPayload<Connection>, PingRoundTripDiagnostic>>,
];

it('the published payloads are the public diagnostics types', () => {});
