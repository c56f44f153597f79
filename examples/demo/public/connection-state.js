// Shows a socket's state in its badge: connecting, open, reconnecting (with when the next
// attempt is due), closing, closed. The badge's data-state is the socket's own state word, which
// the stylesheet colours and the tests read.

const LABELS = {
  connecting: 'connecting',
  open: 'open',
  reconnecting: 'reconnecting',
  closing: 'closing',
  closed: 'closed',
};

/**
 * Keeps `badge` in step with `socket`.
 *
 * @param {import('./wsflow-browser.js').ReconnectingSocket} socket
 * @param {HTMLElement} badge
 */
export function showState(socket, badge) {
  const render = (state, detail = '') => {
    badge.dataset.state = state;
    badge.textContent = LABELS[state] + detail;
  };
  render(socket.state);
  socket.on('statechange', ({ state }) => render(state));
  socket.on('reconnecting', ({ attempt, delayMs }) => {
    const seconds = Math.max(1, Math.round(delayMs / 1000));
    render('reconnecting', ` · try ${attempt} in ${seconds} s`);
  });
}
