// A routed server: chat rooms by path parameter behind a guard (HTTP Basic authentication, the
// user typed in the handler), and an open echo route beside them. Each room's messages are
// answered with the room and the user's name.
//
//   npm run example routed
//   ws://ada:lovelace@127.0.0.1:8080/chat/lobby   accepted: "ada@lobby: <message>"
//   ws://127.0.0.1:8080/chat/lobby                401, WWW-Authenticate: Basic realm="chat"
//   ws://127.0.0.1:8080/echo                      echoes anything

import {
  Router,
  accept,
  authenticateBasic,
  constantTimeEqual,
  discardMessage,
  echo,
  map,
  serve,
} from '../src/index.js';
import type { Message } from '../src/index.js';
import { announce, isEntryPoint, listenOptions } from './lib/env.js';

/** Demo accounts; a real server keeps password hashes, not passwords. */
const passwords = new Map([
  ['ada', 'lovelace'],
  ['alan', 'turing'],
]);

const login = authenticateBasic('chat', ({ username, password }) => {
  const expected = passwords.get(username);
  // Compared in constant time, and compared even for an unknown user, so timing says nothing.
  const matches = constantTimeEqual(password, expected ?? '');
  return matches && expected !== undefined ? { name: username } : undefined;
});

export const router = new Router()
  .route('/chat/:room', { guards: [login], name: 'chat' }, (request) => {
    const { room } = request.params; // typed from the pattern
    const { name } = request.user; // typed from the guard
    return accept(
      map((message: Message) => {
        if (message.isText && message.isStrict) return `${name}@${room}: ${message.text}`;
        discardMessage(message);
        return undefined;
      }),
    );
  })
  .route('/echo', () => accept(echo()), { name: 'echo' });

if (isEntryPoint(import.meta.url)) {
  const server = await serve({ ...listenOptions(), handler: router });
  announce('routed', server);
  console.log(`routed: try ${router.url('chat', { room: 'lobby' })} as ada:lovelace`);
}
