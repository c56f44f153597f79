// permessage-deflate negotiation (RFC 7692 sections 5 and 7.1) as data: the server's choice among
// offers, the client's offer and its judgement of the answer, every parameter and edge case.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveDeflateOptions } from '../../src/extensions/deflate-options.js';
import type {
  PerMessageDeflateOptions,
  ResolvedDeflateOptions,
} from '../../src/extensions/deflate-options.js';
import {
  acceptDeflateOffer,
  acceptDeflateResponse,
  deflateOffer,
  readDeflateParams,
  withDeflateOffer,
} from '../../src/extensions/negotiation.js';
import { formatExtensionHeader, parseExtensionHeader } from '../../src/protocol/header-tokens.js';

const options = (given: PerMessageDeflateOptions = {}): ResolvedDeflateOptions =>
  resolveDeflateOptions(given) as ResolvedDeflateOptions;

/** The server's answer to a header, formatted, or undefined when it declines every offer. */
function answer(header: string, given: PerMessageDeflateOptions = {}): string | undefined {
  const accepted = acceptDeflateOffer(parseExtensionHeader(header), options(given));
  return accepted === undefined ? undefined : formatExtensionHeader([accepted.response]);
}

/** The client's agreement from a response header, after offering with `given`. */
function judge(header: string, given: PerMessageDeflateOptions = {}) {
  return acceptDeflateResponse(parseExtensionHeader(header), options(given));
}

const INVALID = { code: 'WSFLOW_ERR_HANDSHAKE_INVALID_EXTENSION' };

describe('readDeflateParams', () => {
  it('reads the four parameters', () => {
    const [offer] = parseExtensionHeader(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; ' +
        'server_max_window_bits=10; client_max_window_bits="9"',
    );
    assert.deepEqual(readDeflateParams(offer.params, true), {
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 9,
    });
  });

  it('refuses unknown and repeated parameters', () => {
    assert.match(String(readDeflateParams([['x_bits', '1']], true)), /unknown parameter x_bits/);
    const twice: [string, string | true][] = [
      ['server_no_context_takeover', true],
      ['server_no_context_takeover', true],
    ];
    assert.match(String(readDeflateParams(twice, true)), /repeated/);
  });

  it('takes window bits 8 to 15 written plainly, nothing else', () => {
    for (const bits of ['8', '9', '12', '15']) {
      const values = readDeflateParams([['server_max_window_bits', bits]], false);
      assert.equal(typeof values === 'string' ? values : values.serverMaxWindowBits, Number(bits));
    }
    for (const bad of ['7', '16', '08', '+9', '9.0', '0x9', 'ten']) {
      assert.equal(typeof readDeflateParams([['server_max_window_bits', bad]], false), 'string');
      assert.equal(typeof readDeflateParams([['client_max_window_bits', bad]], true), 'string');
    }
  });

  it('needs a value for server_max_window_bits, none for the takeover parameters', () => {
    assert.equal(typeof readDeflateParams([['server_max_window_bits', true]], true), 'string');
    assert.equal(typeof readDeflateParams([['server_no_context_takeover', 'x']], true), 'string');
    assert.equal(typeof readDeflateParams([['client_no_context_takeover', '1']], true), 'string');
  });

  it('allows client_max_window_bits without a value in an offer only', () => {
    const bare: [string, string | true][] = [['client_max_window_bits', true]];
    assert.deepEqual(readDeflateParams(bare, true), {
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: undefined,
      clientMaxWindowBits: true,
    });
    assert.equal(typeof readDeflateParams(bare, false), 'string');
  });
});

describe('the server accepting an offer', () => {
  it('answers a bare offer with a bare permessage-deflate, both windows 15', () => {
    const accepted = acceptDeflateOffer(parseExtensionHeader('permessage-deflate'), options());
    assert.deepEqual(accepted?.response, { name: 'permessage-deflate', params: [] });
    assert.deepEqual(accepted?.agreement.params, {
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 15,
    });
    assert.deepEqual(accepted?.agreement.settings, {
      level: -1,
      memLevel: 8,
      threshold: 1024,
      concurrencyLimit: 10,
      contextIdleMs: 1000,
    });
  });

  it('leaves out client_max_window_bits offered without a value when it sets no limit', () => {
    assert.equal(answer('permessage-deflate; client_max_window_bits'), 'permessage-deflate');
  });

  it('echoes a client window the client announced', () => {
    const header = 'permessage-deflate; client_max_window_bits=10';
    assert.equal(answer(header), header);
  });

  it('asks for its client window only when the offer has client_max_window_bits', () => {
    const limit = { clientMaxWindowBits: 10 };
    assert.equal(
      answer('permessage-deflate; client_max_window_bits', limit),
      'permessage-deflate; client_max_window_bits=10',
    );
    assert.equal(
      answer('permessage-deflate; client_max_window_bits=12', limit),
      'permessage-deflate; client_max_window_bits=10',
    );
    assert.equal(
      answer('permessage-deflate; client_max_window_bits=9', limit),
      'permessage-deflate; client_max_window_bits=9',
    );
    assert.equal(answer('permessage-deflate', limit), undefined);
  });

  it('answers server_max_window_bits with the same or a smaller value', () => {
    const header = 'permessage-deflate; server_max_window_bits=10';
    assert.equal(answer(header), header);
    assert.equal(answer(header, { serverMaxWindowBits: 12 }), header);
    assert.equal(
      answer(header, { serverMaxWindowBits: 9 }),
      'permessage-deflate; server_max_window_bits=9',
    );
    assert.equal(
      answer('permessage-deflate', { serverMaxWindowBits: 12 }),
      'permessage-deflate; server_max_window_bits=12',
    );
  });

  it('accepts window bits 8 (zlib compresses with 9 and never reaches past 256 bytes)', () => {
    const header = 'permessage-deflate; server_max_window_bits=8; client_max_window_bits=8';
    assert.equal(answer(header), header);
  });

  it('includes server_no_context_takeover when offered or configured', () => {
    const header = 'permessage-deflate; server_no_context_takeover';
    assert.equal(answer(header), header);
    assert.equal(answer('permessage-deflate', { serverNoContextTakeover: true }), header);
    const accepted = acceptDeflateOffer(parseExtensionHeader(header), options());
    assert.equal(accepted?.agreement.params.serverNoContextTakeover, true);
  });

  it('includes client_no_context_takeover when offered or configured', () => {
    const header = 'permessage-deflate; client_no_context_takeover';
    assert.equal(answer(header), header);
    assert.equal(answer('permessage-deflate', { clientNoContextTakeover: true }), header);
  });

  it('declines offers with an unknown, repeated or invalid parameter', () => {
    assert.equal(answer('permessage-deflate; mux'), undefined);
    assert.equal(
      answer('permessage-deflate; server_max_window_bits=9; server_max_window_bits=9'),
      undefined,
    );
    assert.equal(answer('permessage-deflate; server_max_window_bits=16'), undefined);
    assert.equal(answer('permessage-deflate; server_max_window_bits'), undefined);
    assert.equal(answer('permessage-deflate; client_no_context_takeover=1'), undefined);
  });

  it('picks the first acceptable of several offers, skipping other extensions', () => {
    const header =
      'x-webkit-deflate-frame, permessage-deflate; foo, ' +
      'permessage-deflate; client_max_window_bits=11, permessage-deflate';
    assert.equal(answer(header), 'permessage-deflate; client_max_window_bits=11');
    assert.equal(
      answer('permessage-deflate, permessage-deflate; client_max_window_bits=11'),
      'permessage-deflate',
    );
    assert.equal(answer('x-webkit-deflate-frame'), undefined);
  });
});

describe('the client offering and judging the answer', () => {
  it('offers client_max_window_bits without a value by default', () => {
    assert.equal(
      formatExtensionHeader([deflateOffer(options())]),
      'permessage-deflate; client_max_window_bits',
    );
  });

  it('offers every configured parameter', () => {
    const offer = deflateOffer(
      options({
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 10,
        clientMaxWindowBits: 9,
      }),
    );
    assert.equal(
      formatExtensionHeader([offer]),
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; ' +
        'server_max_window_bits=10; client_max_window_bits=9',
    );
    const none = deflateOffer(options({ clientMaxWindowBits: false }));
    assert.equal(formatExtensionHeader([none]), 'permessage-deflate');
  });

  it('runs without compression when the server did not accept it', () => {
    assert.equal(judge(''), undefined);
    assert.equal(judge('x-other'), undefined);
  });

  it('takes the server answer parameters', () => {
    const agreement = judge(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; ' +
        'server_max_window_bits=12; client_max_window_bits=11',
    );
    assert.deepEqual(agreement?.params, {
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 12,
      clientMaxWindowBits: 11,
    });
  });

  it('fails on an unknown, repeated or invalid parameter, or a second acceptance', () => {
    assert.throws(() => judge('permessage-deflate; foo'), INVALID);
    assert.throws(
      () => judge('permessage-deflate; client_no_context_takeover; client_no_context_takeover'),
      INVALID,
    );
    assert.throws(() => judge('permessage-deflate; server_max_window_bits=7'), INVALID);
    assert.throws(() => judge('permessage-deflate, permessage-deflate'), INVALID);
  });

  it('fails on client_max_window_bits without a value in an answer', () => {
    assert.throws(() => judge('permessage-deflate; client_max_window_bits'), INVALID);
  });

  it('fails when server_no_context_takeover was asked for and not granted', () => {
    assert.throws(() => judge('permessage-deflate', { serverNoContextTakeover: true }), INVALID);
    const granted = judge('permessage-deflate; server_no_context_takeover', {
      serverNoContextTakeover: true,
    });
    assert.equal(granted?.params.serverNoContextTakeover, true);
  });

  it('fails when server_max_window_bits was asked for and is missing or larger', () => {
    const asked = { serverMaxWindowBits: 10 };
    assert.throws(() => judge('permessage-deflate', asked), INVALID);
    assert.throws(() => judge('permessage-deflate; server_max_window_bits=11', asked), INVALID);
    assert.equal(
      judge('permessage-deflate; server_max_window_bits=9', asked)?.params.serverMaxWindowBits,
      9,
    );
    assert.equal(
      judge('permessage-deflate; server_max_window_bits=9')?.params.serverMaxWindowBits,
      9,
    );
  });

  it('fails on client_max_window_bits it did not offer, or over the value offered', () => {
    assert.throws(
      () => judge('permessage-deflate; client_max_window_bits=10', { clientMaxWindowBits: false }),
      INVALID,
    );
    assert.throws(
      () => judge('permessage-deflate; client_max_window_bits=12', { clientMaxWindowBits: 11 }),
      INVALID,
    );
    const smaller = judge('permessage-deflate; client_max_window_bits=9', {
      clientMaxWindowBits: 11,
    });
    assert.equal(smaller?.params.clientMaxWindowBits, 9);
  });

  it('keeps the client window it offered when the answer leaves it out', () => {
    assert.equal(
      judge('permessage-deflate', { clientMaxWindowBits: 11 })?.params.clientMaxWindowBits,
      11,
    );
    assert.equal(judge('permessage-deflate')?.params.clientMaxWindowBits, 15);
  });

  it('resets its own context per message when it offered client_no_context_takeover', () => {
    const agreement = judge('permessage-deflate', { clientNoContextTakeover: true });
    assert.equal(agreement?.params.clientNoContextTakeover, true);
    assert.equal(judge('permessage-deflate')?.params.clientNoContextTakeover, false);
  });

  it('refuses permessage-deflate offered by hand among the raw extensions', () => {
    const raw = [{ name: 'permessage-deflate', params: [] }];
    assert.throws(() => withDeflateOffer(raw, undefined), TypeError);
    assert.deepEqual(withDeflateOffer([{ name: 'x-other', params: [] }], undefined), [
      { name: 'x-other', params: [] },
    ]);
    assert.equal(withDeflateOffer([], options()).length, 1);
  });
});

describe('resolveDeflateOptions', () => {
  it('is off for false and undefined, defaults for true', () => {
    assert.equal(resolveDeflateOptions(false), undefined);
    assert.equal(resolveDeflateOptions(undefined), undefined);
    assert.deepEqual(resolveDeflateOptions(true), {
      level: -1,
      memLevel: 8,
      threshold: 1024,
      concurrencyLimit: 10,
      contextIdleMs: 1000,
    });
    assert.equal(resolveDeflateOptions({ threshold: undefined })?.threshold, 1024);
  });

  it('refuses values out of range', () => {
    for (const bad of [
      { serverMaxWindowBits: 7 },
      { serverMaxWindowBits: 16 },
      { clientMaxWindowBits: 9.5 },
      { level: 10 },
      { memLevel: 0 },
      { threshold: -1 },
      { concurrencyLimit: 0 },
      { contextIdleMs: -1 },
      { contextIdleMs: 1.5 },
    ]) {
      assert.throws(() => resolveDeflateOptions(bad), RangeError, JSON.stringify(bad));
    }
    assert.throws(() => resolveDeflateOptions('yes' as unknown as boolean), TypeError);
  });
});
