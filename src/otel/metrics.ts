// OpenTelemetry binding: wsflow's diagnostics channels recorded as OpenTelemetry metrics
// (docs/operations.md, "Metrics and tracing"). It stands on the public entry alone, and on
// `@opentelemetry/api`, an optional peer dependency that only this export needs.

import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { metrics } from '@opentelemetry/api';
import type { BatchObservableCallback, Meter, MeterProvider } from '@opentelemetry/api';
import { DiagnosticChannels } from '../index.js';
import type {
  BackpressureDiagnostic,
  Connection,
  ConnectionCloseDiagnostic,
  ConnectionOpenDiagnostic,
  HandshakeAcceptedDiagnostic,
  HandshakeRejectedDiagnostic,
  MessageDiagnostic,
  PingRoundTripDiagnostic,
} from '../index.js';
import {
  MESSAGE_ATTRIBUTES,
  closeAttributes,
  handshakeAttributes,
  messageIndex,
  sideAttributes,
} from './attributes.js';

/** Options of {@link startWsflowMetrics}. */
export interface WsflowMetricsOptions {
  /** Where the meter comes from. Default: the global provider (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
  /**
   * Count the messages and their bytes (`wsflow.messages`, `wsflow.message.payload`). Default
   * true. Off, nothing listens to `wsflow:message` and messages cost nothing more than without
   * the binding.
   */
  messages?: boolean;
}

/** The running binding: {@link WsflowMetrics.stop} unsubscribes it. */
export interface WsflowMetrics {
  /** The meter its instruments belong to (named `wsflow`). */
  readonly meter: Meter;
  /** Stops recording: every channel listener is removed. Idempotent. */
  stop(): void;
}

/** The instruments' names, as docs/operations.md lists them for dashboards. */
export const WsflowMetricNames = Object.freeze({
  activeConnections: 'wsflow.active_connections',
  connectionDuration: 'wsflow.connection.duration',
  closedConnections: 'wsflow.closed_connections',
  handshakes: 'wsflow.handshakes',
  messages: 'wsflow.messages',
  messagePayload: 'wsflow.message.payload',
  backpressure: 'wsflow.backpressure',
  pingRoundTrip: 'wsflow.ping.rtt',
});

/** Connections live from a moment to days: 10 ms to a day, in seconds. */
const CONNECTION_DURATION_BUCKETS = [
  0.01, 0.1, 1, 10, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400,
];
/** Round trips: the buckets the semantic conventions advise for HTTP durations, in seconds. */
const ROUND_TRIP_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/**
 * Records wsflow's connections, handshakes, messages, closes, backpressure and Ping round trips
 * as OpenTelemetry metrics, from the diagnostics channels, for every server and client in the
 * process. Start it once, before the servers it should count (a connection that started
 * earlier is not counted as active, and its duration is unknown).
 *
 * @param options - the meter provider; whether to count messages.
 * @returns the binding, to stop it.
 * @example
 * ```ts
 * import { metrics } from '@opentelemetry/api';
 * import { startWsflowMetrics } from 'wsflow/otel';
 *
 * const wsflowMetrics = startWsflowMetrics({ meterProvider: metrics.getMeterProvider() });
 * // ... later
 * wsflowMetrics.stop();
 * ```
 */
export function startWsflowMetrics(options: WsflowMetricsOptions = {}): WsflowMetrics {
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter('wsflow');
  const names = WsflowMetricNames;
  const active = meter.createUpDownCounter(names.activeConnections, {
    description: 'WebSocket connections open now.',
    unit: '{connection}',
  });
  const duration = meter.createHistogram(names.connectionDuration, {
    description: 'How long WebSocket connections were open, by how they closed.',
    unit: 's',
    advice: { explicitBucketBoundaries: CONNECTION_DURATION_BUCKETS },
  });
  const closed = meter.createCounter(names.closedConnections, {
    description: 'WebSocket connections closed, by close code and cause.',
    unit: '{connection}',
  });
  const handshakes = meter.createCounter(names.handshakes, {
    description: 'WebSocket opening handshakes, accepted or rejected.',
    unit: '{handshake}',
  });
  // Messages are counted here and observed when the metrics are collected: an SDK counter's
  // add() per message would cost more than the echo it counts.
  const messageCount = meter.createObservableCounter(names.messages, {
    description: 'WebSocket data messages received and sent.',
    unit: '{message}',
  });
  const payload = meter.createObservableCounter(names.messagePayload, {
    description: 'Payload bytes of the data messages received and sent, as on the wire.',
    unit: 'By',
  });
  const messageTotals = new Float64Array(MESSAGE_ATTRIBUTES.length);
  const byteTotals = new Float64Array(MESSAGE_ATTRIBUTES.length);
  const observeMessages: BatchObservableCallback = (result) => {
    for (let i = 0; i < MESSAGE_ATTRIBUTES.length; i++) {
      if (messageTotals[i] === 0) continue;
      result.observe(messageCount, messageTotals[i], MESSAGE_ATTRIBUTES[i]);
      result.observe(payload, byteTotals[i], MESSAGE_ATTRIBUTES[i]);
    }
  };
  const backpressure = meter.createCounter(names.backpressure, {
    description: "Sends that waited for a transport's send buffer to drain (a slow reader).",
    unit: '{wait}',
  });
  const pingRtt = meter.createHistogram(names.pingRoundTrip, {
    description: 'Round-trip time of the Pings answered, keep-alive or not.',
    unit: 's',
    advice: { explicitBucketBoundaries: ROUND_TRIP_BUCKETS },
  });

  /** The connections counted in `active`: only those seen opening are counted down. */
  const counted = new WeakSet<Connection>();
  const listeners: [string, (message: unknown) => void][] = [
    [
      DiagnosticChannels.connectionOpen,
      (message) => {
        const { connection, side } = message as ConnectionOpenDiagnostic;
        counted.add(connection);
        active.add(1, sideAttributes(side));
      },
    ],
    [
      DiagnosticChannels.connectionClose,
      (message) => {
        const close = message as ConnectionCloseDiagnostic;
        if (counted.delete(close.connection)) active.add(-1, sideAttributes(close.side));
        const attributes = closeAttributes(close);
        closed.add(1, attributes);
        if (close.durationMs !== undefined) duration.record(close.durationMs / 1000, attributes);
      },
    ],
    [
      DiagnosticChannels.handshakeAccepted,
      (message) => handshakes.add(1, handshakeAttributes(message as HandshakeAcceptedDiagnostic)),
    ],
    [
      DiagnosticChannels.handshakeRejected,
      (message) => handshakes.add(1, handshakeAttributes(message as HandshakeRejectedDiagnostic)),
    ],
    [
      DiagnosticChannels.backpressure,
      (message) => backpressure.add(1, sideAttributes((message as BackpressureDiagnostic).side)),
    ],
    [
      DiagnosticChannels.pingRoundTrip,
      (message) => {
        const { side, rttMs } = message as PingRoundTripDiagnostic;
        pingRtt.record(rttMs / 1000, sideAttributes(side));
      },
    ],
  ];
  if (options.messages !== false) {
    listeners.push([
      DiagnosticChannels.message,
      (message) => {
        const { side, direction, kind, bytes } = message as MessageDiagnostic;
        const at = messageIndex(side, direction, kind);
        messageTotals[at] += 1;
        byteTotals[at] += bytes;
      },
    ]);
    meter.addBatchObservableCallback(observeMessages, [messageCount, payload]);
  }
  for (const [name, listener] of listeners) subscribe(name, listener);
  let stopped = false;
  return {
    meter,
    stop(): void {
      if (stopped) return;
      stopped = true;
      for (const [name, listener] of listeners) unsubscribe(name, listener);
      meter.removeBatchObservableCallback(observeMessages, [messageCount, payload]);
    },
  };
}
