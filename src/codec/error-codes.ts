// Codec layer: the stable `code` strings of the errors the codec and the sans-I/O protocol raise.
// One string per failure; docs/errors.md lists them with their close codes.
//
// | code                                  | close | raised when                                          |
// | ------------------------------------- | ----- | ---------------------------------------------------- |
// | WSFLOW_ERR_UNEXPECTED_RSV_1           | 1002  | RSV1 without extension, on continuation or control  |
// | WSFLOW_ERR_UNEXPECTED_RSV_2_3         | 1002  | RSV2 or RSV3 set                                     |
// | WSFLOW_ERR_INVALID_OPCODE             | 1002  | a reserved opcode (0x3-0x7, 0xB-0xF)                 |
// | WSFLOW_ERR_EXPECTED_MASK              | 1002  | a server received an unmasked frame                  |
// | WSFLOW_ERR_UNEXPECTED_MASK            | 1002  | a client received a masked frame                     |
// | WSFLOW_ERR_FRAGMENTED_CONTROL_FRAME   | 1002  | a control frame without FIN                          |
// | WSFLOW_ERR_CONTROL_FRAME_TOO_BIG      | 1002  | a control frame payload over 125 bytes               |
// | WSFLOW_ERR_UNEXPECTED_CONTINUATION    | 1002  | a continuation frame outside a fragmented message    |
// | WSFLOW_ERR_EXPECTED_CONTINUATION      | 1002  | a new data frame inside a fragmented message         |
// | WSFLOW_ERR_INVALID_PAYLOAD_LENGTH     | 1002  | a 64-bit length with its most significant bit set    |
// | WSFLOW_ERR_INVALID_CLOSE_PAYLOAD      | 1002  | a Close body of exactly 1 byte                       |
// | WSFLOW_ERR_INVALID_CLOSE_CODE         | 1002  | a Close code that may not be sent (e.g. 1005, 999)   |
// | WSFLOW_ERR_INVALID_UTF8               | 1007  | invalid UTF-8 in a text message or a Close reason    |
// | WSFLOW_ERR_INVALID_COMPRESSED_DATA    | 1007  | a compressed message zlib cannot inflate             |
// | WSFLOW_ERR_FRAME_TOO_BIG              | 1009  | a frame over maxFrameBytes, or over 2^53-1 bytes     |
// | WSFLOW_ERR_MESSAGE_TOO_BIG            | 1009  | a message over maxMessageBytes (fragments accounted) |
// | WSFLOW_ERR_INTERNAL                   | 1011  | an unexpected error inside the protocol itself       |
// | WSFLOW_ERR_KEEPALIVE_TIMEOUT          | 1011  | the peer did not answer a keep-alive Ping in time    |
// | WSFLOW_ERR_SEND_OUT_OF_SEQUENCE       | -     | local: continuation without a message, or a new     |
// |                                       |       | message while one is open (thrown, nothing is sent)  |
// | WSFLOW_ERR_INVALID_STATE              | -     | local: sending after Close (InvalidStateError)       |

/** Stable error code strings of the codec and protocol layers (`WSFLOW_ERR_<WHAT>`). */
export const ErrorCode = {
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
  MessageTooBig: 'WSFLOW_ERR_MESSAGE_TOO_BIG',
  Internal: 'WSFLOW_ERR_INTERNAL',
  KeepAliveTimeout: 'WSFLOW_ERR_KEEPALIVE_TIMEOUT',
  SendOutOfSequence: 'WSFLOW_ERR_SEND_OUT_OF_SEQUENCE',
} as const;

/** One of the {@link ErrorCode} strings. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
