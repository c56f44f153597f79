// The matcher and the target decoding, without sockets: patterns, the most specific route,
// percent-encoding, dot segments, long and hostile paths, duplicate query keys.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadTarget, decodeQuery, decodeTarget } from '../../src/routing/decode.js';
import { compilePattern } from '../../src/routing/pattern.js';
import { RouteTree } from '../../src/routing/route-tree.js';

function treeOf(...patterns: string[]): RouteTree<string> {
  const tree = new RouteTree<string>();
  for (const pattern of patterns) tree.add(compilePattern(pattern), pattern);
  return tree;
}

/** The winning pattern and its params for a request target, or undefined. */
function route(tree: RouteTree<string>, target: string) {
  const [match] = tree.match(decodeTarget(target).segments);
  return match === undefined ? undefined : { pattern: match.value, params: { ...match.params } };
}

describe('route patterns', () => {
  it('splits literals, parameters and a catch-all tail', () => {
    assert.deepEqual(compilePattern('/chat/:room/*rest').segments, [
      { kind: 'literal', text: 'chat' },
      { kind: 'param', name: 'room' },
      { kind: 'tail', name: 'rest' },
    ]);
    assert.deepEqual(compilePattern('/').segments, []);
  });

  it('refuses patterns that could not be matched or named', () => {
    for (const bad of ['chat', '/a/*tail/b', '/:', '/:a/:a', '/:1x', '/a/..', '/a%2Fb', '/a?b']) {
      assert.throws(() => compilePattern(bad), TypeError, bad);
    }
  });
});

describe('matching', () => {
  const tree = treeOf(
    '/',
    '/chat/:room',
    '/chat/lobby',
    '/chat/:room/history',
    '/users/me',
    '/users/:id/posts',
    '/files/*path',
    '/files/readme',
  );

  it('reads parameters and prefers literals', () => {
    assert.deepEqual(route(tree, '/'), { pattern: '/', params: {} });
    assert.deepEqual(route(tree, '/chat/general'), {
      pattern: '/chat/:room',
      params: { room: 'general' },
    });
    assert.deepEqual(route(tree, '/chat/lobby'), { pattern: '/chat/lobby', params: {} });
    assert.deepEqual(route(tree, '/chat/lobby/history'), {
      pattern: '/chat/:room/history',
      params: { room: 'lobby' },
    });
  });

  it('never commits to a literal too early: /users/me/posts is /users/:id/posts', () => {
    assert.deepEqual(route(tree, '/users/me/posts'), {
      pattern: '/users/:id/posts',
      params: { id: 'me' },
    });
  });

  it('gives a catch-all the rest of the path, after any more specific route', () => {
    assert.deepEqual(route(tree, '/files/readme'), { pattern: '/files/readme', params: {} });
    assert.deepEqual(route(tree, '/files/docs/a.txt'), {
      pattern: '/files/*path',
      params: { path: 'docs/a.txt' },
    });
    assert.deepEqual(route(tree, '/files'), { pattern: '/files/*path', params: { path: '' } });
  });

  it('answers no route for unknown paths, an empty parameter, or a trailing slash', () => {
    assert.equal(route(tree, '/nope'), undefined);
    assert.equal(route(tree, '/chat/'), undefined);
    assert.equal(route(tree, '/chat/lobby/'), undefined);
    assert.equal(route(tree, '/chat//history'), undefined);
  });

  it('decodes each segment after splitting: an encoded slash stays in its parameter', () => {
    assert.deepEqual(route(tree, '/chat/a%2Fb'), {
      pattern: '/chat/:room',
      params: { room: 'a/b' },
    });
    assert.deepEqual(route(tree, '/chat/caf%C3%A9'), {
      pattern: '/chat/:room',
      params: { room: 'café' },
    });
    // An encoded literal is the literal.
    assert.deepEqual(route(tree, '/%63hat/lobby'), { pattern: '/chat/lobby', params: {} });
  });

  it('refuses an encoded slash where a catch-all would take it', () => {
    assert.throws(() => route(tree, '/files/a%2F..%2Fsecret'), BadTarget);
  });

  it('keeps parameter values as data: no prototype', () => {
    const match = treeOf('/:constructor').match(['__proto__'])[0];
    assert.equal(Object.getPrototypeOf(match.params), null);
    assert.equal(match.params.constructor, '__proto__');
  });

  it('returns every route of the winning pattern, in order (one per subprotocol)', () => {
    const shared = new RouteTree<string>();
    shared.add(compilePattern('/ws/:a'), 'first');
    shared.add(compilePattern('/ws/:b'), 'second');
    const matches = shared.match(['ws', 'x']);
    assert.deepEqual(
      matches.map((m) => [m.value, { ...m.params }]),
      [
        ['first', { a: 'x' }],
        ['second', { b: 'x' }],
      ],
    );
  });

  it('matches a 100,000-segment path against many routes in bounded steps', () => {
    const many = treeOf(...Array.from({ length: 50 }, (_, i) => `/r${i}/:a/:b/*rest`), '/:x/:y');
    const segments = Array.from({ length: 100_000 }, (_, i) => (i === 0 ? 'r7' : 'x'));
    const [match] = many.match(segments);
    assert.equal(match.value, '/r7/:a/:b/*rest');
    assert.equal(match.params.rest.length, 2 * (100_000 - 3) - 1);
    // A path that looks like many routes at every step but matches none.
    assert.deepEqual(treeOf('/:a/:b/:c/x', '/:a/:b/y/:c').match(Array(50_000).fill('y')), []);
  });
});

describe('target decoding', () => {
  it('splits path and query, and ignores a fragment', () => {
    assert.deepEqual(decodeTarget('/a/b?x=1#f'), {
      path: '/a/b',
      segments: ['a', 'b'],
      rawQuery: 'x=1',
    });
    assert.deepEqual(decodeTarget('/'), { path: '/', segments: [], rawQuery: '' });
  });

  it('refuses dot segments, sent plain or percent-encoded', () => {
    for (const target of ['/files/../etc', '/files/./a', '/files/%2e%2E/etc', '/files/.%2e']) {
      assert.throws(() => decodeTarget(target), /dot segment/, target);
    }
    assert.deepEqual(decodeTarget('/files/...').segments, ['files', '...']);
  });

  it('refuses bad percent-encoding and targets that are not paths', () => {
    for (const target of ['/a%', '/a%zz', '/%C3%28', '/%ED%A0%80', '*', 'http://x/']) {
      assert.throws(() => decodeTarget(target), BadTarget, target);
    }
  });

  it('decodes the query: + as space, repeated keys kept in order, bad encoding refused', () => {
    const query = decodeQuery('tag=a&tag=b&q=caf%C3%A9+au+lait&empty&=v&&x=1=2');
    assert.deepEqual(query.getAll('tag'), ['a', 'b']);
    assert.equal(query.get('q'), 'café au lait');
    assert.equal(query.get('empty'), '');
    assert.equal(query.get(''), 'v');
    assert.equal(query.get('x'), '1=2');
    assert.throws(() => decodeQuery('q=%E0%A4%A'), BadTarget);
    assert.throws(() => decodeQuery('%=1'), BadTarget);
  });

  it('decodes a query of 100,000 pairs', () => {
    const raw = Array.from({ length: 100_000 }, (_, i) => `k=${i}`).join('&');
    assert.equal(decodeQuery(raw).getAll('k').length, 100_000);
  });
});
