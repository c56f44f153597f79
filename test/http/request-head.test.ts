// The bounded request-head reader serve() answers upgrades with: every split of valid heads,
// the size and count limits, malformed request lines and fields, and garbage.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestHeadError, RequestHeadReader } from '../../src/http/request-head.js';
import type { RequestHead, RequestHeadLimits } from '../../src/http/request-head.js';
import { hasControlCharacter, pushFieldLine, splitFieldLine } from '../../src/http/field-line.js';
import { forEachChunking } from '../helpers/split-feed.js';
import { seededBytes } from '../helpers/seeded-bytes.js';

const LIMITS: RequestHeadLimits = { maxHeadBytes: 16 * 1024, maxHeaderCount: 100 };

const HEAD =
  'GET /chat?room=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUpgrade: websocket\r\n' +
  'Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
  'X-Spaces: \t padded \t\r\nX-Empty:\r\nsec-websocket-version: 13\r\n\r\n';

/** Feeds chunks to a fresh reader; returns the head and what followed it, or throws. */
function feed(
  chunks: readonly Uint8Array[],
  limits = LIMITS,
): { head: RequestHead; rest: Buffer; pushes: number } | undefined {
  const reader = new RequestHeadReader(limits);
  for (const [i, chunk] of chunks.entries()) {
    const head = reader.push(Buffer.from(chunk));
    if (head !== undefined) {
      return { head, rest: reader.received.subarray(head.headBytes), pushes: i + 1 };
    }
  }
  return undefined;
}

/** The status of the RequestHeadError that feeding `text` whole throws, or 0 for none. */
function statusOf(text: string, limits = LIMITS): number {
  try {
    feed([Buffer.from(text, 'latin1')], limits);
    return 0;
  } catch (error) {
    assert.ok(error instanceof RequestHeadError, String(error));
    return error.status;
  }
}

describe('RequestHeadReader', () => {
  it('reads a head at every split, keeping the bytes after it', () => {
    const frames = Buffer.from([0x81, 0x82, 1, 2, 3, 4, 0x69, 0x6b]);
    const bytes = Buffer.concat([Buffer.from(HEAD, 'latin1'), frames]);
    forEachChunking(bytes, (chunks) => {
      const result = feed(chunks);
      assert.ok(result !== undefined, 'the head is complete');
      const { head } = result;
      assert.equal(head.method, 'GET');
      assert.equal(head.target, '/chat?room=1');
      assert.deepEqual([head.versionMajor, head.versionMinor], [1, 1]);
      assert.equal(head.headBytes, HEAD.length);
      assert.deepEqual(head.rawHeaders, [
        'Host',
        '127.0.0.1:8080',
        'Upgrade',
        'websocket',
        'Connection',
        'keep-alive, Upgrade',
        'Sec-WebSocket-Key',
        'dGhlIHNhbXBsZSBub25jZQ==',
        'X-Spaces',
        'padded',
        'X-Empty',
        '',
        'sec-websocket-version',
        '13',
      ]);
      // The frames that followed in the same chunks, whatever the split.
      const pushedAfter = Buffer.concat(chunks.map((c) => Buffer.from(c))).subarray(
        0,
        chunks.slice(0, result.pushes).reduce((n, c) => n + c.length, 0),
      );
      assert.deepEqual(result.rest, pushedAfter.subarray(HEAD.length));
    });
  });

  it('asks for more at every prefix of a head', () => {
    const bytes = Buffer.from(HEAD, 'latin1');
    for (let end = 0; end < bytes.length; end++) {
      assert.equal(feed([bytes.subarray(0, end)]), undefined, `prefix of ${end} bytes`);
    }
  });

  it('finds CRLFCRLF split across chunks after false starts (CR CR LF, CRLF CR x)', () => {
    const text = 'GET / HTTP/1.1\r\nA: b\r\r\nC: d\r\n\rx: y\r\n\r\n';
    // Neither '\r\r\n' nor '\r\n\rx' ends the head, only the last CRLFCRLF; the bare CRs
    // left inside values are control characters, so the complete head is then refused.
    forEachChunking(Buffer.from(text, 'latin1'), (chunks) => {
      assert.throws(() => feed(chunks), { status: 400 });
    });
    const clean = 'GET / HTTP/1.1\r\nA: b\r\nC: d\r\n\r\n';
    forEachChunking(Buffer.from(clean, 'latin1'), (chunks) => {
      assert.equal(feed(chunks)?.head.headBytes, clean.length);
    });
  });

  it('takes a head of exactly maxHeadBytes and refuses one byte more with 431', () => {
    const base = 'GET / HTTP/1.1\r\nX: \r\n\r\n';
    const limits = { maxHeadBytes: 200, maxHeaderCount: 100 };
    const exact = base.replace('X: ', `X: ${'a'.repeat(200 - base.length)}`);
    assert.equal(exact.length, 200);
    assert.equal(statusOf(exact, limits), 0);
    assert.equal(statusOf(exact.replace('X: ', 'X: a'), limits), 431);
  });

  it('refuses an endless head with 431 once maxHeadBytes arrived, at every split', () => {
    const limits = { maxHeadBytes: 64, maxHeaderCount: 100 };
    const bytes = Buffer.from(`GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(80)}`, 'latin1');
    forEachChunking(bytes, (chunks) => {
      assert.throws(() => feed(chunks, limits), { status: 431 });
    });
  });

  it('keeps at most maxHeadBytes plus one chunk', () => {
    const limits = { maxHeadBytes: 1024, maxHeaderCount: 100 };
    const reader = new RequestHeadReader(limits);
    reader.push(Buffer.from('GET / HTTP/1.1\r\n'));
    let thrown: unknown;
    for (let i = 0; i < 10_000 && thrown === undefined; i++) {
      try {
        reader.push(Buffer.alloc(100, 0x61));
      } catch (error) {
        thrown = error;
      }
    }
    assert.ok(thrown instanceof RequestHeadError && thrown.status === 431);
    assert.ok(reader.received.length <= 1024 + 100);
  });

  it('counts header fields: maxHeaderCount is taken, one more is a 431', () => {
    const limits = { maxHeadBytes: 16 * 1024, maxHeaderCount: 3 };
    const head = (n: number): string =>
      'GET / HTTP/1.1\r\n' + Array.from({ length: n }, (_, i) => `X-${i}: v\r\n`).join('') + '\r\n';
    assert.equal(feed([Buffer.from(head(3))], limits)?.head.rawHeaders.length, 6);
    assert.equal(statusOf(head(4), limits), 431);
    assert.equal(statusOf(head(0), limits), 0);
  });

  it('refuses malformed request lines with 400', () => {
    const lines = [
      '',
      'GET',
      'GET /',
      'GET / ',
      ' GET / HTTP/1.1',
      'GET  HTTP/1.1',
      'G@T / HTTP/1.1',
      'GET / HTTP/1.1 ',
      'GET / HTTP/11',
      'GET / HTTP/1.1x',
      'GET / http/1.1',
      'GET / HTTP/a.1',
      'GET /a\x01b HTTP/1.1',
      'GET /a\x7fb HTTP/1.1',
      'GET / HTTP/1.1\nHost: a',
    ];
    for (const line of lines) {
      assert.equal(statusOf(`${line}\r\nHost: a\r\n\r\n`), 400, JSON.stringify(line));
    }
  });

  it('reads other methods and versions as they are (deciding is the server’s business)', () => {
    const result = feed([Buffer.from('POST /a%20b HTTP/1.0\r\n\r\n')]);
    assert.deepEqual(
      [result?.head.method, result?.head.target, result?.head.versionMinor],
      ['POST', '/a%20b', 0],
    );
  });

  it('refuses malformed header lines with 400', () => {
    const fields = [
      'NoColon',
      ': empty name',
      'Space Name: x',
      'Name : x',
      ' folded: x',
      '\tfolded',
      'Name: a\x00b',
      'Name: a\x1bb',
      'Name: a\rb',
      'Name: a\x7f',
      'N\u00e9: x',
    ];
    for (const field of fields) {
      const text = `GET / HTTP/1.1\r\nHost: a\r\n${field}\r\n\r\n`;
      assert.equal(statusOf(text), 400, JSON.stringify(field));
    }
  });

  it('keeps obs-text (bytes 0x80-0xff) in values, as latin1', () => {
    const result = feed([Buffer.from('GET / HTTP/1.1\r\nX: caf\xe9\r\n\r\n', 'latin1')]);
    assert.deepEqual(result?.head.rawHeaders, ['X', 'caf\u00e9']);
  });

  it('never throws anything but a RequestHeadError on garbage, whatever the split', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const garbage = Buffer.from(seededBytes(300, seed, seed % 2 === 0));
      const withEnd = Buffer.concat([garbage, Buffer.from('\r\n\r\n')]);
      for (const bytes of [garbage, withEnd]) {
        const limits = { maxHeadBytes: 256, maxHeaderCount: 10 };
        for (const size of [1, 7, 300]) {
          const chunks = [];
          for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
          try {
            feed(chunks, limits);
          } catch (error) {
            assert.ok(error instanceof RequestHeadError, `seed ${seed}: ${String(error)}`);
          }
        }
      }
    }
  });
});

describe('splitFieldLine', () => {
  it('splits name and value, trimming spaces and tabs around the value only', () => {
    assert.deepEqual(splitFieldLine('Upgrade:  websocket '), ['Upgrade', 'websocket']);
    assert.deepEqual(splitFieldLine('X:\ta \t b\t'), ['X', 'a \t b']);
    assert.deepEqual(splitFieldLine('X:'), ['X', '']);
    assert.deepEqual(splitFieldLine('X:a:b'), ['X', 'a:b']);
  });

  it('refuses lines without a token name or with control characters in the value', () => {
    for (const line of ['', ':x', ' X: y', 'X Y: z', 'X', 'X: a\nb', 'X: \x00']) {
      assert.equal(splitFieldLine(line), undefined, JSON.stringify(line));
    }
  });

  it('pushFieldLine reads a line inside a longer text and leaves the list alone on failure', () => {
    const text = 'GET / HTTP/1.1\r\nHost:  a \r\nBad Name: x\r\n';
    const out: string[] = [];
    assert.equal(pushFieldLine(text, 16, 25, out), true);
    assert.deepEqual(out, ['Host', 'a']);
    assert.equal(pushFieldLine(text, 27, 38, out), false);
    assert.deepEqual(out, ['Host', 'a']);
    // A colon past the end of the line does not count.
    assert.equal(pushFieldLine('Host\r\nX: y', 0, 4, out), false);
  });

  it('hasControlCharacter: HTAB only where allowed', () => {
    assert.equal(hasControlCharacter('a\tb', true), false);
    assert.equal(hasControlCharacter('a\tb', false), true);
    assert.equal(hasControlCharacter('a\x7f', true), true);
    assert.equal(hasControlCharacter('caf\u00e9', false), false);
  });
});
