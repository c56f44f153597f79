// The stopwatch pane: three commands ("start", "stop", "reset"); while it runs, the server's
// actor sends the count once per tick. A restarted server has a new stopwatch, stopped at 0.

import { openSocket, socketUrl } from './sockets.js';

/** Starts the stopwatch pane; returns its socket. */
export function startStopwatch() {
  const count = document.getElementById('stopwatch-count');
  const buttons = document.querySelectorAll('.stopwatch button[data-command]');
  const socket = openSocket(socketUrl('stopwatch-socket'), 'stopwatch-state');

  const show = (running) => {
    for (const button of buttons) {
      if (button.dataset.command === 'start') button.setAttribute('aria-pressed', String(running));
    }
  };

  socket.on('message', ({ data }) => (count.textContent = String(data)));
  // A new connection is a new stopwatch on the server: stopped, at 0.
  socket.on('open', () => {
    count.textContent = '0';
    show(false);
  });
  for (const button of buttons) {
    button.addEventListener('click', () => {
      const command = button.dataset.command;
      if (socket.state !== 'open') return;
      socket.send(command);
      if (command === 'reset') count.textContent = '0';
      else show(command === 'start');
    });
  }
  return socket;
}
