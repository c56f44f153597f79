// CommonJS: this compiles to `const wsflow_1 = require("wsflow")`.
import { echo, openWebSocket, serve } from 'wsflow';

async function main(): Promise<void> {
  const server = await serve({ port: 0, host: '127.0.0.1', flow: echo() });
  try {
    const socket = await openWebSocket(`${server.url}/`);
    await socket.send('from require');
    const reply = await socket.receiveText();
    await socket.close();
    if (reply !== 'from require') throw new Error(`got ${reply}`);
    console.log('ok cjs-require', typeof require, reply);
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
