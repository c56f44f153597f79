// wsflow/testkit: test WebSocket code without sockets, ports or real time. An in-memory link with
// injected faults and a virtual clock. Every name is listed here on purpose (test/exports.test.ts
// pins them).

export { MemoryLink, LinkEnd } from './link.js';
export type { MemoryLinkOptions, LinkSide } from './link.js';
export type { SplitOptions } from './split.js';
export { VirtualClock } from './virtual-clock.js';
export { settle } from './settle.js';
export { WSProbe } from './probe.js';
export type { WSProbeOptions, MessageExpectation } from './probe.js';
export { WS } from './ws-request.js';
export type { WSInit, WSRequest, WSResult } from './ws-request.js';
