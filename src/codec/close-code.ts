// Codec layer: close status codes (RFC 6455 section 7.4) and which of them may cross the wire.

/** Close status codes (RFC 6455 section 7.4.1 and the IANA registry). */
export const CloseCode = {
  /** The purpose of the connection was fulfilled. */
  Normal: 1000,
  /** The endpoint is going away: a server shutting down, a page navigated away. */
  GoingAway: 1001,
  /** The peer broke the protocol. */
  ProtocolError: 1002,
  /** A type of data the endpoint cannot accept (e.g. binary for a text-only handler). */
  UnsupportedData: 1003,
  /** Reported locally when a Close frame had no status code; never sent. */
  NoStatusReceived: 1005,
  /** Reported locally when the connection ended without a Close frame; never sent. */
  AbnormalClosure: 1006,
  /** Data inconsistent with the message type, e.g. invalid UTF-8 in a text message. */
  InvalidPayload: 1007,
  /** A policy was violated (rejected, buffer overflow). */
  PolicyViolation: 1008,
  /** A message or frame was larger than the limit. */
  MessageTooBig: 1009,
  /** The client expected an extension the server did not negotiate. */
  MandatoryExtension: 1010,
  /** The handler failed or an unexpected condition occurred. */
  InternalError: 1011,
  /** The service is restarting. */
  ServiceRestart: 1012,
  /** Try again later. */
  TryAgainLater: 1013,
  /** A gateway received an invalid response. */
  BadGateway: 1014,
} as const;

/** A close status code: one of {@link CloseCode} or an application code in 3000-4999. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode] | number;

/**
 * Whether a code may be sent in a Close frame, and so also accepted in one: 1000-1003,
 * 1007-1014 and 3000-4999. 1004 is reserved, 1005, 1006 and 1015 are only ever reported locally.
 * wsflow accepts 1012-1014 (registered with IANA after RFC 6455) as ws and python-websockets do.
 */
export function isSendableCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1003) ||
    (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999)
  );
}

/** Codes that mean the connection ended as intended: 1000, 1001, and 1005 (a bare Close). */
export function isOkCloseCode(code: number): boolean {
  return code === 1000 || code === 1001 || code === 1005;
}
