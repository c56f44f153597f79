import { openWebSocket } from 'wsflow';
import { start, strictHello } from './flows.js';

const server = await start();
try {
  const socket = await openWebSocket(`${server.url}/`);
  await socket.send(strictHello());
  const reply = await socket.receiveText();
  await socket.close();
  if (reply !== 'HELLO') throw new Error(`got ${reply}`);
  console.log('ok library', reply);
} finally {
  await server.close();
}
