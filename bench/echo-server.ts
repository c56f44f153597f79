// Benchmark server process: one echo server of the kind named on the command line, on
// 127.0.0.1 port 0; prints its port on stdout and serves until killed.
//   node build/bench/echo-server.js wsflow | wsflow-stream | ws | tcp

import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { serve } from '../src/server/server.js';
import { map } from '../src/flow/flow.js';
import type { Message } from '../src/message/message.js';
import { SERVER_KINDS } from './server-kinds.js';
import type { ServerKind } from './server-kinds.js';

async function* echoStream(incoming: AsyncIterable<Message>): AsyncIterable<Message> {
  for await (const message of incoming) yield message;
}

async function start(kind: ServerKind): Promise<number> {
  switch (kind) {
    case 'wsflow': {
      // The fastest level: a synchronous map runs straight from message delivery.
      const server = await serve({ port: 0, host: '127.0.0.1', flow: map((m: Message) => m) });
      return server.address.port;
    }
    case 'wsflow-stream': {
      const server = await serve({ port: 0, host: '127.0.0.1', flow: echoStream });
      return server.address.port;
    }
    case 'ws': {
      const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
      server.on('connection', (socket) => {
        socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
      });
      await new Promise((resolve) => server.once('listening', resolve));
      return (server.address() as AddressInfo).port;
    }
    case 'tcp': {
      const server = createTcpServer((socket) => socket.pipe(socket));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    }
  }
}

const kind = process.argv[2] as ServerKind;
if (!SERVER_KINDS.includes(kind)) {
  console.error(`usage: echo-server ${SERVER_KINDS.join('|')}`);
  process.exit(2);
}
start(kind).then((port) => console.log(port));
