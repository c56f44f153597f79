// Server layer: answering a WebSocket request that came as an HTTP/2 stream (RFC 8441, extended
// CONNECT). The headers come from protocol/extended-connect; this module does the I/O, and keeps
// the session: a refusal ends its stream only.

import type { ServerHttp2Stream } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { Http2ResponseHeaders } from '../protocol/extended-connect.js';

/**
 * Whether an upgrade's transport is an HTTP/2 server stream rather than an HTTP/1.1 socket.
 *
 * @param transport - The transport of a WebSocket request.
 * @returns True for a `ServerHttp2Stream`.
 * @example
 * if (isServerHttp2Stream(transport)) transport.respond({ ':status': 200 });
 */
export function isServerHttp2Stream(transport: Duplex): transport is ServerHttp2Stream {
  return (
    typeof (transport as Partial<ServerHttp2Stream>).respond === 'function' &&
    'session' in transport
  );
}

/**
 * Sends the 200 of an accepted extended CONNECT; the stream then carries the WebSocket. A
 * stream already gone is left as it is (its Connection sees it closed).
 *
 * @param stream - The request's stream, not answered yet.
 * @param headers - The response headers, `:status` 200 included.
 * @example
 * respondToStream(stream, buildExtendedConnectAccept({}));
 */
export function respondToStream(stream: ServerHttp2Stream, headers: Http2ResponseHeaders): void {
  if (!stream.destroyed && !stream.headersSent) stream.respond(headers);
}

/**
 * Answers a stream with a final response and closes it once sent (RST_STREAM with NO_ERROR,
 * so a client that keeps its side open does not hold a stream of the session); a stream
 * already gone or answered is only closed.
 *
 * @param stream - The request's stream, not answered yet.
 * @param headers - The response headers, `:status` included.
 * @param body - The body.
 * @example
 * const { headers, body } = buildHttp2Rejection({ status: 404 });
 * endStreamWithAnswer(stream, headers, body);
 */
export function endStreamWithAnswer(
  stream: ServerHttp2Stream,
  headers: Http2ResponseHeaders,
  body: Uint8Array,
): void {
  if (stream.destroyed || stream.headersSent) {
    stream.close();
    return;
  }
  stream.once('finish', () => stream.close());
  stream.respond(headers);
  stream.end(body);
}
