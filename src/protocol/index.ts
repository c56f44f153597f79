// wsflow/protocol: the sans-I/O core for integrators. Bytes in, events out, bytes to send out;
// no sockets, timers or streams. One `export ... from` line per module.
export * from './protocol.js';
export * from './events.js';
export * from './parser.js';
export * from './frame-rules.js';
export * from './serializer.js';
export * from '../codec/opcode.js';
export * from '../codec/close-code.js';
export * from '../codec/close-payload.js';
export * from '../codec/frame-header.js';
export * from '../codec/mask.js';
export * from '../codec/utf8.js';
export * from '../codec/error-codes.js';
