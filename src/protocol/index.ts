// wsflow/protocol: the sans-I/O core for integrators. Bytes in, events out, bytes to send out; the
// opening handshake as data, for both ends; no sockets, timers or streams. Every name is listed
// here on purpose (test/exports.test.ts pins them): internals and process-wide switches stay out.

// The session: frames in, events out, frames to send out.
export { Protocol, ProtocolState } from './protocol.js';
export type { ProtocolOptions } from './protocol.js';
export type { CloseOutcome, MessageKind, ProtocolHandler, Side } from './events.js';
export { DEFAULT_MAX_MESSAGE_BYTES, FrameParser } from './parser.js';
export type { ControlFrameSink, FrameParserOptions, MessageSink } from './parser.js';
export { serializeFrame } from './serializer.js';
export type { SerializeFrameOptions } from './serializer.js';

// The opening handshake (RFC 6455 section 4): the client's request and its check of the answer,
// the server's check of the request and its answers.
export {
  generateKey,
  buildClientHandshakeHeaders,
  validateServerResponse,
} from './client-handshake.js';
export type {
  ClientHandshakeOptions,
  ClientOffer,
  HandshakeAgreement,
  ServerResponse,
} from './client-handshake.js';
export {
  validateClientRequest,
  buildAcceptResponse,
  buildRejectionResponse,
} from './server-handshake.js';
export type {
  AcceptOptions,
  AcceptableRequest,
  ClientRequestValidation,
  HandshakeRejection,
  RejectionOptions,
  UpgradeRequest,
} from './server-handshake.js';
export { computeAccept, isValidKey } from './handshake.js';
export { parseExtensionHeader, formatExtensionHeader } from './header-tokens.js';
export type { ExtensionOffer, HeaderRecord } from './header-tokens.js';

// Pure byte functions.
export { Opcode, isControlOpcode, isKnownOpcode } from '../codec/opcode.js';
export { CloseCode, isSendableCloseCode, isOkCloseCode } from '../codec/close-code.js';
export {
  MAX_CLOSE_REASON_BYTES,
  parseClosePayload,
  serializeClosePayload,
} from '../codec/close-payload.js';
export type { ClosePayload } from '../codec/close-payload.js';
export {
  MAX_HEADER_BYTES,
  FrameHeader,
  parseFrameHeader,
  encodeFrameHeader,
  encodedHeaderLength,
} from '../codec/frame-header.js';
export { applyMask, randomMaskKey, readMaskKey, writeMaskKey } from '../codec/mask.js';
export type { MaskGenerator } from '../codec/mask.js';
export { isValidUtf8, Utf8Validator } from '../codec/utf8.js';

// Errors, with their stable codes.
export {
  ErrorCode,
  WebSocketError,
  ProtocolError,
  InvalidStateError,
  HandshakeError,
  HandshakeErrorCode,
} from '../errors.js';
