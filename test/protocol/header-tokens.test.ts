// Tests for the handshake's list-header parsers and formatters: RFC 7230 list rules, RFC 6455
// section 9.1 extension grammar, quoted-strings, round trips, and hostile inputs.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HandshakeError, HandshakeErrorCode } from '../../src/errors.js';
import {
  type ExtensionOffer,
  checkHeaderField,
  formatExtensionHeader,
  formatTokenList,
  getHeaderValues,
  isToken,
  parseExtensionHeader,
  parseTokenList,
  parseUpgradeList,
} from '../../src/protocol/header-tokens.js';

const MB = 1024 * 1024;

/** Asserts that `fn` throws a header syntax error (a HandshakeError with no status). */
function assertSyntaxError(fn: () => unknown, header?: string): HandshakeError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof HandshakeError, `expected a HandshakeError, got ${String(caught)}`);
  assert.equal(caught.code, HandshakeErrorCode.InvalidHeader);
  assert.equal(caught.status, undefined);
  assert.deepEqual(caught.headers, {});
  assert.equal(caught.body, '');
  if (header !== undefined) assert.match(caught.message, new RegExp(`Invalid ${header} header`));
  return caught;
}

describe('isToken', () => {
  it('accepts every tchar of RFC 7230', () => {
    assert.ok(isToken("!#$%&'*+-.^_`|~09AZaz"));
  });

  it('refuses the empty string, separators, controls and non-ASCII', () => {
    for (const bad of ['', 'a b', 'a,b', 'a;b', 'a=b', 'a"b', 'a/b', 'a\tb', 'a\x7f', 'é', 'a:b']) {
      assert.equal(isToken(bad), false, JSON.stringify(bad));
    }
  });
});

describe('parseTokenList', () => {
  it('splits a list and keeps the case of each token', () => {
    assert.deepEqual(parseTokenList('keep-alive, Upgrade'), ['keep-alive', 'Upgrade']);
  });

  it('returns an empty list for an absent header', () => {
    assert.deepEqual(parseTokenList(undefined), []);
  });

  it('skips empty elements and optional whitespace (RFC 7230 section 7)', () => {
    assert.deepEqual(parseTokenList(''), []);
    assert.deepEqual(parseTokenList(' ,\t, '), []);
    assert.deepEqual(parseTokenList(',a ,,\tb\t, ,c,'), ['a', 'b', 'c']);
  });

  it('merges several header lines in order', () => {
    assert.deepEqual(parseTokenList(['chat', ' , superchat', 'x']), ['chat', 'superchat', 'x']);
  });

  it('refuses elements that are not tokens', () => {
    for (const bad of ['a b', 'a;b', 'a/b', 'a=b', '"a"', 'é', 'a\r\nb', 'a\0', 'a,b c']) {
      assertSyntaxError(() => parseTokenList(bad, 'Connection'), 'Connection');
    }
  });

  it('reports the index and character code without echoing the value', () => {
    const error = assertSyntaxError(() => parseTokenList('ok, secret value', 'Connection'));
    assert.match(error.message, /expected ',', found character 0x76 at index 11/);
    assert.doesNotMatch(error.message, /secret/);
  });
});

describe('parseUpgradeList', () => {
  it('accepts protocols with a version (RFC 7230 section 6.7)', () => {
    assert.deepEqual(parseUpgradeList('HTTP/2.0, websocket, IRC/6.9'), [
      'HTTP/2.0',
      'websocket',
      'IRC/6.9',
    ]);
  });

  it('refuses a slash without a version or without a name', () => {
    assertSyntaxError(() => parseUpgradeList('websocket/'), 'Upgrade');
    assertSyntaxError(() => parseUpgradeList('/13'), 'Upgrade');
    assertSyntaxError(() => parseUpgradeList('a/b/c'), 'Upgrade');
  });
});

describe('formatTokenList', () => {
  it('joins tokens with a comma and a space', () => {
    assert.equal(formatTokenList(['chat', 'superchat']), 'chat, superchat');
    assert.equal(formatTokenList([]), '');
  });

  it('refuses an element that is not a token', () => {
    assert.throws(() => formatTokenList(['chat', 'super chat']), TypeError);
    assert.throws(() => formatTokenList(['']), TypeError);
    assert.throws(() => formatTokenList(['a,b']), TypeError);
  });
});

describe('parseExtensionHeader', () => {
  it('parses RFC 7692 offers with and without parameter values', () => {
    const header =
      'permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate';
    assert.deepEqual(parseExtensionHeader(header), [
      {
        name: 'permessage-deflate',
        params: [
          ['client_max_window_bits', true],
          ['server_max_window_bits', '10'],
        ],
      },
      { name: 'permessage-deflate', params: [] },
    ]);
  });

  it('returns an empty list for an absent or empty header', () => {
    assert.deepEqual(parseExtensionHeader(undefined), []);
    assert.deepEqual(parseExtensionHeader(''), []);
    assert.deepEqual(parseExtensionHeader(' , ,'), []);
  });

  it('allows whitespace around ";" and "=" and skips empty elements', () => {
    assert.deepEqual(parseExtensionHeader(', a ;\tb = 1 ;c , ,d'), [
      {
        name: 'a',
        params: [
          ['b', '1'],
          ['c', true],
        ],
      },
      { name: 'd', params: [] },
    ]);
  });

  it('unquotes quoted-string values', () => {
    assert.deepEqual(parseExtensionHeader('x; y="10"; z = "abc"'), [
      {
        name: 'x',
        params: [
          ['y', '10'],
          ['z', 'abc'],
        ],
      },
    ]);
  });

  it('unescapes quoted-pairs inside quoted-string values', () => {
    assert.deepEqual(parseExtensionHeader('x; y="1\\0"; z="\\a\\b"'), [
      {
        name: 'x',
        params: [
          ['y', '10'],
          ['z', 'ab'],
        ],
      },
    ]);
  });

  it('refuses a quoted value that is not a token once unquoted (RFC 6455 section 9.1)', () => {
    for (const bad of ['x; y=""', 'x; y="a b"', 'x; y="a\\ b"', 'x; y="a\\"b"', 'x; y="a,b"']) {
      assertSyntaxError(() => parseExtensionHeader(bad), 'Sec-WebSocket-Extensions');
    }
  });

  it('refuses an unterminated quoted-string or a dangling escape', () => {
    assertSyntaxError(() => parseExtensionHeader('x; y="10'));
    assertSyntaxError(() => parseExtensionHeader('x; y="10\\'));
    assertSyntaxError(() => parseExtensionHeader('x; y="10\\"'));
  });

  it('keeps repeated parameters, for the negotiation to judge', () => {
    assert.deepEqual(parseExtensionHeader('x; a=1; a=2'), [
      {
        name: 'x',
        params: [
          ['a', '1'],
          ['a', '2'],
        ],
      },
    ]);
  });

  it('merges several header lines in order', () => {
    assert.deepEqual(
      parseExtensionHeader(['a; p', 'b, c; q=1']).map((offer) => offer.name),
      ['a', 'b', 'c'],
    );
  });

  it('refuses every break of the grammar', () => {
    const bad = [
      ';a',
      'a;',
      'a; ',
      'a;;b',
      'a; =1',
      'a; b=',
      'a; b= ,c',
      'a; b=1 2',
      'a b',
      'a, b c',
      'a; b==1',
      'a; b=1=2',
      'a,;',
      'a; b="1"c',
      'a; b=é',
      'é',
      'a\r\n; b',
    ];
    for (const value of bad) assertSyntaxError(() => parseExtensionHeader(value));
  });
});

describe('formatExtensionHeader', () => {
  it('writes names, bare parameters and token values', () => {
    const offers: ExtensionOffer[] = [
      { name: 'permessage-deflate', params: [['client_max_window_bits', true]] },
      { name: 'x', params: [['y', '10']] },
    ];
    assert.equal(
      formatExtensionHeader(offers),
      'permessage-deflate; client_max_window_bits, x; y=10',
    );
    assert.equal(formatExtensionHeader([]), '');
  });

  it('refuses names and values that are not tokens', () => {
    assert.throws(() => formatExtensionHeader([{ name: 'a b', params: [] }]), TypeError);
    assert.throws(() => formatExtensionHeader([{ name: 'a', params: [['b;', true]] }]), TypeError);
    assert.throws(() => formatExtensionHeader([{ name: 'a', params: [['b', '1 2']] }]), TypeError);
    assert.throws(() => formatExtensionHeader([{ name: 'a', params: [['b', '']] }]), TypeError);
  });
});

// Arbitraries for the round-trip properties.
const tchars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const token = fc.string({ unit: fc.constantFrom(...tchars), minLength: 1, maxLength: 12 });
const offer = fc
  .tuple(
    token,
    fc.array(fc.tuple(token, fc.oneof(token, fc.constant(true as const))), { maxLength: 4 }),
  )
  .map(([name, params]): ExtensionOffer => ({ name, params }));
const offers = fc.array(offer, { maxLength: 5 });
const ows = fc.constantFrom('', ' ', '\t', '  \t');

/** Renders a value as a quoted-string, escaping the characters `escape` says to. */
function quote(value: string, escape: boolean[]): string {
  return `"${[...value].map((c, i) => (escape[i % escape.length] ? `\\${c}` : c)).join('')}"`;
}

/** Renders offers the way a lax but valid peer might: any OWS, quoting, empty elements. */
const looseRendering = offers.chain((list) =>
  fc
    .tuple(
      fc.array(ows, { minLength: 64, maxLength: 64 }),
      fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
    )
    .map(([spaces, flags]) => {
      let n = 0;
      const sp = () => spaces[n++ % spaces.length];
      const flag = () => flags[n++ % flags.length];
      const items = list.map(({ name, params }) => {
        const parts = params.map(([p, v]) => {
          if (v === true) return `${sp()}${p}${sp()}`;
          const value = flag() ? quote(v, [flag(), flag(), flag()]) : v;
          return `${sp()}${p}${sp()}=${sp()}${value}${sp()}`;
        });
        return [`${sp()}${name}${sp()}`, ...parts].join(';');
      });
      return { list, header: (flag() ? ', ' : '') + items.join(flag() ? ',' : ', ,') };
    }),
);

describe('extension header round trips', () => {
  it('parse(format(offers)) gives the offers back', () => {
    fc.assert(
      fc.property(offers, (list) => {
        assert.deepEqual(parseExtensionHeader(formatExtensionHeader(list)), list);
      }),
    );
  });

  it('any valid rendering (whitespace, quoting, escapes, empty elements) parses the same', () => {
    fc.assert(
      fc.property(looseRendering, ({ list, header }) => {
        assert.deepEqual(parseExtensionHeader(header), list);
      }),
    );
  });

  it('format(parse(header)) is stable once normalised', () => {
    fc.assert(
      fc.property(looseRendering, ({ header }) => {
        const normal = formatExtensionHeader(parseExtensionHeader(header));
        assert.equal(formatExtensionHeader(parseExtensionHeader(normal)), normal);
      }),
    );
  });

  it('agrees with the parser of ws on what we format', () => {
    const require = createRequire(import.meta.url);
    const wsExtension = require(join(dirname(require.resolve('ws')), 'lib/extension.js')) as {
      parse(header: string): Record<string, Array<Record<string, Array<string | true>>>>;
    };
    fc.assert(
      fc.property(fc.array(offer, { minLength: 1, maxLength: 5 }), (list) => {
        const theirs = wsExtension.parse(formatExtensionHeader(list));
        for (const { name, params } of list) {
          const configuration = theirs[name].shift();
          assert.ok(configuration !== undefined);
          for (const [param, value] of params) assert.equal(configuration[param].shift(), value);
        }
      }),
    );
  });

  it('token lists round-trip through formatTokenList and parseTokenList', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), (tokens) => {
        assert.deepEqual(parseTokenList(formatTokenList(tokens)), tokens);
      }),
    );
  });
});

describe('getHeaderValues', () => {
  it('matches names without regard to case and flattens lists in record order', () => {
    const headers = { Host: 'a', 'x-list': ['1', '2'], 'X-List': '3', other: undefined };
    assert.deepEqual(getHeaderValues(headers, 'host'), ['a']);
    assert.deepEqual(getHeaderValues(headers, 'X-LIST'), ['1', '2', '3']);
    assert.deepEqual(getHeaderValues(headers, 'other'), []);
    assert.deepEqual(getHeaderValues(headers, 'absent'), []);
  });
});

describe('checkHeaderField', () => {
  it('accepts visible ASCII, spaces and tabs', () => {
    checkHeaderField('X-Trace', 'a b\tc ~!');
  });

  it('refuses CR, LF, NUL, other controls, DEL and non-ASCII in values', () => {
    for (const bad of ['a\r\nSet-Cookie: x', 'a\nb', 'a\rb', 'a\0', 'a\x01', 'a\x7f', 'é']) {
      assert.throws(() => checkHeaderField('X-Trace', bad), TypeError, JSON.stringify(bad));
    }
  });

  it('refuses names that are not tokens', () => {
    for (const bad of ['', 'X Trace', 'X:Trace', 'X\r\nTrace', 'Trâce']) {
      assert.throws(() => checkHeaderField(bad, 'v'), TypeError, JSON.stringify(bad));
    }
  });
});

describe('hostile headers of 1 MB are handled in one pass', () => {
  it('a single huge token', () => {
    assert.equal(parseTokenList('a'.repeat(MB))[0].length, MB);
  });

  it('a list of half a million empty elements', () => {
    assert.deepEqual(parseTokenList(', '.repeat(MB / 2)), []);
    assert.deepEqual(parseExtensionHeader(' ,'.repeat(MB / 2)), []);
  });

  it('half a million tokens', () => {
    assert.equal(parseTokenList('a,'.repeat(MB / 2)).length, MB / 2);
  });

  it('whitespace then a bad character', () => {
    assertSyntaxError(() => parseTokenList('a' + ' '.repeat(MB) + 'b'));
    assertSyntaxError(() => parseExtensionHeader('a;' + ' '.repeat(MB) + '='));
  });

  it('an extension with half a million parameters, ending badly', () => {
    assert.equal(parseExtensionHeader('x' + ';a'.repeat(MB / 2))[0].params.length, MB / 2);
    assertSyntaxError(() => parseExtensionHeader('x' + ';a'.repeat(MB / 2) + ';'));
  });

  it('an unterminated quoted-string full of escapes', () => {
    assertSyntaxError(() => parseExtensionHeader('x; y="' + '\\a'.repeat(MB / 2)));
  });

  it('a quoted-string of half a million escapes', () => {
    const [extension] = parseExtensionHeader('x; y="' + '\\a'.repeat(MB / 2) + '"');
    assert.equal((extension.params[0][1] as string).length, MB / 2);
  });

  it('an Upgrade list of slashes', () => {
    assertSyntaxError(() => parseUpgradeList('a/'.repeat(MB / 2)));
  });
});
