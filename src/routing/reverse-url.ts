// Routing layer: reverse routing. The URL of a route from its pattern and parameters, each
// percent-encoded; absolute (ws: or wss:, host and port) when built from the HTTP request that
// served the page, as Play's reverse router builds `routes.X.ws().webSocketURL()`.

import type { IncomingMessage } from 'node:http';
import { getHeaderValues } from '../protocol/header-tokens.js';
import type { CompiledPattern } from './pattern.js';
import { isTls } from './route-request.js';

/** Options of `Router.url`. */
export interface RouteUrlOptions {
  /** A query string to append: pairs, a record (an array value repeats the key) or URLSearchParams. */
  query?: URLSearchParams | Readonly<Record<string, string | readonly string[]>>;
  /**
   * The HTTP request that served the page: the URL is then absolute, `wss:` when that request
   * came over TLS, `ws:` otherwise, with its Host. Omit it for a path-only URL.
   */
  from?: IncomingMessage;
  /**
   * Whether a proxy in front of the server is trusted: then `Forwarded` (RFC 7239) or
   * `X-Forwarded-Proto` and `X-Forwarded-Host` say the scheme and host the client used. Never set
   * it without such a proxy: clients could choose the URL. Default false.
   */
  trustProxy?: boolean;
}

/**
 * Builds the URL of a route from its parameters.
 *
 * @param pattern - The route's compiled pattern.
 * @param params - A value per parameter; a catch-all's value may hold '/'.
 * @param options - A query, and the request to make the URL absolute from.
 * @returns The URL, e.g. '/chat/caf%C3%A9' or 'wss://example.com/chat/caf%C3%A9?since=3'.
 * @throws {TypeError} For a missing or empty parameter, or a value with a '.' or '..' segment.
 */
export function buildRouteUrl(
  pattern: CompiledPattern,
  params: Readonly<Record<string, string>>,
  options: RouteUrlOptions = {},
): string {
  let path = '';
  for (const segment of pattern.segments) {
    if (segment.kind === 'literal') {
      path += '/' + encodeURIComponent(segment.text);
      continue;
    }
    const value: unknown = params[segment.name];
    if (typeof value !== 'string' || (segment.kind === 'param' && value === '')) {
      throw new TypeError(`The route ${pattern.pattern} needs a value for ${segment.name}`);
    }
    const parts = segment.kind === 'tail' ? value.split('/') : [value];
    if (parts.some((part) => part === '.' || part === '..')) {
      throw new TypeError(`A dot segment cannot be the value of ${segment.name}`);
    }
    path += '/' + parts.map(encodeURIComponent).join('/');
  }
  if (path === '') path = '/';
  const query = queryString(options.query);
  const relative = query === '' ? path : `${path}?${query}`;
  const from = options.from;
  if (from === undefined) return relative;
  const { scheme, host } = originOf(from, options.trustProxy === true);
  return `${scheme}://${host}${relative}`;
}

function queryString(query: RouteUrlOptions['query']): string {
  if (query === undefined) return '';
  if (query instanceof URLSearchParams) return query.toString();
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of typeof value === 'string' ? [value] : value) search.append(key, item);
  }
  return search.toString();
}

/** The scheme (ws or wss) and host a client reached `request` with. */
function originOf(request: IncomingMessage, trustProxy: boolean): { scheme: string; host: string } {
  let secure = isTls(request);
  let host = request.headers.host;
  if (trustProxy) {
    const forwarded = firstForwarded(request);
    const proto = forwarded.proto ?? firstValue(request, 'x-forwarded-proto');
    if (proto !== undefined) secure = /^(https|wss)$/i.test(proto);
    host = forwarded.host ?? firstValue(request, 'x-forwarded-host') ?? host;
  }
  if (host === undefined || host === '' || /[\s/?#@\\]/.test(host)) {
    throw new TypeError('The request has no usable Host to build an absolute URL from');
  }
  return { scheme: secure ? 'wss' : 'ws', host };
}

/** The first value of a header that may be a comma-separated list (the client-side hop). */
function firstValue(request: IncomingMessage, name: string): string | undefined {
  const [value] = getHeaderValues(request.headers, name);
  const first = value?.split(',')[0].trim();
  return first === '' ? undefined : first;
}

/** `proto` and `host` of the first element of a Forwarded header (RFC 7239 section 4). */
function firstForwarded(request: IncomingMessage): { proto?: string; host?: string } {
  const [value] = getHeaderValues(request.headers, 'forwarded');
  if (value === undefined) return {};
  const result: { proto?: string; host?: string } = {};
  for (const pair of value.split(',')[0].split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1) continue;
    const name = pair.slice(0, equals).trim().toLowerCase();
    let item = pair.slice(equals + 1).trim();
    if (item.startsWith('"') && item.endsWith('"') && item.length >= 2) item = item.slice(1, -1);
    if (name === 'proto') result.proto = item;
    if (name === 'host') result.host = item;
  }
  return result;
}
