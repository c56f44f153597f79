// Connection layer: the public face of the diagnostics channels (channels.ts): their names, and
// their payloads with the public Connection in them.

import type * as Payloads from './channels.js';
import type { Connection } from './connection.js';

export { DiagnosticChannels } from './channels.js';
export type {
  ErrorSource,
  HandshakeRejectReason,
  HandshakeRejectedDiagnostic,
} from './channels.js';

/** The payload of `wsflow:connection:open`: a Connection started. */
export type ConnectionOpenDiagnostic = Payloads.ConnectionOpenDiagnostic<Connection>;
/** The payload of `wsflow:connection:close`: a Connection ended, with its code, cause and duration. */
export type ConnectionCloseDiagnostic = Payloads.ConnectionCloseDiagnostic<Connection>;
/** The payload of `wsflow:handshake:accepted`: an opening handshake succeeded. */
export type HandshakeAcceptedDiagnostic = Payloads.HandshakeAcceptedDiagnostic<Connection>;
/** The payload of `wsflow:error`: a failure of application code, the peer or the transport. */
export type ErrorDiagnostic = Payloads.ErrorDiagnostic<Connection>;
/** The payload of `wsflow:message`: a data message received or sent. */
export type MessageDiagnostic = Payloads.MessageDiagnostic<Connection>;
/** The payload of `wsflow:backpressure`: a send waits for the transport to drain. */
export type BackpressureDiagnostic = Payloads.BackpressureDiagnostic<Connection>;
