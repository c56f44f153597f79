// The public entry `wsflow/browser`: a reconnecting WebSocket client for browsers, on the
// browser's own WebSocket. It imports nothing from Node or from wsflow's Node layers; the build
// makes it one self-contained ES module that a page can load with <script type="module">.
export { ReconnectingSocket, SocketClosedError } from './reconnecting-socket.js';
export type {
  CloseInfo,
  MessageData,
  ReconnectingSocketEvents,
  ReconnectingSocketOptions,
  SocketState,
  Timers,
} from './socket-options.js';
export { backoffDelayMs, reconnectPolicy, ReconnectDefaults } from './backoff.js';
export type { ReconnectOptions, ReconnectPolicy } from './backoff.js';
export { SendQueueFullError } from './send-queue.js';
export type { OverflowPolicy, QueueOptions, SendData } from './send-queue.js';
export type { Listener } from './emitter.js';
export type { UrlSource } from './url.js';
export type {
  CloseEventLike,
  MessageEventLike,
  WebSocketConstructor,
  WebSocketLike,
} from './web-socket.js';
export { BrowserErrorCode } from '../error-codes.js';
export { RESUME_PARAM, RESUME_SUBPROTOCOL, ResumeTracker } from '../resume-wire.js';
export type { GoneMarker, IdsMarker, ResumeMarker, TrackedMessage } from '../resume-wire.js';
