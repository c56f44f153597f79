// Type tests for guards: what each guard passes reaches the route's handler typed, several
// guards add up, and a handler cannot read what no guard added. Checked when the suite compiles
// (an expected error that does not occur fails the build), run as one trivial test.

import { it } from 'node:test';
import {
  Router,
  accept,
  allowOrigins,
  authenticateBasic,
  echo,
  pass,
  reject,
} from '../../src/index.js';
import type { Guard, GuardsAdded, RouteRequest } from '../../src/index.js';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

interface User {
  readonly name: string;
  readonly admin: boolean;
}

const login = authenticateBasic('chat', ({ username }): User | undefined =>
  username === 'ada' ? { name: 'ada', admin: true } : undefined,
);
const asyncLogin = authenticateBasic('chat', async ({ username }) => ({ id: username.length }));
const tenant: Guard<{ tenant: number }> = (request) =>
  request.headers['x-tenant'] === undefined ? reject(400) : pass({ tenant: 7 });
const sameSite = allowOrigins(['https://example.com', 'https://*.example.com']);

export type Added = [
  Expect<Equal<typeof login, Guard<{ user: User }>>>,
  Expect<Equal<typeof asyncLogin, Guard<{ user: { id: number } }>>>,
  Expect<Equal<GuardsAdded<[typeof tenant, typeof login]>, { tenant: number } & { user: User }>>,
];

export const router = new Router()
  .route(
    '/chat/:room',
    (request) => {
      const name: string = request.user.name;
      const room: string = request.params.room;
      const id: number = request.tenant;
      // @ts-expect-error: no guard added `session`
      void request.session;
      return accept(echo(), { data: { name, room, id } });
    },
    { guards: [sameSite, tenant, login], name: 'chat' },
  )
  .route(
    '/open',
    (request) => {
      // @ts-expect-error: the Origin guard adds nothing; there is no user without a login guard
      void request.user;
      return accept(echo());
    },
    { guards: [sameSite] },
  )
  .route('/plain', (request) => {
    // @ts-expect-error: no guards, no user
    void request.user;
    return accept(echo());
  })
  .route('/async', (request) => accept(echo(), { data: request.user.id }), {
    guards: [asyncLogin],
  });

// The router still knows its route names through guarded routes.
export const url = (): string => router.url('chat', { room: 'lobby' });

// A guard answers pass() or reject(), nothing else.
// @ts-expect-error: a boolean is not a guard's answer
export const notAGuard: Guard = () => true;

// Guards written in place, options first: their fields are inferred before the handler is read.
export const inline = new Router().route(
  '/inline/:id',
  {
    guards: [
      authenticateBasic('inline', async ({ username }) => ({ username })),
      (request: RouteRequest) => (request.origin === undefined ? reject(403) : pass({ key: 'k' })),
    ],
    name: 'inline',
  },
  (request) => {
    const name: string = request.user.username;
    // @ts-expect-error: the user has no `password`
    void request.user.password;
    return accept(echo(), { data: `${name}${request.key}${request.params.id}` });
  },
);
export const inlineUrl = (): string => inline.url('inline', { id: '1' });

it('guard types compile', () => undefined);
