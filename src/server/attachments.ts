// Server layer: the wsflow attachments of each http.Server, so that several attachments on
// different paths decide together who answers a WebSocket request that none of them claims.

import type { IncomingMessage } from 'node:http';
import type { EventEmitter } from 'node:events';

/** One attachment as its server's registry sees it: its listener and the paths it claims. */
export interface Claim {
  /** The attachment's 'upgrade' listener, as added to the server. */
  readonly listener: (...args: never[]) => void;
  /** Whether this attachment handles `request` (its path matches, or it has no path). */
  claims(request: IncomingMessage): boolean;
}

const claimsByServer = new WeakMap<EventEmitter, Claim[]>();

/**
 * Adds an attachment to its server's registry.
 *
 * @param server - The server the attachment listens on.
 * @param claim - The attachment's listener and path test.
 * @returns A function that removes it again.
 * @example
 * const unregister = registerClaim(server, { listener, claims: (r) => r.url === '/ws' });
 */
export function registerClaim(server: EventEmitter, claim: Claim): () => void {
  let claims = claimsByServer.get(server);
  if (claims === undefined) claimsByServer.set(server, (claims = []));
  claims.push(claim);
  return () => {
    const index = claims.indexOf(claim);
    if (index !== -1) claims.splice(index, 1);
  };
}

/**
 * Whether `self` must answer 404 to a request it does not claim: when no attachment on the server
 * claims it, no 'upgrade' listener other than wsflow's exists (that one may answer it), and
 * `self` is the first 'upgrade' listener, so exactly one of them answers.
 *
 * @param server - The server the request came to.
 * @param self - The attachment asking.
 * @param request - The WebSocket request that `self` does not claim.
 * @returns true when `self` answers it with 404.
 * @example
 * if (answersUnclaimed(server, claim, request)) rejectUpgrade(socket, 404);
 */
export function answersUnclaimed(
  server: EventEmitter,
  self: Claim,
  request: IncomingMessage,
): boolean {
  const listeners = server.listeners('upgrade');
  const attached = (claimsByServer.get(server) ?? [self]).filter((claim) =>
    listeners.includes(claim.listener),
  );
  if (attached.some((claim) => claim.claims(request))) return false;
  if (listeners.length !== attached.length) return false; // another listener may answer it
  return listeners[0] === self.listener;
}

/**
 * Whether `self` must answer 404 to an HTTP/2 WebSocket stream it does not claim: when no wsflow
 * attachment on the server claims it and `self` is the first of them, so exactly one answers.
 * (A stream has no 'upgrade' listeners to leave it to.)
 *
 * @param server - The HTTP/2 server the stream came to.
 * @param self - The attachment asking.
 * @param request - The request of the stream, which `self` does not claim.
 * @returns true when `self` answers it with 404.
 * @example
 * if (answersUnclaimedStream(server, claim, request)) rejectUpgrade(stream, 404);
 */
export function answersUnclaimedStream(
  server: EventEmitter,
  self: Claim,
  request: IncomingMessage,
): boolean {
  const attached = claimsByServer.get(server) ?? [self];
  if (attached.some((claim) => claim.claims(request))) return false;
  return attached[0] === self;
}
