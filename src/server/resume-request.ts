// Server layer: what a connection that chose the subprotocol `wsflow.resume.v1` asked to resume,
// recorded when it is accepted (before its flow starts) from its request's URL, so that a hub
// can replay to its member whatever way the connection was served (serve, a router, attach).

import type { Connection } from '../connection/connection.js';
import { RESUME_PARAM, RESUME_SUBPROTOCOL, decodeResumeParam } from '../resume-wire.js';

/** Per resuming connection: the value of its resume parameter, or null without one. */
const resumeParams = new WeakMap<Connection, string | null>();

/**
 * Records what a connection asks to resume, when its handshake chose `wsflow.resume.v1`.
 *
 * @param connection - The connection just accepted.
 * @param subprotocol - The subprotocol its 101 chose, if any.
 * @param url - Its request target, e.g. `/news?wsflow-resume=eyJuZXdzIjoiMS0wLjAifQ`.
 */
export function recordResumeRequest(
  connection: Connection,
  subprotocol: string | undefined,
  url: string | undefined,
): void {
  if (subprotocol !== RESUME_SUBPROTOCOL) return;
  let param: string | null = null;
  try {
    param = new URL(url ?? '/', 'http://localhost').searchParams.get(RESUME_PARAM);
  } catch {
    // a target that is no URL names nothing to resume
  }
  resumeParams.set(connection, param);
}

/**
 * The last message ID per topic a connection named to resume: undefined for a connection that
 * did not choose `wsflow.resume.v1`, empty for one that chose it and named nothing (or garbage).
 *
 * @example
 * resumeRequestOf(connection)?.get('news'); // '1733500000000-0.3'
 */
export function resumeRequestOf(connection: Connection): Map<string, string> | undefined {
  const param = resumeParams.get(connection);
  if (param === undefined) return undefined;
  const lastIds = param === null ? undefined : decodeResumeParam(param);
  return new Map(Object.entries(lastIds ?? {}));
}
