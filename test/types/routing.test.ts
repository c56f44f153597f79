// Type tests for routes: parameter names inferred from the pattern, reverse routing by name with
// the right parameters, and typed per-connection data. Checked when the suite compiles (an
// expected error that does not occur fails the build), run as one trivial test.

import { it } from 'node:test';
import { Router, accept, echo, reject, routeOf } from '../../src/index.js';
import type { Connection, PathParams, RouteRequest } from '../../src/index.js';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

export type Params = [
  Expect<Equal<PathParams<'/chat/:room'>, { readonly room: string }>>,
  Expect<Equal<PathParams<'/files/*path'>, { readonly path: string }>>,
  Expect<
    Equal<
      PathParams<'/a/:b/c/:d/*e'>,
      { readonly b: string; readonly d: string; readonly e: string }
    >
  >,
  Expect<Equal<PathParams<'/static'>, Record<never, string>>>,
];

export const router = new Router()
  .route(
    '/chat/:room',
    (request) => {
      const room: string = request.params.room;
      // @ts-expect-error: no parameter of that name in '/chat/:room'
      void request.params.rooom;
      return room === '' ? reject(404) : accept(echo(), { data: { user: 'ada' } });
    },
    { name: 'chat' },
  )
  .route('/files/*path', (_request: RouteRequest<'/files/*path'>) => accept(echo()), {
    name: 'files',
  });

// Not called: only compiled.
export const urls = (): string[] => [
  router.url('chat', { room: 'lobby' }),
  router.url('files', { path: 'a/b.txt' }),
  // @ts-expect-error: 'chat' takes `room`
  router.url('chat', { path: 'x' }),
  // @ts-expect-error: no route is named 'nope'
  router.url('nope', {}),
];

// A handler answers accept() or reject(), at once or as a promise; nothing else.
export const answers = (): Router =>
  new Router()
    .route('/sync', () => accept(echo()))
    .route('/async', async () => reject(403, { body: 'no\n' }))
    // @ts-expect-error: a flow is not an answer
    .route('/flow', () => echo());

// The data passed to accept() is read back typed, as named.
export function userOf(connection: Connection): string | undefined {
  const route = routeOf<{ user: string }>(connection);
  // @ts-expect-error: the data has no `id`
  void route?.data.id;
  void route?.request.headers.host; // the request stays readable
  // @ts-expect-error: node:http's request object is let go once the connection opens
  void route?.request.raw;
  return route?.data.user;
}

it('routing types compile', () => undefined);
