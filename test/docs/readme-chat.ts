// README.md's chat room server, started for the tests of its clients: the Node one
// (test/docs/readme.test.ts), the page one, in Chromium (test/browser/readme.test.ts), and raw
// ones that watch its hub (test/docs/broadcast.test.ts).

import { z } from 'zod';
import { Hub, Router, accept, json, map, serve } from '../../src/index.js';
import type { WebSocketServer } from '../../src/index.js';

/** The README's chat room: its server and the hub its rooms are topics of. */
export interface ReadmeChat {
  server: WebSocketServer;
  hub: Hub;
}

/** Starts the README's chat room on a free port. */
export async function startReadmeChat(): Promise<ReadmeChat> {
  // #region README.md
  const Line = z.object({ text: z.string().max(500) });
  const chat = json<{ from: string; text: string }>().validate(Line); // 1007 on anything else
  const hub = new Hub();

  const router = new Router().route('/chat/:room', (request) => {
    const { room } = request.params;
    const from = request.query.get('name') ?? 'anonymous';
    return accept(
      hub.join(chat, (member) => {
        member.subscribe(room);
        return map(({ text }) => {
          member.publish(room, { from, text }); // to every other member of the room
          return { from, text }; // and back to the sender
        });
      }),
    );
  });

  const server = await serve({ port: 0, handler: router });
  // #endregion
  return { server, hub };
}
