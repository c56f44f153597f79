// The public surface of each entry point, pinned: every exported name and its kind, as the
// TypeScript checker sees it, and the values present at run time. A change to the surface is a
// change to this list (and a line in CHANGELOG.md); python-websockets' test_exports.py in spirit.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as browserEntry from '../src/browser/index.js';
import * as otelEntry from '../src/otel/index.js';
import * as protocolEntry from '../src/protocol/index.js';
import * as redisEntry from '../src/redis/index.js';
import * as wsflowEntry from '../src/index.js';
import * as testkitEntry from '../src/testkit/index.js';
import { publicExports } from './helpers/public-exports.js';

/** `wsflow`: the message model, flows, the connection, the server, the client, errors. */
const WSFLOW = [
  'Actor: interface',
  'ActorBehavior: type',
  'ActorContext: interface',
  'ActorFlowDefaults: const',
  'ActorFlowOptions: interface',
  'ActorHooks: interface',
  'ActorRef: interface',
  'ActorStopped: interface',
  'AllowOriginsOptions: interface',
  'AttachOptions: interface',
  'BackpressureDiagnostic: interface',
  'BasicCredentials: interface',
  'BasicVerifier: type',
  'BinaryMessage: const+type',
  'BinaryMessageBase: interface',
  'BinaryMessageClass: type',
  'ByteTransport: type',
  'ClientCloseEvent: class',
  'ClientOptions: interface',
  'ClientPingEvent: class',
  'Clock: interface',
  'CloseCause: interface',
  'CloseCauseKind: type',
  'CloseCauseKinds: const',
  'CloseCode: const+type',
  'CloseFrameInfo: interface',
  'CloseOptions: interface',
  'CloseOutcome: interface',
  'ClosePhase: type',
  'Connection: class',
  'ConnectionCloseDiagnostic: interface',
  'ConnectionClosed: class',
  'ConnectionDefaults: const',
  'ConnectionOpenDiagnostic: interface',
  'ConnectionOptions: interface',
  'ConnectionRequest: type',
  'ConnectionRoute: interface',
  'ConnectionSettings: interface',
  'ControlMessage: type',
  'ControlMessagesFlow: class (type only)',
  'ControlMessagesHandler: type',
  'ControlMessagesOptions: interface',
  'DeflateParams: interface',
  'DeflateSettings: interface',
  'DiagnosticChannels: const',
  'ErrorCode: const+type',
  'ErrorDiagnostic: interface',
  'ErrorSource: type',
  'ExtensionOffer: interface',
  'Flow: type',
  'Guard: type',
  'GuardOutcome: type',
  'GuardPassed: interface',
  'GuardsAdded: type',
  'HandleMessagesOptions: interface',
  'HandshakeAcceptedDiagnostic: interface',
  'HandshakeError: class',
  'HandshakeErrorCode: const+type',
  'HandshakeErrorResponse: interface',
  'HandshakeRejectReason: type',
  'HandshakeRejectedDiagnostic: interface',
  'HttpRequestHandler: type',
  'Hub: class',
  'HubBackend: interface',
  'HubMember: class',
  'HubOptions: interface',
  'HubSink: interface',
  'HubStats: interface',
  'InferSchemaOutput: type',
  'InvalidStateError: class',
  'InvalidUpgradeResponse: interface',
  'JoinOptions: interface',
  'JsonTransformerOptions: interface',
  'JsonValue: type',
  'KeepAliveOptions: interface',
  'MailboxDefaults: const',
  'MapFlow: class (type only)',
  'MapFunction: type',
  'MaterializedFlow: interface',
  'MaybeSource: interface',
  'MemoryBudget: class',
  'MemoryBudgetOptions: interface',
  'Message: type',
  'MessageDiagnostic: interface',
  'MessageFlow: type',
  'MessageFlowTransformer: interface',
  'MessageLike: type',
  'NegotiatedDeflate: interface',
  'OriginRule: type',
  'OverflowStrategy: type',
  'ParamNames: type',
  'PathParams: type',
  'PayloadTransformerOptions: interface',
  'PerMessageDeflateOptions: interface',
  'PingMessage: class',
  'PingRoundTripDiagnostic: interface',
  'PongMessage: class',
  'PresenceEvent: type',
  'PresenceListener: type',
  'ProtocolError: class',
  'ProtocolState: const+type',
  'PublishOptions: interface',
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
  'SlowConsumerPolicy: type',
  'SocketActor: type',
  'SocketActorContext: interface',
  'SocketOptions: interface',
  'SpawnOptions: interface',
  'StandardSchemaV1: interface',
  'StandardSchemaV1Issue: interface',
  'StandardSchemaV1PathSegment: interface',
  'StandardSchemaV1Props: interface',
  'StandardSchemaV1Result: type',
  'StandardSchemaV1Types: interface',
  'StreamSource: type',
  'StreamedBinaryMessage: interface',
  'StreamedMessage: type',
  'StreamedTextMessage: interface',
  'StrictBinaryMessage: interface',
  'StrictMessage: type',
  'StrictTextMessage: interface',
  'SubscriberDefaults: const',
  'SubscriberLimits: interface',
  'TextMessage: const+type',
  'TextMessageBase: interface',
  'TextMessageClass: type',
  'TickerOptions: interface',
  'TimeoutError: class',
  'TimerHandle: type',
  'TlsOptions: type',
  'ToStrictOptions: interface',
  'TopicMessage: interface',
  'TransformerDefaults: const',
  'UpgradeHandler: type',
  'UpgradeListener: type',
  'UpgradeOptions: interface',
  'UpgradeRequestLine: interface',
  'UpgradeResult: type',
  'ValidUpgrade: interface',
  'ValidateOptions: interface',
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
  'actorFlow: function',
  'allowOrigins: function',
  'attachWebSocket: function',
  'authenticateBasic: function',
  'basicAuth: function',
  'bytes: function',
  'concat: function',
  'constantTimeEqual: function',
  'discardMessage: function',
  'echo: function',
  'fromSinkAndSource: function',
  'handleWebSocketRequestWith: function',
  'ignore: function',
  'inProcessBackend: function',
  'isOkCloseCode: function',
  'isSendableCloseCode: function',
  'isWebSocketRequest: function',
  'json: function',
  'logHandlerError: function',
  'map: function',
  'maybe: function',
  'openWebSocket: function',
  'openWebSocketWithListener: function',
  'pass: function',
  'reject: function',
  'rejectUpgrade: function',
  'routeOf: function',
  'serve: function',
  'singleWebSocketRequest: function',
  'spawn: function',
  'text: function',
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
  'MessageExpectation: type',
  'SplitOptions: type',
  'VirtualClock: class',
  'WS: function',
  'WSInit: interface',
  'WSProbe: class',
  'WSProbeOptions: interface',
  'WSRequest: interface',
  'WSResult: interface',
  'settle: function',
];

/** `wsflow/browser`: the reconnecting socket for pages, its options, events and errors. */
const BROWSER = [
  'BrowserErrorCode: const+type',
  'CloseEventLike: interface',
  'CloseInfo: interface',
  'Listener: type',
  'MessageData: type',
  'MessageEventLike: interface',
  'OverflowPolicy: type',
  'QueueOptions: interface',
  'ReconnectDefaults: const',
  'ReconnectOptions: interface',
  'ReconnectPolicy: type',
  'ReconnectingSocket: class',
  'ReconnectingSocketEvents: interface',
  'ReconnectingSocketOptions: interface',
  'SendData: type',
  'SendQueueFullError: class',
  'SocketClosedError: class',
  'SocketState: type',
  'Timers: interface',
  'UrlSource: type',
  'WebSocketConstructor: type',
  'WebSocketLike: interface',
  'backoffDelayMs: function',
  'reconnectPolicy: function',
];

/** `wsflow/redis`: the hub's backend over Redis Streams and the two client adapters. */
const REDIS = [
  'IoredisClient: interface',
  'NodeRedisClient: interface',
  'RedisBackend: interface',
  'RedisBackendDefaults: const',
  'RedisBackendOptions: interface',
  'RedisBackendStats: interface',
  'RedisConnection: interface',
  'RedisReply: type',
  'fromIoredis: function',
  'fromNodeRedis: function',
  'redisBackend: function',
];

/** `wsflow/otel`: the OpenTelemetry metrics binding. */
const OTEL = [
  'WsflowMetricNames: const',
  'WsflowMetrics: interface',
  'WsflowMetricsOptions: interface',
  'startWsflowMetrics: function',
];

/** The names a module has at run time, by the pinned list: values not exported as types only. */
function runtimeNames(pinned: readonly string[]): string[] {
  return pinned
    .filter((line) => /: (class|function|const)/.test(line) && !line.endsWith('(type only)'))
    .map((line) => line.slice(0, line.indexOf(':')))
    .sort();
}

describe('public exports', () => {
  const surfaces = publicExports([
    'src/index.ts',
    'src/protocol/index.ts',
    'src/testkit/index.ts',
    'src/browser/index.ts',
    'src/redis/index.ts',
    'src/otel/index.ts',
  ]);

  it('wsflow exports exactly the pinned names, each of its kind', () => {
    assert.deepEqual(surfaces.get('src/index.ts'), WSFLOW);
  });

  it('wsflow/protocol exports exactly the pinned names, each of its kind', () => {
    assert.deepEqual(surfaces.get('src/protocol/index.ts'), PROTOCOL);
  });

  it('wsflow/testkit exports exactly the pinned names, each of its kind', () => {
    assert.deepEqual(surfaces.get('src/testkit/index.ts'), TESTKIT);
  });

  it('wsflow/browser exports exactly the pinned names, each of its kind', () => {
    assert.deepEqual(surfaces.get('src/browser/index.ts'), BROWSER);
  });

  it('wsflow/redis exports exactly the pinned names, each of its kind', () => {
    assert.deepEqual(surfaces.get('src/redis/index.ts'), REDIS);
  });

  it('wsflow/otel exports exactly the pinned names, each of its kind', () => {
    assert.deepEqual(surfaces.get('src/otel/index.ts'), OTEL);
  });

  it('has at run time exactly the pinned values of each entry point', () => {
    assert.deepEqual(Object.keys(wsflowEntry).sort(), runtimeNames(WSFLOW));
    assert.deepEqual(Object.keys(protocolEntry).sort(), runtimeNames(PROTOCOL));
    assert.deepEqual(Object.keys(testkitEntry).sort(), runtimeNames(TESTKIT));
    assert.deepEqual(Object.keys(browserEntry).sort(), runtimeNames(BROWSER));
    assert.deepEqual(Object.keys(redisEntry).sort(), runtimeNames(REDIS));
    assert.deepEqual(Object.keys(otelEntry).sort(), runtimeNames(OTEL));
  });
});
