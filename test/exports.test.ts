// The public surface of each entry point, pinned: every exported name and its kind, as the
// TypeScript checker sees it, and the values present at run time. A change to the surface is a
// change to this list (and a line in CHANGELOG.md); python-websockets' test_exports.py in spirit.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as protocolEntry from '../src/protocol/index.js';
import * as wsflowEntry from '../src/index.js';
import * as testkitEntry from '../src/testkit/index.js';
import { publicExports } from './helpers/public-exports.js';

/** `wsflow`: the message model, flows, the connection, the server, the client, errors. */
const WSFLOW = [
  'AttachOptions: interface',
  'BinaryMessage: const+type',
  'BinaryMessageBase: interface',
  'BinaryMessageClass: type',
  'ByteTransport: type',
  'ClientCloseEvent: class',
  'ClientOptions: interface',
  'ClientPingEvent: class',
  'Clock: interface',
  'CloseCode: const+type',
  'CloseOptions: interface',
  'CloseOutcome: interface',
  'Connection: class',
  'ConnectionClosed: class',
  'ConnectionDefaults: const',
  'ConnectionOptions: interface',
  'ConnectionRoute: interface',
  'ConnectionSettings: interface',
  'ControlMessage: type',
  'ControlMessagesFlow: class (type only)',
  'ControlMessagesHandler: type',
  'ControlMessagesOptions: interface',
  'DeflateParams: interface',
  'DeflateSettings: interface',
  'ErrorCode: const+type',
  'ExtensionOffer: interface',
  'Flow: type',
  'HandleMessagesOptions: interface',
  'HandshakeError: class',
  'HandshakeErrorCode: const+type',
  'HandshakeErrorResponse: interface',
  'InvalidStateError: class',
  'InvalidUpgradeResponse: interface',
  'KeepAliveOptions: interface',
  'MapFlow: class (type only)',
  'MapFunction: type',
  'MaterializedFlow: interface',
  'MaybeSource: interface',
  'Message: type',
  'MessageFlow: type',
  'MessageLike: type',
  'NegotiatedDeflate: interface',
  'ParamNames: type',
  'PathParams: type',
  'PerMessageDeflateOptions: interface',
  'PingMessage: class',
  'PongMessage: class',
  'ProtocolError: class',
  'ProtocolState: const+type',
  'ReadableWritablePair: interface',
  'ReceiveOptions: interface',
  'RejectionInit: interface',
  'ResponseHeaders: type',
  'RouteAcceptOptions: interface',
  'RouteAccepted: interface',
  'RouteAnswer: type',
  'RouteHandler: type',
  'RouteOptions: interface',
  'RouteRejected: interface',
  'RouteRequest: interface',
  'RouteUrlOptions: interface',
  'Router: class',
  'SendOptions: interface',
  'ServeOptions: type',
  'ServerConnectionOptions: type',
  'ServerErrorHandler: type',
  'ServerLimitDefaults: const',
  'ServerLimits: interface',
  'Side: type',
  'SingleWebSocketRequest: interface',
  'SinkAndSourceFlow: class (type only)',
  'SinkFunction: type',
  'SocketOptions: interface',
  'StreamSource: type',
  'StreamedBinaryMessage: interface',
  'StreamedMessage: type',
  'StreamedTextMessage: interface',
  'StrictBinaryMessage: interface',
  'StrictMessage: type',
  'StrictTextMessage: interface',
  'TextMessage: const+type',
  'TextMessageBase: interface',
  'TextMessageClass: type',
  'TickerOptions: interface',
  'TimeoutError: class',
  'TimerHandle: type',
  'TlsOptions: type',
  'ToStrictOptions: interface',
  'UpgradeHandler: type',
  'UpgradeListener: type',
  'UpgradeOptions: interface',
  'UpgradeRequestLine: interface',
  'UpgradeResult: type',
  'ValidUpgrade: interface',
  'WebSocketAttachment: interface',
  'WebSocketBufferFull: class',
  'WebSocketClient: class',
  'WebSocketClientFlow: class',
  'WebSocketClientLayer: interface',
  'WebSocketError: class',
  'WebSocketListener: interface',
  'WebSocketRequest: interface',
  'WebSocketRoutes: interface',
  'WebSocketServer: interface',
  'WebSocketUpgrade: class',
  'WebSocketUpgradeResponse: type',
  'accept: function',
  'attachWebSocket: function',
  'basicAuth: function',
  'concat: function',
  'discardMessage: function',
  'echo: function',
  'fromSinkAndSource: function',
  'handleWebSocketRequestWith: function',
  'ignore: function',
  'isOkCloseCode: function',
  'isSendableCloseCode: function',
  'isWebSocketRequest: function',
  'logHandlerError: function',
  'map: function',
  'maybe: function',
  'openWebSocket: function',
  'openWebSocketWithListener: function',
  'reject: function',
  'rejectUpgrade: function',
  'routeOf: function',
  'serve: function',
  'singleWebSocketRequest: function',
  'ticker: function',
  'toMessage: function',
  'webSocketClientFlow: function',
  'webSocketClientLayer: function',
  'withControlMessages: function',
];

/** `wsflow/protocol`: the sans-I/O session, the opening handshake, the codec, errors. */
const PROTOCOL = [
  'AcceptOptions: interface',
  'AcceptableRequest: interface',
  'ClientHandshakeOptions: interface',
  'ClientOffer: interface',
  'ClientRequestValidation: type',
  'CloseCode: const+type',
  'CloseOutcome: interface',
  'ClosePayload: interface',
  'ControlFrameSink: interface',
  'DEFAULT_MAX_MESSAGE_BYTES: const',
  'ErrorCode: const+type',
  'ExtensionOffer: interface',
  'FrameHeader: class',
  'FrameParser: class',
  'FrameParserOptions: interface',
  'HandshakeAgreement: interface',
  'HandshakeError: class',
  'HandshakeErrorCode: const+type',
  'HandshakeRejection: interface',
  'HeaderRecord: type',
  'InvalidStateError: class',
  'MAX_CLOSE_REASON_BYTES: const',
  'MAX_HEADER_BYTES: const',
  'MaskGenerator: type',
  'MessageKind: type',
  'MessageSink: type',
  'Opcode: const+type',
  'Protocol: class',
  'ProtocolError: class',
  'ProtocolHandler: interface',
  'ProtocolOptions: interface',
  'ProtocolState: const+type',
  'RejectionOptions: interface',
  'SerializeFrameOptions: interface',
  'ServerResponse: interface',
  'Side: type',
  'UpgradeRequest: interface',
  'Utf8Validator: class',
  'WebSocketError: class',
  'applyMask: function',
  'buildAcceptResponse: function',
  'buildClientHandshakeHeaders: function',
  'buildRejectionResponse: function',
  'computeAccept: function',
  'encodeFrameHeader: function',
  'encodedHeaderLength: function',
  'formatExtensionHeader: function',
  'generateKey: function',
  'isControlOpcode: function',
  'isKnownOpcode: function',
  'isOkCloseCode: function',
  'isSendableCloseCode: function',
  'isValidKey: function',
  'isValidUtf8: function',
  'parseClosePayload: function',
  'parseExtensionHeader: function',
  'parseFrameHeader: function',
  'randomMaskKey: function',
  'readMaskKey: function',
  'serializeClosePayload: function',
  'serializeFrame: function',
  'validateClientRequest: function',
  'validateServerResponse: function',
  'writeMaskKey: function',
];

/** `wsflow/testkit`: the in-memory link and its faults, the virtual clock, the probe, WS(). */
const TESTKIT = [
  'LinkEnd: class',
  'LinkSide: type',
  'MemoryLink: class',
  'MemoryLinkOptions: interface',
  'SplitOptions: type',
  'VirtualClock: class',
  'settle: function',
];

/** The names a module has at run time, by the pinned list: values not exported as types only. */
function runtimeNames(pinned: readonly string[]): string[] {
  return pinned
    .filter((line) => /: (class|function|const)/.test(line) && !line.endsWith('(type only)'))
    .map((line) => line.slice(0, line.indexOf(':')))
    .sort();
}

describe('public exports', () => {
  const surfaces = publicExports(['src/index.ts', 'src/protocol/index.ts', 'src/testkit/index.ts']);

  it('wsflow exports exactly the pinned names, each of its kind', () => {
    assert.deepEqual(surfaces.get('src/index.ts'), WSFLOW);
  });

  it('wsflow/protocol exports exactly the pinned names, each of its kind', () => {
    assert.deepEqual(surfaces.get('src/protocol/index.ts'), PROTOCOL);
  });

  it('wsflow/testkit exports exactly the pinned names, each of its kind', () => {
    assert.deepEqual(surfaces.get('src/testkit/index.ts'), TESTKIT);
  });

  it('has at run time exactly the pinned values of each entry point', () => {
    assert.deepEqual(Object.keys(wsflowEntry).sort(), runtimeNames(WSFLOW));
    assert.deepEqual(Object.keys(protocolEntry).sort(), runtimeNames(PROTOCOL));
    assert.deepEqual(Object.keys(testkitEntry).sort(), runtimeNames(TESTKIT));
  });
});
