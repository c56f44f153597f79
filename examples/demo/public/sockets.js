// The page's sockets: each pane has its own ReconnectingSocket (wsflow/browser), to a URL the
// server wrote into the page (reverse routing), with a backoff short enough for a demo.

import { ReconnectingSocket } from './wsflow-browser.js';
import { showState } from './connection-state.js';

/** Retries after 0.5 s, then 1, 2, 4 s, never waiting more than 4 s (less a random share). */
const RECONNECT = { initialDelayMs: 500, maxDelayMs: 4000 };

/**
 * The URL in `<meta name="...">`.
 *
 * @param {string} name
 */
export function socketUrl(name) {
  const meta = document.querySelector(`meta[name="${name}"]`);
  if (meta === null) throw new Error(`the page has no <meta name="${name}">`);
  return meta.getAttribute('content');
}

/**
 * A reconnecting socket, its state shown in the badge `badgeId`.
 *
 * @param {string | (() => string)} url
 * @param {string} badgeId
 */
export function openSocket(url, badgeId) {
  const socket = new ReconnectingSocket(url, { reconnect: RECONNECT });
  showState(socket, document.getElementById(badgeId));
  return socket;
}
