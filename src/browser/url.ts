// Browser client: where each attempt connects. A URL relative to the page and an http(s) URL are
// turned into ws(s) URLs here, so that a page can say '/chat' as it would to fetch().

/** A URL, or a function read again before each attempt (a fresh token, another host). */
export type UrlSource = string | URL | (() => string | URL | PromiseLike<string | URL>);

/**
 * The absolute ws: or wss: URL for `url`, resolved against the page's location where there is one.
 *
 * @throws {TypeError} for a URL that does not parse, or is relative where there is no page.
 * @throws {SyntaxError} for a scheme other than ws, wss, http or https.
 */
export function resolveSocketUrl(url: string | URL): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const resolved = new URL(url, base);
  if (resolved.protocol === 'http:') resolved.protocol = 'ws:';
  else if (resolved.protocol === 'https:') resolved.protocol = 'wss:';
  if (resolved.protocol !== 'ws:' && resolved.protocol !== 'wss:') {
    throw new SyntaxError(`a WebSocket URL needs ws:, wss:, http: or https:, not ${resolved.href}`);
  }
  resolved.hash = '';
  return resolved.href;
}
