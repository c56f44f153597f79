// The echo pane: sends what is typed, or a 4 MiB message, and shows the server's report of how
// each one reached it: Strict or Streamed, its size and the parts it came in.

import { openSocket, socketUrl } from './sockets.js';

const LARGE_BYTES = 4 * 1024 * 1024;
const bytes = new Intl.NumberFormat('en');

/** Starts the echo pane; returns its socket. */
export function startEcho() {
  const results = document.getElementById('echo-results');
  const input = document.getElementById('echo-text');
  const large = document.getElementById('echo-large');
  const socket = openSocket(socketUrl('echo-socket'), 'echo-state');
  const sent = []; // what was sent, in order: the reports come back in the same order

  const send = (label, data) => {
    sent.push(label);
    socket.send(data);
  };

  socket.on('json', ({ value: report }) => {
    const row = document.createElement('tr');
    const cells = [
      sent.shift() ?? '',
      `${report.delivery} ${report.kind}`,
      `${bytes.format(report.bytes)} B`,
      String(report.parts),
    ];
    for (const [i, content] of cells.entries()) {
      const cell = document.createElement('td');
      cell.textContent = content;
      if (i === 1) cell.className = report.delivery === 'Strict' ? 'strict' : 'streamed';
      if (i >= 2) cell.classList.add('number');
      row.append(cell);
    }
    results.prepend(row);
  });
  // Reports of what was on its way when the connection dropped never come.
  socket.on('close', () => (sent.length = 0));
  socket.on('statechange', ({ state }) => (large.disabled = state !== 'open'));
  large.disabled = true;

  document.getElementById('echo-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value === '') return;
    send(`“${input.value.slice(0, 24)}”`, input.value);
  });
  // Too big for the send queue (1 MiB): sent only while the connection is open.
  large.addEventListener('click', () => {
    if (socket.state === 'open') send('4 MiB of text', 'x'.repeat(LARGE_BYTES));
  });

  return socket;
}
