// The WHATWG WebSocket's argument checks: every branch of the URL, subprotocol and close()
// rules, with the standard's DOMException names.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  closeArguments,
  offeredProtocols,
  webSocketUrl,
} from '../../src/client/web-socket-checks.js';

/** Asserts that `run` throws a DOMException named `name`. */
function throwsDom(run: () => unknown, name: string): void {
  assert.throws(run, (error: unknown) => error instanceof DOMException && error.name === name);
}

describe('WebSocket checks: the URL', () => {
  it('takes ws: and wss:, and turns http: and https: into them', () => {
    assert.equal(webSocketUrl('ws://127.0.0.1:1/a?b').href, 'ws://127.0.0.1:1/a?b');
    assert.equal(webSocketUrl(new URL('wss://example.com/')).href, 'wss://example.com/');
    assert.equal(webSocketUrl('http://example.com/x').href, 'ws://example.com/x');
    assert.equal(webSocketUrl('https://example.com/x').href, 'wss://example.com/x');
  });

  it('refuses a URL that does not parse, or a relative one, with a SyntaxError', () => {
    throwsDom(() => webSocketUrl('ws://[::1'), 'SyntaxError');
    throwsDom(() => webSocketUrl('/chat'), 'SyntaxError');
  });

  it('refuses another scheme with a SyntaxError', () => {
    throwsDom(() => webSocketUrl('ftp://example.com/'), 'SyntaxError');
  });

  it('refuses a fragment, even an empty one, with a SyntaxError', () => {
    throwsDom(() => webSocketUrl('ws://example.com/#top'), 'SyntaxError');
    throwsDom(() => webSocketUrl('ws://example.com/#'), 'SyntaxError');
  });
});

describe('WebSocket checks: the subprotocols', () => {
  it('takes none, a string, or a list', () => {
    assert.deepEqual(offeredProtocols(undefined), []);
    assert.deepEqual(offeredProtocols('chat'), ['chat']);
    assert.deepEqual(offeredProtocols(['v2', 'v1']), ['v2', 'v1']);
  });

  it('refuses one that is not a token with a SyntaxError', () => {
    throwsDom(() => offeredProtocols('chat v2'), 'SyntaxError');
    throwsDom(() => offeredProtocols(['']), 'SyntaxError');
  });

  it('refuses one offered twice with a SyntaxError', () => {
    throwsDom(() => offeredProtocols(['chat', 'chat']), 'SyntaxError');
  });
});

describe('WebSocket checks: close(code, reason)', () => {
  it('takes 1000 and 3000 to 4999', () => {
    for (const code of [1000, 3000, 4999]) {
      assert.deepEqual(closeArguments(code, undefined), { code, reason: '' });
    }
  });

  it('refuses every other code with an InvalidAccessError', () => {
    for (const code of [0, 999, 1001, 1005, 1006, 2999, 5000, 65535, Number.NaN, -1]) {
      throwsDom(() => closeArguments(code, undefined), 'InvalidAccessError');
    }
  });

  it('clamps the code as WebIDL does: halves round to even', () => {
    assert.equal(closeArguments(3000.4, undefined).code, 3000);
    assert.equal(closeArguments(3000.5, undefined).code, 3000);
    assert.equal(closeArguments(3001.5, undefined).code, 3002);
    assert.equal(closeArguments(3000.6, undefined).code, 3001);
    assert.equal(closeArguments(999.5, undefined).code, 1000); // 999 is odd: up to 1000
    throwsDom(() => closeArguments(2999.4, undefined), 'InvalidAccessError');
  });

  it('takes a reason of 123 bytes, and refuses 124 with a SyntaxError', () => {
    assert.equal(closeArguments(1000, 'é'.repeat(61) + 'a').reason.length, 62);
    throwsDom(() => closeArguments(1000, 'é'.repeat(62)), 'SyntaxError');
  });

  it('counts a lone surrogate as the 3 bytes of U+FFFD', () => {
    assert.equal(closeArguments(1000, '\ud800'.repeat(41)).reason.length, 41);
    throwsDom(() => closeArguments(1000, '\ud800'.repeat(41) + 'a'), 'SyntaxError');
  });

  it('sends no code without arguments, and 1000 with only a reason', () => {
    assert.deepEqual(closeArguments(undefined, undefined), { code: undefined, reason: '' });
    assert.deepEqual(closeArguments(undefined, 'bye'), { code: 1000, reason: 'bye' });
  });
});
