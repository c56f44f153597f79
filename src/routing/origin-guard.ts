// Routing layer: the Origin guard. Browsers send the page's origin with every WebSocket
// request and let any page open a socket to any server, so a server that trusts its cookies
// must check Origin itself (cross-site WebSocket hijacking; RFC 6455 section 10.2).

import { reject } from './answers.js';
import { pass } from './guards.js';
import type { Guard } from './guards.js';

/**
 * One allowed origin: exact (`'https://app.example.com'`, `'http://localhost:8080'`), a
 * wildcard for the subdomains of a host (`'https://*.example.com'`), or a predicate over the
 * Origin header as sent.
 */
export type OriginRule = string | ((origin: string) => boolean);

/** Options of {@link allowOrigins}. */
export interface AllowOriginsOptions {
  /**
   * Whether a request without an Origin header passes. Default true: browsers always send
   * Origin on WebSocket requests, so a request without one is not from a web page and cannot be
   * a cross-site hijack, and a non-browser client can send any Origin it likes anyway. Set it to
   * false to serve browsers only.
   */
  allowMissing?: boolean;
}

/** How many origins' verdicts a guard remembers before it starts over. */
const MAX_REMEMBERED_ORIGINS = 256;

/** An exact origin or a wildcard, split once when the guard is made. */
interface ParsedRule {
  readonly scheme: string;
  /** The host after '*.' for a wildcard, else the whole host. */
  readonly host: string;
  readonly wildcard: boolean;
  /** '' for the scheme's default port. */
  readonly port: string;
}

/**
 * A guard that lets through requests whose Origin is allowed, and answers others 403 Forbidden.
 * A wildcard `https://*.example.com` matches `https://a.example.com` and
 * `https://a.b.example.com`, never `https://example.com` (list it too), `https://evil-example.com`
 * or `https://example.com.evil.net`. Schemes and ports must match; hosts compare without case.
 * An Origin that is not one origin (`null`, a path, two Origin headers joined by a comma)
 * matches no string rule.
 *
 * @param rules - The allowed origins: one rule or a list of them.
 * @param options - Whether a request without Origin passes (default: yes, see
 *   {@link AllowOriginsOptions.allowMissing}).
 * @returns The guard, for `router.route(pattern, handler, { guards: [...] })`.
 * @throws {TypeError} For a string rule that is not `scheme://host[:port]`, with `*.` at most
 *   at the start of the host.
 * @example
 * const sameSite = allowOrigins(['https://example.com', 'https://*.example.com']);
 * router.route('/chat', () => accept(chat()), { guards: [sameSite] });
 */
export function allowOrigins(
  rules: OriginRule | readonly OriginRule[],
  options: AllowOriginsOptions = {},
): Guard {
  const list = typeof rules === 'string' || typeof rules === 'function' ? [rules] : rules;
  const exact = new Set<string>();
  const wildcards: ParsedRule[] = [];
  const predicates: ((origin: string) => boolean)[] = [];
  for (const rule of list) {
    if (typeof rule === 'function') {
      predicates.push(rule);
      continue;
    }
    const parsed = parseOrigin(rule, true);
    if (parsed === undefined) {
      throw new TypeError(
        `${JSON.stringify(rule)} is not an origin: write scheme://host[:port], e.g. ` +
          "'https://example.com' or 'https://*.example.com'",
      );
    }
    if (parsed.wildcard) wildcards.push(parsed);
    else exact.add(serialize(parsed));
  }
  const allowMissing = options.allowMissing ?? true;
  // The rules' verdict on an origin never changes (predicates are asked every time): a server
  // sees few origins, so each is parsed once. Bounded: a flood of made-up ones only refills it.
  const verdicts = new Map<string, boolean>();
  const allowedByRules = (origin: string): boolean => {
    let verdict = verdicts.get(origin);
    if (verdict === undefined) {
      const parsed = parseOrigin(origin, false);
      verdict =
        parsed !== undefined &&
        (exact.has(serialize(parsed)) || wildcards.some((rule) => coveredBy(parsed, rule)));
      if (verdicts.size >= MAX_REMEMBERED_ORIGINS) verdicts.clear();
      verdicts.set(origin, verdict);
    }
    return verdict;
  };
  const allowed = (origin: string): boolean =>
    exact.has(origin) || // as browsers send it: no parse
    allowedByRules(origin) ||
    predicates.some((predicate) => predicate(origin));
  return (request) => {
    const origin = request.origin;
    if (origin === undefined ? allowMissing : allowed(origin)) return pass();
    return reject(403, { body: 'Forbidden: origin not allowed\n' });
  };
}

/** Whether a wildcard rule covers an origin: same scheme and port, a subdomain of its host. */
function coveredBy(origin: ParsedRule, rule: ParsedRule): boolean {
  return (
    origin.scheme === rule.scheme &&
    origin.port === rule.port &&
    origin.host.length > rule.host.length + 1 &&
    origin.host.endsWith(`.${rule.host}`)
  );
}

function serialize({ scheme, host, port }: ParsedRule): string {
  return port === '' ? `${scheme}://${host}` : `${scheme}://${host}:${port}`;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };

/**
 * Splits `scheme://host[:port]` (RFC 6454's serialization, which is what browsers send), in
 * lower case, the default port dropped. Undefined for anything else: 'null', a path, a comma,
 * userinfo, an empty host. `*.` is accepted at the start of the host when `wildcard` is allowed.
 */
function parseOrigin(text: string, allowWildcard: boolean): ParsedRule | undefined {
  const separator = text.indexOf('://');
  if (separator <= 0) return undefined;
  const scheme = text.slice(0, separator).toLowerCase();
  if (!isScheme(scheme)) return undefined;
  let rest = text.slice(separator + 3).toLowerCase();
  let port = '';
  const colon = rest.lastIndexOf(':');
  if (colon !== -1 && !rest.endsWith(']')) {
    port = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isPort(port)) return undefined;
    port = String(Number(port));
    if (DEFAULT_PORTS[scheme] === port) port = '';
  }
  const wildcard = allowWildcard && rest.startsWith('*.');
  const host = wildcard ? rest.slice(2) : rest;
  if (!isHost(host)) return undefined;
  return { scheme, host, wildcard, port };
}

function isScheme(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*$/.test(text);
}

function isPort(text: string): boolean {
  return text.length > 0 && text.length <= 5 && /^[0-9]+$/.test(text) && Number(text) <= 65535;
}

/** A registered name (letters, digits, '-', '.'; no empty label) or a bracketed IPv6 address. */
function isHost(text: string): boolean {
  if (text.startsWith('[')) return /^\[[0-9a-f:.]+\]$/.test(text);
  if (text === '' || text.length > 253) return false;
  return text.split('.').every((label) => /^[a-z0-9_-]{1,63}$/.test(label));
}
