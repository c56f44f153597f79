// The demo page: a chat room, an echo pane and a stopwatch, each on a socket of its own.

import { startChat } from './chat.js';
import { startEcho } from './echo.js';
import { startStopwatch } from './stopwatch.js';

document.getElementById('room-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const room = document.getElementById('room-name').value.trim().toLowerCase();
  if (room !== '') location.assign(`/rooms/${encodeURIComponent(room)}`);
});

// Exposed for the curious (and the tests): the three sockets, from the browser's console.
globalThis.demo = { chat: startChat(), echo: startEcho(), stopwatch: startStopwatch() };
