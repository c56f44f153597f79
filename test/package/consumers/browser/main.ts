// A page's script, compiled with the DOM lib and without Node's types: the browser's WebSocket
// fits the client's option, the events are typed. Run by Node, it loads the bundle (one ES
// module, no Node imports); where Node has a global WebSocket (22 and later) it connects to a
// port where nothing listens, fails, and with reconnect: false closes for good.
import { ReconnectingSocket, SendQueueFullError } from 'wsflow/browser';
import type { SocketState } from 'wsflow/browser';

interface Tick {
  n: number;
}

if (typeof globalThis.WebSocket !== 'function') {
  console.log('ok browser (no global WebSocket here)');
} else {
  const socket = new ReconnectingSocket<Tick, Tick>('ws://127.0.0.1:9/', {
    WebSocket,
    reconnect: false,
    queue: { maxMessages: 1 },
  });
  const states: SocketState[] = [socket.state];
  socket.on('statechange', ({ state }) => states.push(state));
  socket.on('json', ({ value }) => console.log(value.n.toFixed()));
  socket.sendJson({ n: 1 });
  try {
    socket.send('past the bound');
    throw new Error('a full queue took a message');
  } catch (error) {
    if (!(error instanceof SendQueueFullError)) throw error;
  }
  socket.on('close', ({ code, willReconnect }) => {
    console.log(`ok browser closed ${code} ${willReconnect} ${states.join('->')}`);
  });
}
