// Client layer: the body of a refusal sent with `Transfer-Encoding: chunked` (RFC 9112 section 7.1),
// decoded as far as it arrived, for the handshake that reads its response itself.

/** What arrived of a chunked body, decoded. */
export interface ChunkedBody {
  /** The data of the chunks so far (a chunk cut short counts with what arrived of it). */
  body: Buffer;
  /** True once the last chunk (size 0) arrived, or the input breaks the framing. */
  complete: boolean;
}

const CRLF = Buffer.from('\r\n', 'latin1');

/**
 * Decodes a chunked body from the bytes received after the head, up to `maxBytes` of data.
 * Extensions and trailers are skipped; a size line that does not parse ends the body there.
 *
 * @param bytes - Everything received after the head so far.
 * @param maxBytes - The most data bytes kept.
 * @returns The data so far, and whether nothing more belongs to the body.
 * @example
 * decodeChunked(Buffer.from('5\r\nhello\r\n0\r\n\r\n'), 1024); // { body: 'hello', complete: true }
 */
export function decodeChunked(bytes: Buffer, maxBytes: number): ChunkedBody {
  const parts: Buffer[] = [];
  let size = 0;
  let pos = 0;
  while (size < maxBytes) {
    const lineEnd = bytes.indexOf(CRLF, pos);
    if (lineEnd === -1) return { body: Buffer.concat(parts), complete: false };
    const sizeText = bytes.toString('latin1', pos, lineEnd).split(';')[0].trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) break;
    const chunkBytes = parseInt(sizeText, 16);
    if (chunkBytes === 0) break;
    const start = lineEnd + 2;
    const kept = bytes.subarray(start, Math.min(start + chunkBytes, bytes.length));
    parts.push(kept.subarray(0, maxBytes - size));
    size += Math.min(kept.length, maxBytes - size);
    if (kept.length < chunkBytes) return { body: Buffer.concat(parts), complete: size >= maxBytes };
    pos = start + chunkBytes + 2;
  }
  return { body: Buffer.concat(parts), complete: true };
}
