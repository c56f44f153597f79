// Command line: the exit codes of `wsflow`, one table, so scripts can tell failures apart.

/** What `wsflow` exits with; docs/cli.md lists them. */
export const ExitCode = {
  /** A normal close (1000, 1001 or an empty Close), or `serve` stopped by a signal. */
  Ok: 0,
  /** Something went wrong that is none of the cases below. */
  Failure: 1,
  /** A mistake on the command line: an unknown option, a bad value, a bad URL. */
  Usage: 2,
  /** No connection: refused, host not found, TLS failed. */
  ConnectFailed: 3,
  /** The server answered the upgrade with something else than a valid 101 (status and body printed). */
  Rejected: 4,
  /** A protocol error: the peer broke RFC 6455, or closed with 1002. */
  ProtocolError: 5,
  /** The opening handshake or the keep-alive pong did not come in time. */
  Timeout: 6,
  /** The connection ended without a close handshake (1006). */
  AbnormalClose: 7,
  /** The peer closed with an error code (1003, 1008, 1011, 4000, ...). */
  ErrorClose: 8,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
