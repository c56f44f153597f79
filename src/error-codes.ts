// Ground floor: every stable `code` string wsflow's errors carry, from every layer, in one table.
// Programs match on these (messages may change; codes do not). docs/errors.md lists each one with
// its error class and close code, and test/error-codes.test.ts keeps the two in step.
//
// | codes                                  | raised by                                            |
// | -------------------------------------- | ---------------------------------------------------- |
// | WSFLOW_ERR_UNEXPECTED_RSV_1 ... _INTERNAL | the codec and the frame parser: ProtocolError, 1002/1007/1009/1011 |
// | WSFLOW_ERR_SEND_OUT_OF_SEQUENCE, _INVALID_STATE | local misuse of the protocol (thrown, nothing sent) |
// | WSFLOW_ERR_KEEPALIVE_TIMEOUT, _CONNECTION_CLOSED, _TIMEOUT | the connection |
// | WSFLOW_ERR_UNSUPPORTED_DATA, _INVALID_JSON, _JSON_TOO_DEEP, _INVALID_MESSAGE | message transformers: ProtocolError, 1003/1007 |
// | WSFLOW_ERR_HANDSHAKE_*                 | the opening handshake, server and client: HandshakeError |
// | WSFLOW_ERR_BUFFER_FULL                 | the client socket's bounded buffer (1008)            |
// | WSFLOW_ERR_SEND_QUEUE_FULL, _SOCKET_CLOSED | the browser client (`wsflow/browser`), thrown to the caller |

/**
 * The codes the browser client (`wsflow/browser`) throws with, also in {@link ErrorCode}: a table
 * of their own, spelled out twice, so that its bundle carries these two and not the whole table
 * (a bundler keeps an object built from another one; test/error-codes.test.ts keeps both in step).
 */
export const BrowserErrorCode = {
  /** A send while no connection is open, past the queue's bound, under the `'throw'` policy. */
  SendQueueFull: 'WSFLOW_ERR_SEND_QUEUE_FULL',
  /** A send after the socket was closed for good (by `close()`, or after its last retry). */
  SocketClosed: 'WSFLOW_ERR_SOCKET_CLOSED',
} as const;

/** One of the {@link BrowserErrorCode} strings. */
export type BrowserErrorCode = (typeof BrowserErrorCode)[keyof typeof BrowserErrorCode];

/** Every stable error code string of wsflow (`WSFLOW_ERR_<WHAT>`); docs/errors.md explains each. */
export const ErrorCode = {
  // The peer broke RFC 6455 (ProtocolError; the connection is failed with its close code).
  UnexpectedRsv1: 'WSFLOW_ERR_UNEXPECTED_RSV_1',
  UnexpectedRsv23: 'WSFLOW_ERR_UNEXPECTED_RSV_2_3',
  InvalidOpcode: 'WSFLOW_ERR_INVALID_OPCODE',
  ExpectedMask: 'WSFLOW_ERR_EXPECTED_MASK',
  UnexpectedMask: 'WSFLOW_ERR_UNEXPECTED_MASK',
  FragmentedControlFrame: 'WSFLOW_ERR_FRAGMENTED_CONTROL_FRAME',
  ControlFrameTooBig: 'WSFLOW_ERR_CONTROL_FRAME_TOO_BIG',
  UnexpectedContinuation: 'WSFLOW_ERR_UNEXPECTED_CONTINUATION',
  ExpectedContinuation: 'WSFLOW_ERR_EXPECTED_CONTINUATION',
  InvalidPayloadLength: 'WSFLOW_ERR_INVALID_PAYLOAD_LENGTH',
  InvalidClosePayload: 'WSFLOW_ERR_INVALID_CLOSE_PAYLOAD',
  InvalidCloseCode: 'WSFLOW_ERR_INVALID_CLOSE_CODE',
  InvalidUtf8: 'WSFLOW_ERR_INVALID_UTF8',
  InvalidCompressedData: 'WSFLOW_ERR_INVALID_COMPRESSED_DATA',
  FrameTooBig: 'WSFLOW_ERR_FRAME_TOO_BIG',
  /** Also `toStrict({ maxBytes })` and collecting a stream past its bound (a WebSocketError). */
  MessageTooBig: 'WSFLOW_ERR_MESSAGE_TOO_BIG',
  Internal: 'WSFLOW_ERR_INTERNAL',
  /** The peer did not answer a keep-alive Ping in time (1011 "keepalive ping timeout"). */
  KeepAliveTimeout: 'WSFLOW_ERR_KEEPALIVE_TIMEOUT',
  /** The server's memory budget was full and this connection held the most (1013). */
  MemoryBudget: 'WSFLOW_ERR_MEMORY_BUDGET',
  // A message the handler's transformer cannot take (ProtocolError, 1003 or 1007).
  /** A binary message to a text handler, or text to a bytes handler (1003). */
  UnsupportedData: 'WSFLOW_ERR_UNSUPPORTED_DATA',
  /** Text that is not JSON, or not UTF-8 (1007). */
  InvalidJson: 'WSFLOW_ERR_INVALID_JSON',
  /** JSON nested deeper than the transformer's `maxDepth` (1007). */
  JsonTooDeep: 'WSFLOW_ERR_JSON_TOO_DEEP',
  /** A value its schema refused, or that a transformer's `map` decoder threw on (1007). */
  InvalidMessage: 'WSFLOW_ERR_INVALID_MESSAGE',
  // Local misuse: thrown to the caller, nothing is sent.
  SendOutOfSequence: 'WSFLOW_ERR_SEND_OUT_OF_SEQUENCE',
  InvalidState: 'WSFLOW_ERR_INVALID_STATE',
  // How things ended or stalled.
  ConnectionClosed: 'WSFLOW_ERR_CONNECTION_CLOSED',
  Timeout: 'WSFLOW_ERR_TIMEOUT',
  BufferFull: 'WSFLOW_ERR_BUFFER_FULL',
  /** An actor's mailbox was full and its overflow strategy is `fail`: the actor stops. */
  MailboxFull: 'WSFLOW_ERR_MAILBOX_FULL',
  // The browser client (wsflow/browser): BrowserErrorCode.
  SendQueueFull: 'WSFLOW_ERR_SEND_QUEUE_FULL',
  SocketClosed: 'WSFLOW_ERR_SOCKET_CLOSED',
  // The opening handshake (HandshakeError), server and client.
  HandshakeInvalidHeader: 'WSFLOW_ERR_HANDSHAKE_INVALID_HEADER',
  HandshakeMethod: 'WSFLOW_ERR_HANDSHAKE_METHOD',
  HandshakeHttpVersion: 'WSFLOW_ERR_HANDSHAKE_HTTP_VERSION',
  HandshakeHost: 'WSFLOW_ERR_HANDSHAKE_HOST',
  HandshakeUpgrade: 'WSFLOW_ERR_HANDSHAKE_UPGRADE',
  HandshakeConnection: 'WSFLOW_ERR_HANDSHAKE_CONNECTION',
  HandshakeVersion: 'WSFLOW_ERR_HANDSHAKE_VERSION',
  HandshakeKey: 'WSFLOW_ERR_HANDSHAKE_KEY',
  HandshakeDuplicateSubprotocol: 'WSFLOW_ERR_HANDSHAKE_DUPLICATE_SUBPROTOCOL',
  HandshakeStatus: 'WSFLOW_ERR_HANDSHAKE_STATUS',
  HandshakeAccept: 'WSFLOW_ERR_HANDSHAKE_ACCEPT',
  HandshakeSubprotocolNotOffered: 'WSFLOW_ERR_HANDSHAKE_SUBPROTOCOL_NOT_OFFERED',
  HandshakeMultipleSubprotocols: 'WSFLOW_ERR_HANDSHAKE_MULTIPLE_SUBPROTOCOLS',
  HandshakeExtensionNotOffered: 'WSFLOW_ERR_HANDSHAKE_EXTENSION_NOT_OFFERED',
  HandshakeInvalidExtension: 'WSFLOW_ERR_HANDSHAKE_INVALID_EXTENSION',
  HandshakeNetwork: 'WSFLOW_ERR_HANDSHAKE_NETWORK',
  HandshakeTimeout: 'WSFLOW_ERR_HANDSHAKE_TIMEOUT',
  HandshakeInvalidResponse: 'WSFLOW_ERR_HANDSHAKE_INVALID_RESPONSE',
  HandshakeResponseTooLarge: 'WSFLOW_ERR_HANDSHAKE_RESPONSE_TOO_LARGE',
} as const;

/** One of the {@link ErrorCode} strings. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
