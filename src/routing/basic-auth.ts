// Routing layer: HTTP Basic authentication as a guard (RFC 7617; Akka HTTP's
// `authenticateBasic(realm, authenticator)`), and the constant-time comparison its users need
// to check a password without telling an attacker how much of it was right.

import { createHash, timingSafeEqual } from 'node:crypto';
import { reject } from './answers.js';
import type { RouteRejected } from './answers.js';
import { pass } from './guards.js';
import type { Guard, GuardOutcome } from './guards.js';
import { rawHeader } from './raw-header.js';
import type { RouteRequest } from './route-request.js';
import { isPromiseLike } from '../util/thenable.js';

/** The user-id and password of a Basic Authorization header, decoded as UTF-8. */
export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * Checks credentials: returns the user (any value but undefined) or undefined to refuse, at
 * once or as a promise. Compare secrets with {@link constantTimeEqual}.
 */
export type BasicVerifier<User> = (
  credentials: BasicCredentials,
  request: RouteRequest,
) => User | undefined | PromiseLike<User | undefined>;

/**
 * The longest Authorization value read (the base64 of 3 KiB of credentials); a longer one is
 * answered 401 without being decoded.
 */
const MAX_AUTHORIZATION_LENGTH = 4096;

/**
 * A guard for HTTP Basic authentication (RFC 7617). The request's credentials go to `verify`;
 * the user it returns reaches the handler as `request.user`, typed. Missing, malformed (bad
 * base64, no colon, not UTF-8) or refused credentials are answered 401 with
 * `WWW-Authenticate: Basic realm="<realm>", charset="UTF-8"`, never 500. Basic sends the
 * password in the clear: serve it over TLS (wss:).
 *
 * @param realm - The protection space named in the challenge (printable text).
 * @param verify - Checks the credentials; returns the user, or undefined.
 * @returns The guard, for `router.route(pattern, handler, { guards: [...] })`.
 * @throws {TypeError} For a realm with control characters.
 * @example
 * const users = new Map([['ada', 'lovelace']]);
 * const login = authenticateBasic('chat', ({ username, password }) =>
 *   constantTimeEqual(password, users.get(username) ?? '') && users.has(username)
 *     ? { name: username }
 *     : undefined,
 * );
 * router.route('/chat', (request) => accept(chatAs(request.user.name)), { guards: [login] });
 */
export function authenticateBasic<User>(
  realm: string,
  verify: BasicVerifier<User>,
): Guard<{ user: User }> {
  // eslint-disable-next-line no-control-regex
  if (typeof realm !== 'string' || /[\u0000-\u001f\u007f]/.test(realm)) {
    throw new TypeError('The realm must be text without control characters');
  }
  const challenge: RouteRejected = reject(401, {
    headers: {
      'WWW-Authenticate': `Basic realm="${realm.replace(/["\\]/g, '\\$&')}", charset="UTF-8"`,
    },
    body: 'Unauthorized\n',
  });
  const answer = (user: User | undefined): GuardOutcome<{ user: User }> =>
    user === undefined ? challenge : pass({ user });
  return (request) => {
    const credentials = parseBasicAuthorization(rawHeader(request.raw, 'authorization'));
    if (credentials === undefined) return challenge;
    const user = verify(credentials, request);
    return isPromiseLike<User | undefined>(user)
      ? Promise.resolve(user).then(answer)
      : answer(user);
  };
}

/**
 * The credentials of an `Authorization: Basic <base64>` header value, or undefined when it is
 * missing, of another scheme, too long, not strict base64, not UTF-8, or without a colon.
 *
 * @param header - The Authorization header value.
 * @returns The user-id (before the first colon) and the password (after it).
 * @example
 * parseBasicAuthorization('Basic YWRhOmxvdmVsYWNl'); // { username: 'ada', password: 'lovelace' }
 */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | undefined {
  if (header === undefined || header.length > MAX_AUTHORIZATION_LENGTH) return undefined;
  const space = header.indexOf(' ');
  if (space === -1 || header.slice(0, space).toLowerCase() !== 'basic') return undefined;
  const encoded = header.slice(space + 1).trim();
  if (encoded.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return undefined;
  let decoded: string;
  try {
    decoded = UTF8.decode(Buffer.from(encoded, 'base64'));
  } catch {
    return undefined; // not UTF-8
  }
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Compares two secrets in a time that depends on neither their contents nor their lengths:
 * both are hashed with SHA-256 and the digests compared with `crypto.timingSafeEqual`, so
 * neither where they first differ nor how long the right one is leaks through timing.
 *
 * @param given - The secret the client sent.
 * @param expected - The secret it should be.
 * @returns Whether they are equal.
 * @example
 * constantTimeEqual(credentials.password, storedPassword);
 */
export function constantTimeEqual(
  given: string | Uint8Array,
  expected: string | Uint8Array,
): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function digest(value: string | Uint8Array): Buffer {
  return createHash('sha256').update(value).digest();
}
