// The public entry of wsflow: the message model, flows, the server, errors and close codes.
// One export line per module; each layer adds its own.
export { TextMessage, BinaryMessage, toMessage, discardMessage } from './message/message.js';
export type {
  Message,
  MessageLike,
  ToStrictOptions,
  StrictMessage,
  StreamedMessage,
  StrictTextMessage,
  StreamedTextMessage,
  StrictBinaryMessage,
  StreamedBinaryMessage,
  TextMessageBase,
  BinaryMessageBase,
  TextMessageClass,
  BinaryMessageClass,
} from './message/message.js';
export { PingMessage, PongMessage } from './message/control.js';
export type { ControlMessage } from './message/control.js';
export type { ReadableWritablePair, StreamSource } from './message/streams.js';
export { map, echo, fromSinkAndSource, ignore } from './flow/flow.js';
export type {
  Flow,
  MessageFlow,
  MapFunction,
  MapFlow,
  SinkAndSourceFlow,
  SinkFunction,
} from './flow/flow.js';
export { withControlMessages } from './flow/control-flow.js';
export type {
  ControlMessagesFlow,
  ControlMessagesHandler,
  ControlMessagesOptions,
} from './flow/control-flow.js';
export { maybe, ticker, concat } from './flow/sources.js';
export type { MaybeSource, TickerOptions } from './flow/sources.js';
export { text, bytes } from './transform/text-bytes.js';
export type { PayloadTransformerOptions } from './transform/text-bytes.js';
export { json, TransformerDefaults } from './transform/json.js';
export type { JsonTransformerOptions, JsonValue } from './transform/json.js';
export type { MessageFlowTransformer, ValidateOptions } from './transform/transformer.js';
export type {
  StandardSchemaV1,
  StandardSchemaV1Props,
  StandardSchemaV1Result,
  StandardSchemaV1Issue,
  StandardSchemaV1PathSegment,
  StandardSchemaV1Types,
  InferSchemaOutput,
} from './transform/standard-schema.js';
export { Connection } from './connection/connection.js';
export { ConnectionDefaults } from './connection/options.js';
export { MemoryBudget } from './connection/memory-budget.js';
export type { MemoryBudgetOptions } from './connection/memory-budget.js';
export type { ConnectionOptions, ConnectionSettings } from './connection/options.js';
export { ProtocolState } from './protocol/protocol.js';
export { WebSocketUpgrade, isWebSocketRequest } from './server/upgrade.js';
export type {
  HandleMessagesOptions,
  ServerConnectionOptions,
  UpgradeOptions,
} from './server/upgrade.js';
export { rejectUpgrade } from './server/http-response.js';
export type { RejectionInit } from './server/http-response.js';
export { handleWebSocketRequestWith } from './server/handle-request.js';
export type { UpgradeListener } from './server/handle-request.js';
export { attachWebSocket } from './server/attach.js';
export { logHandlerError } from './server/handler-errors.js';
export type { ServerErrorHandler, UpgradeRequestLine } from './server/handler-errors.js';
export type {
  AttachOptions,
  UpgradeHandler,
  WebSocketAttachment,
  WebSocketRoutes,
} from './server/attach.js';
export { serve } from './server/server.js';
export type { ServeOptions, WebSocketServer } from './server/server.js';
export type { HttpRequestHandler } from './server/plain-requests.js';
export { Router } from './routing/router.js';
export type { RouteHandler, RouteOptions } from './routing/router.js';
export { accept, reject } from './routing/answers.js';
export type {
  RouteAcceptOptions,
  RouteAccepted,
  RouteRejected,
  RouteAnswer,
} from './routing/answers.js';
export type { ConnectionRequest, RouteRequest } from './routing/route-request.js';
export type { PathParams, ParamNames } from './routing/pattern.js';
export type { RouteUrlOptions } from './routing/reverse-url.js';
export { pass } from './routing/guards.js';
export type { Guard, GuardOutcome, GuardPassed, GuardsAdded } from './routing/guards.js';
export { allowOrigins } from './routing/origin-guard.js';
export type { AllowOriginsOptions, OriginRule } from './routing/origin-guard.js';
export { authenticateBasic, constantTimeEqual } from './routing/basic-auth.js';
export type { BasicCredentials, BasicVerifier } from './routing/basic-auth.js';
export { routeOf } from './routing/connection-route.js';
export type { ConnectionRoute } from './routing/connection-route.js';
export { Hub } from './hub/hub.js';
export type { HubOptions, HubStats, JoinOptions, PublishOptions } from './hub/hub.js';
export { HubMember } from './hub/member.js';
export { inProcessBackend } from './hub/backend.js';
export type { HubBackend, HubSink } from './hub/backend.js';
export type { TopicMessage } from './hub/topic-message.js';
export type { TopicReplay } from './hub/backend.js';
export { resumeSubprotocol } from './hub/member-resume.js';
export { RESUME_PARAM, RESUME_SUBPROTOCOL, ResumeTracker } from './resume-wire.js';
export type { GoneMarker, IdsMarker, ResumeMarker, TrackedMessage } from './resume-wire.js';
export type { PresenceEvent, PresenceListener } from './hub/presence.js';
export { SubscriberDefaults } from './hub/subscriber-limits.js';
export type { SlowConsumerPolicy, SubscriberLimits } from './hub/subscriber-limits.js';
export { ServerLimitDefaults } from './server/limits.js';
export type { ServerLimits } from './server/limits.js';
export type { CloseOptions } from './server/shutdown.js';
export type { KeepAliveOptions } from './connection/keep-alive.js';
export type { Clock, TimerHandle } from './time/clock.js';
export * from './errors.js';
export { CloseCode, isSendableCloseCode, isOkCloseCode } from './codec/close-code.js';
export type {
  CloseCause,
  CloseCauseKind,
  CloseFrameInfo,
  CloseOutcome,
  ClosePhase,
  Side,
} from './protocol/events.js';
export { CloseCauseKinds } from './connection/close-cause.js';
export { DiagnosticChannels } from './connection/diagnostics.js';
export type {
  BackpressureDiagnostic,
  ConnectionCloseDiagnostic,
  ConnectionOpenDiagnostic,
  ErrorDiagnostic,
  ErrorSource,
  HandshakeAcceptedDiagnostic,
  HandshakeRejectReason,
  HandshakeRejectedDiagnostic,
  MessageDiagnostic,
  PingRoundTripDiagnostic,
} from './connection/diagnostics.js';
export type {
  PerMessageDeflateOptions,
  NegotiatedDeflate,
  DeflateParams,
} from './extensions/permessage-deflate.js';
export type { DeflateSettings } from './extensions/deflate-options.js';
export { basicAuth } from './client/request.js';
export type { WebSocketRequest, TlsOptions, ExtensionOffer } from './client/request.js';
export type {
  WebSocketUpgradeResponse,
  ValidUpgrade,
  InvalidUpgradeResponse,
  ResponseHeaders,
} from './client/response.js';
export type { ClientOptions, UpgradeResult } from './client/connect.js';
export { singleWebSocketRequest } from './client/single-request.js';
export type { MaterializedFlow, SingleWebSocketRequest } from './client/single-request.js';
export { webSocketClientFlow, WebSocketClientFlow } from './client/client-flow.js';
export { webSocketClientLayer } from './client/client-layer.js';
export type { WebSocketClientLayer, ByteTransport } from './client/client-layer.js';
export { WebSocketClient } from './client/socket.js';
export { openWebSocket } from './client/open-socket.js';
export type { SocketOptions, SendOptions, ReceiveOptions } from './client/socket.js';
export { ClientCloseEvent, ClientPingEvent } from './client/client-events.js';
export { openWebSocketWithListener } from './client/listeners.js';
export type { WebSocketListener } from './client/listeners.js';
export { WebSocket } from './client/web-socket.js';
export type {
  WebSocketBinaryType,
  WebSocketEventMap,
  WebSocketOptions,
} from './client/web-socket.js';
export { WebSocketCloseEvent, WebSocketErrorEvent } from './client/web-socket-events.js';
export { actorFlow, ActorFlowDefaults } from './actor/socket-actor.js';
export type { ActorFlowOptions, SocketActor, SocketActorContext } from './actor/socket-actor.js';
export { spawn, MailboxDefaults } from './actor/spawn.js';
export type {
  Actor,
  ActorBehavior,
  ActorContext,
  ActorStopped,
  SpawnOptions,
} from './actor/spawn.js';
export type { ActorHooks, ActorRef } from './actor/mailbox.js';
export type { OverflowStrategy } from './actor/overflow.js';
